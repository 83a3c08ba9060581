import Core

/// Which column of an imported sheet holds which prospect field, matched loosely: case, spaces,
/// punctuation and underscores do not matter, and the names CRMs and LinkedIn exports use are
/// known ("LinkedIn Profile URL", "Full Name", "Job Title", "Organisation", "Employees", ...).
/// First and last name columns are joined when there is no full-name column. A column no rule
/// knows is reported as ignored, never guessed. Exact names win over loose rules wherever they
/// stand in the row (CRM exports put "Account Owner" before "Account Name"), and loose rules
/// never take a column about something else (an owner, a website, an id, an opt-out flag).
package struct ProspectColumns: Sendable, Equatable {
    /// A prospect field a column can hold; the raw value is the API's name for it.
    package enum Field: String, Sendable, CaseIterable {
        case linkedinURL = "linkedin_url", fullName = "full_name", firstName = "first_name", lastName = "last_name", title
        case companyName = "company_name", companySize = "company_size", industry, location, email, phone, status
    }

    /// Column index → field, for the recognised columns (each field from its first column).
    package var fields: [Int: Field]
    package var headers: [String]

    /// The most header columns read; a wider first line is refused (it is not a header).
    package static let maxColumns = 500

    /// Matches in two passes over headers folded once: exact names first, then loose rules for
    /// the fields still unassigned.
    package init(headers raw: [String]) {
        headers = raw.map(CellText.collapsed)
        fields = [:]
        let keys = headers.map(Self.folded)
        var taken: Set<Field> = []
        for (index, key) in keys.enumerated() {
            guard let field = Self.aliases[key], taken.insert(field).inserted else { continue }
            fields[index] = field
        }
        for (index, key) in keys.enumerated() where fields[index] == nil {
            guard let field = Self.looseField(for: key), taken.insert(field).inserted else { continue }
            fields[index] = field
        }
    }

    package func index(of field: Field) -> Int? { fields.first { $0.value == field }?.key }

    /// The fields a usable sheet must have, named the way a person can fix the header.
    package var missing: [String] {
        var missing: [String] = []
        if index(of: .linkedinURL) == nil { missing.append("linkedin_url (e.g. \"LinkedIn\", \"LinkedIn Profile URL\")") }
        if index(of: .fullName) == nil && index(of: .firstName) == nil && index(of: .lastName) == nil {
            missing.append("full_name (e.g. \"Name\", \"Full Name\", or \"First Name\" and \"Last Name\")")
        }
        if index(of: .title) == nil { missing.append("title (e.g. \"Title\", \"Job Title\")") }
        if index(of: .companyName) == nil { missing.append("company_name (e.g. \"Company\", \"Organisation\")") }
        return missing
    }

    /// Each header and the field it was read as ("ignored" when none).
    package var described: [String: String] {
        var result: [String: String] = [:]
        for (index, header) in headers.enumerated() where !header.isEmpty {
            result[header] = fields[index]?.rawValue ?? "ignored"
        }
        return result
    }

    /// The header folded: lower-cased letters and digits only ("Job-Title " → "jobtitle").
    static func folded(_ header: String) -> String {
        String(String.UnicodeScalarView(header.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }))
    }

    /// The field a header names on its own (the first pass would take it first in a sheet).
    static func field(for header: String) -> Field? {
        let key = folded(header)
        return aliases[key] ?? looseField(for: key)
    }

    /// Folded keys a loose rule must not read as a prospect field: about someone else, a link
    /// or a flag (the LinkedIn rule still reads URLs, the one link a prospect has).
    private static let unrelated = ["owner", "website", "domain", "optout", "unsubscribe"]

    /// Looser rules for a folded header no exact name matched, most specific first.
    static func looseField(for key: String) -> Field? {
        guard !key.isEmpty, !unrelated.contains(where: key.contains), !key.hasSuffix("id") else { return nil }
        if key.contains("linkedin") { return key.contains("company") || key.contains("org") ? nil : .linkedinURL }
        if key.contains("url") { return nil }
        if key.contains("email") || key.hasSuffix("mail") { return .email }
        if key.contains("phone") || key.contains("mobile") { return .phone }
        if key.contains("employee") || key.contains("headcount") { return .companySize }
        if key.contains("industry") || key.contains("sector") { return .industry }
        if key.hasPrefix("company") || key.hasPrefix("organi") || key.hasPrefix("employer") || key.hasPrefix("account") {
            return key.contains("size") ? .companySize : .companyName
        }
        if key.contains("title") || key.contains("position") { return .title }
        if key.contains("location") || key.hasSuffix("city") || key.hasSuffix("country") { return .location }
        return nil
    }

    /// Whole headers (folded) with their field.
    static let aliases: [String: Field] = [
        "linkedin": .linkedinURL, "linkedinurl": .linkedinURL, "linkedinprofile": .linkedinURL, "linkedinprofileurl": .linkedinURL,
        "profileurl": .linkedinURL, "profile": .linkedinURL, "liurl": .linkedinURL, "url": .linkedinURL,
        "name": .fullName, "fullname": .fullName, "contact": .fullName, "contactname": .fullName, "prospect": .fullName,
        "prospectname": .fullName, "person": .fullName, "leadname": .fullName,
        "firstname": .firstName, "givenname": .firstName, "first": .firstName, "forename": .firstName,
        "lastname": .lastName, "surname": .lastName, "familyname": .lastName, "last": .lastName,
        "title": .title, "jobtitle": .title, "position": .title, "role": .title, "jobrole": .title, "designation": .title,
        "job": .title, "headline": .title, "currenttitle": .title,
        "company": .companyName, "companyname": .companyName, "organisation": .companyName, "organization": .companyName,
        "org": .companyName, "employer": .companyName, "account": .companyName, "accountname": .companyName,
        "currentcompany": .companyName, "firm": .companyName,
        "companysize": .companySize, "employees": .companySize, "size": .companySize, "headcount": .companySize,
        "numberofemployees": .companySize, "noofemployees": .companySize, "employeecount": .companySize, "staff": .companySize,
        "industry": .industry, "sector": .industry, "vertical": .industry,
        "location": .location, "city": .location, "country": .location, "region": .location, "geography": .location,
        "email": .email, "emailaddress": .email, "workemail": .email, "mail": .email,
        "phone": .phone, "phonenumber": .phone, "mobile": .phone, "tel": .phone, "telephone": .phone,
        "status": .status, "stage": .status, "prospectstatus": .status, "leadstatus": .status,
    ]
}
