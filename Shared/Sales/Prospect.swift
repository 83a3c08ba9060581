import Core
import Store

/// A prospect as the API shows it, with the company it is linked to. `linkedin_url` is the
/// identity (normalised by `LinkedInURL`): importing the same person again updates this row.
package struct Prospect: Codable, Sendable, Equatable {
    package static let statuses = ["new", "researched", "contacted", "engaged", "qualified", "inactive"]

    package var id: Int
    package var linkedinURL: String
    package var fullName: String
    package var title: String
    package var companyName: String
    package var companyID: Int?
    package var companySize: String?
    package var industry: String?
    package var location: String?
    package var email: String?
    package var phone: String?
    package var status: String
    package var lastContacted: String?
    package var createdAt: String
    package var updatedAt: String
    package var company: Company?

    enum CodingKeys: String, CodingKey {
        case id, title, industry, location, email, phone, status, company
        case linkedinURL = "linkedin_url"
        case fullName = "full_name"
        case companyName = "company_name"
        case companyID = "company_id"
        case companySize = "company_size"
        case lastContacted = "last_contacted"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The columns `init(row:)` reads: the prospect's own, then its company's prefixed `c_`.
    static let selectColumns = """
        p.id, p.linkedin_url, p.full_name, p.title, p.company_name, p.company_id, p.company_size, p.industry, p.location, p.email,
        p.phone, p.status, p.last_contacted, p.created_at, p.updated_at,
        c.id AS c_id, c.name AS c_name, c.industry AS c_industry, c.size AS c_size, c.linkedin_url AS c_linkedin_url,
        c.website AS c_website, c.tech_stack AS c_tech_stack, c.pain_points AS c_pain_points, c.created_at AS c_created_at,
        c.updated_at AS c_updated_at
        FROM sales_prospects p LEFT JOIN sales_companies c ON c.id = p.company_id
        """

    init(row: Row) throws {
        id = try row.int("id")
        linkedinURL = try row.string("linkedin_url")
        fullName = try row.string("full_name")
        title = try row.string("title")
        companyName = try row.string("company_name")
        companyID = row.optionalInt("company_id")
        companySize = row.optionalString("company_size")
        industry = row.optionalString("industry")
        location = row.optionalString("location")
        email = row.optionalString("email")
        phone = row.optionalString("phone")
        status = try row.string("status")
        lastContacted = row.optionalDate("last_contacted").map { Timestamp.format($0) }
        createdAt = Timestamp.format(try row.date("created_at"))
        updatedAt = Timestamp.format(try row.date("updated_at"))
        company = row.optionalInt("c_id") == nil ? nil : try Company(row: row, prefix: "c_")
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1),
        "linkedin_url": Schema.string("https://www.linkedin.com/in/<slug>, however it was written"),
        "full_name": Schema.string(), "title": Schema.string(), "company_name": Schema.string("As written for this prospect"),
        "company_id": Schema.nullable(Schema.integer(minimum: 1)),
        "company_size": Schema.nullable(Schema.string()), "industry": Schema.nullable(Schema.string()),
        "location": Schema.nullable(Schema.string()), "email": Schema.nullable(Schema.string()), "phone": Schema.nullable(Schema.string()),
        "status": Schema.string(enum: statuses), "last_contacted": Schema.nullable(Schema.string(format: "date-time")),
        "created_at": Schema.string(format: "date-time"), "updated_at": Schema.string(format: "date-time"),
        "company": Schema.nullable(Company.schema),
    ])
}

/// What was wrong with a prospect's fields, each problem naming its field.
package struct FieldProblems: Error, Sendable {
    package var details: [ErrorDetail]
}

