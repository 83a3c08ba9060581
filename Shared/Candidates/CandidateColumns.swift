/// Which column of an uploaded sheet holds which candidate field, matched loosely: case,
/// spaces, punctuation and word order do not matter ("Full Name", "name", "Years of
/// Experience", "years_experience", "LinkedIn Profile URL"), and a column no rule knows is kept
/// with the candidate under its own header rather than dropped.
package struct CandidateColumns: Sendable, Equatable {
    package enum Field: String, Sendable, CaseIterable {
        case name, firstName = "first_name", lastName = "last_name", email, linkedin = "linkedin_url", phone, location
        case currentRole = "current_role", currentCompany = "current_company", years = "years_experience"
        case industries, skills, education, bio, history = "previous_companies", tenure = "tenure_months"

        /// The field's position in `allCases` (checked by a test), for tables indexed by field.
        package var ordinal: Int {
            switch self {
            case .name: 0
            case .firstName: 1
            case .lastName: 2
            case .email: 3
            case .linkedin: 4
            case .phone: 5
            case .location: 6
            case .currentRole: 7
            case .currentCompany: 8
            case .years: 9
            case .industries: 10
            case .skills: 11
            case .education: 12
            case .bio: 13
            case .history: 14
            case .tenure: 15
            }
        }

        /// Fields that several columns may feed (their lists are joined).
        var acceptsSeveralColumns: Bool { self == .skills || self == .industries || self == .history }
    }

    /// Column index → field, for the columns that were recognised.
    package var fields: [Int: Field]
    /// Column index → header, for the others.
    package var extras: [Int: String]
    package var headers: [String]

    package init(headers raw: [String]) {
        headers = raw.map { $0.trimmingWhitespace() }
        fields = [:]
        extras = [:]
        var taken: Set<Field> = []
        for (index, header) in headers.enumerated() {
            if let field = Self.field(for: header), field.acceptsSeveralColumns || !taken.contains(field) {
                fields[index] = field
                taken.insert(field)
            } else if !header.isEmpty {
                extras[index] = header
            }
        }
    }

    package func has(_ field: Field) -> Bool { fields.values.contains(field) }

    /// A header is usable when it names the candidate: a name column, or first and last names.
    package var identifiesCandidates: Bool { has(.name) || has(.firstName) || has(.lastName) }

    /// The header's words: lower-cased, split on anything that is not a letter or digit.
    static func words(_ header: String) -> [String] {
        var spaced = ""
        var previous: Character?
        for character in header {
            // camelCase and PascalCase headers ("yearsOfExperience") split into words as well.
            if character.isUppercase, let previous, previous.isLowercase { spaced.append(" ") }
            spaced.append(character.isLetter || character.isNumber ? Character(character.lowercased()) : " ")
            previous = character
        }
        return spaced.split(separator: " ").map(String.init)
    }

    static func field(for header: String) -> Field? {
        let words = words(header)
        guard !words.isEmpty else { return nil }
        let joined = words.joined()
        if let exact = exactNames[joined] { return exact }
        let set = Set(words)
        func any(_ candidates: String...) -> Bool { candidates.contains { set.contains($0) } }
        func startsWith(_ stem: String) -> Bool { words.contains { $0.hasPrefix(stem) } }
        // A column about someone or something else (the recruiter's email, the job applied for)
        // is kept as an extra, never read as the candidate's.
        if !set.isDisjoint(with: otherParties) { return nil }
        // Order matters: "LinkedIn URL" is LinkedIn before it is a URL; a company's page is not the candidate's.
        if joined.contains("linkedin") { return any("company", "employer", "org") ? nil : .linkedin }
        if startsWith("email") || joined.contains("email") || any("mail") { return .email }
        if any("first", "given", "forename") && (any("name") || words.count == 1) { return .firstName }
        if any("last", "family", "surname") && (any("name") || words.count == 1) { return .lastName }
        if any("phone", "mobile", "cell", "telephone", "tel", "whatsapp") { return .phone }
        if startsWith("tenure") { return .tenure }
        if any("previous", "past", "former", "history", "employers") { return .history }
        if any("yoe", "years", "year", "yrs") || (startsWith("experience") && words.count <= 3) {
            // "Years at company", "Years in current role": a tenure, not the whole experience.
            return any("company", "role", "position", "current", "job", "employer") ? nil : .years
        }
        if startsWith("skill") || any("technologies", "tech", "stack", "competencies", "expertise", "tools") { return .skills }
        if startsWith("industr") || any("sector", "sectors", "domain", "domains", "vertical", "verticals") { return .industries }
        if any("company", "employer", "organisation", "organization", "org", "firm") { return .currentCompany }
        if any("title", "position", "role", "headline", "job", "occupation", "designation") { return .currentRole }
        if startsWith("educat") || any("degree", "degrees", "school", "university", "college", "qualification", "qualifications") { return .education }
        if any("location", "city", "country", "based", "region", "address") { return .location }
        if any("bio", "summary", "about", "profile", "description", "overview", "background") { return .bio }
        if any("name", "candidate", "applicant", "person") { return .name }
        return nil
    }

    private static let otherParties: Set<String> = ["recruiter", "referrer", "referral", "referred", "manager", "hiring", "interviewer",
                                                    "owner", "sourcer", "applied", "target", "desired", "requisition", "status", "verified"]

    /// Whole headers (words joined) whose meaning the word rules would get wrong or miss.
    private static let exactNames: [String: Field] = [
        "name": .name, "fullname": .name, "candidatename": .name, "applicantname": .name, "candidate": .name,
        "displayname": .name, "contactname": .name,
        "experience": .years, "yearsexperience": .years, "yearsofexperience": .years, "totalexperience": .years,
        "workexperience": .years, "exp": .years,
        "currentrole": .currentRole, "currenttitle": .currentRole, "jobtitle": .currentRole, "title": .currentRole,
        "role": .currentRole, "position": .currentRole, "currentposition": .currentRole,
        "company": .currentCompany, "currentcompany": .currentCompany, "currentemployer": .currentCompany, "employer": .currentCompany,
        "companyname": .currentCompany,
        "profileurl": .linkedin,
    ]
}