/// The fields a person gives for a prospect (create, import row, edit), checked and normalised:
/// the LinkedIn URL in its one spelling, text trimmed with whitespace collapsed, an email in its
/// one spelling (`EmailAddress`), a placeholder ("N/A", "-", "none") in an optional field
/// empty, the status from the list.
package struct ProspectFields: Sendable, Equatable {
    package var linkedinURL: String
    package var fullName: String
    package var title: String
    package var companyName: String
    package var companySize: String?
    package var industry: String?
    package var location: String?
    package var email: String?
    package var phone: String?
    package var status: String?
    /// `CompanyName.key(companyName)`, worked out once.
    package var companyKey: String

    /// Longest accepted value of a text field.
    static let maxLength = 500

    /// The values as given, before any check (nil: not given).
    package struct Raw: Sendable {
        package var linkedinURL, fullName, title, companyName, companySize, industry, location, email, phone, status: String?

        package init(linkedinURL: String? = nil, fullName: String? = nil, title: String? = nil, companyName: String? = nil,
                     companySize: String? = nil, industry: String? = nil, location: String? = nil, email: String? = nil,
                     phone: String? = nil, status: String? = nil) {
            (self.linkedinURL, self.fullName, self.title, self.companyName, self.companySize) = (linkedinURL, fullName, title, companyName, companySize)
            (self.industry, self.location, self.email, self.phone, self.status) = (industry, location, email, phone, status)
        }

        /// By the API's field names.
        package init(_ values: [String: String?]) {
            self.init(linkedinURL: values["linkedin_url"] ?? nil, fullName: values["full_name"] ?? nil, title: values["title"] ?? nil,
                      companyName: values["company_name"] ?? nil, companySize: values["company_size"] ?? nil,
                      industry: values["industry"] ?? nil, location: values["location"] ?? nil, email: values["email"] ?? nil,
                      phone: values["phone"] ?? nil, status: values["status"] ?? nil)
        }
    }

    /// Checks raw values; problems name the field (the API's names). `partial` (an edit): the
    /// required fields may be absent, and are then empty in the result.
    package static func check(_ raw: [String: String?], partial: Bool = false) -> Result<ProspectFields, FieldProblems> {
        check(Raw(raw), partial: partial)
    }

    package static func check(_ raw: Raw, partial: Bool = false) -> Result<ProspectFields, FieldProblems> {
        var problems: [ErrorDetail] = []
        func text(_ given: String?, _ field: String, required: Bool) -> String? {
            let value = given.map(CellText.collapsed)
            // An optional cell holding "N/A", "-", "none", ... is empty, as in a candidate upload.
            guard let value, !value.isEmpty, required || !CellText.isPlaceholder(value) else {
                if required { problems.append(ErrorDetail(field: field, problem: "is required")) }
                return nil
            }
            // UTF-8 bytes are never fewer than characters: count characters only when it may matter.
            if value.utf8.count > maxLength, value.count > maxLength {
                problems.append(ErrorDetail(field: field, problem: "is longer than \(maxLength) characters"))
            }
            return value
        }
        // In an edit, a required field that is sent must not be blank.
        func required(_ given: String?) -> Bool { !partial || given != nil }
        let linkedinText = text(raw.linkedinURL, "linkedin_url", required: required(raw.linkedinURL))
        let linkedin = linkedinText.flatMap(LinkedInURL.normalized)
        if linkedinText != nil, linkedin == nil {
            problems.append(ErrorDetail(field: "linkedin_url", problem: "is not a LinkedIn profile URL (https://www.linkedin.com/in/...)"))
        }
        let fullName = text(raw.fullName, "full_name", required: required(raw.fullName))
        let title = text(raw.title, "title", required: required(raw.title))
        let company = text(raw.companyName, "company_name", required: required(raw.companyName))
        let companyKey = company.map(CompanyName.key) ?? ""
        if company != nil, companyKey.isEmpty {
            problems.append(ErrorDetail(field: "company_name", problem: "has no letters or digits"))
        }
        var email = text(raw.email, "email", required: false)
        if let given = email {
            email = EmailAddress.normalized(given)
            if email == nil { problems.append(ErrorDetail(field: "email", problem: "is not an email address")) }
        }
        let status = text(raw.status, "status", required: false).map { $0.lowercased() }
        if let status, !Prospect.statuses.contains(status) {
            problems.append(ErrorDetail(field: "status", problem: "must be one of " + Prospect.statuses.joined(separator: ", ")))
        }
        let fields = ProspectFields(linkedinURL: linkedin ?? "", fullName: fullName ?? "", title: title ?? "", companyName: company ?? "",
                                    companySize: text(raw.companySize, "company_size", required: false),
                                    industry: text(raw.industry, "industry", required: false),
                                    location: text(raw.location, "location", required: false), email: email,
                                    phone: text(raw.phone, "phone", required: false), status: status, companyKey: companyKey)
        return problems.isEmpty ? .success(fields) : .failure(FieldProblems(details: problems))
    }
}
