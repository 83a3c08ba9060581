import Core
import Store

/// A prospect's company as the API shows it. One row per company key (`CompanyName.key`):
/// prospects imported with different spellings of the name share it; `name` is the first spelling seen.
package struct Company: Codable, Sendable, Equatable {
    package var id: Int
    package var name: String
    package var industry: String?
    package var size: String?
    package var linkedinURL: String?
    package var website: String?
    package var techStack: JSONValue?
    package var painPoints: JSONValue?
    package var createdAt: String
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, industry, size, website
        case linkedinURL = "linkedin_url"
        case techStack = "tech_stack"
        case painPoints = "pain_points"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(row: Row, prefix: String = "") throws {
        id = try row.int(prefix + "id")
        name = try row.string(prefix + "name")
        industry = row.optionalString(prefix + "industry")
        size = row.optionalString(prefix + "size")
        linkedinURL = row.optionalString(prefix + "linkedin_url")
        website = row.optionalString(prefix + "website")
        techStack = try row.optionalJSON(prefix + "tech_stack")
        painPoints = try row.optionalJSON(prefix + "pain_points")
        createdAt = Timestamp.format(try row.date(prefix + "created_at"))
        updatedAt = Timestamp.format(try row.date(prefix + "updated_at"))
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "name": Schema.string(),
        "industry": Schema.nullable(Schema.string()), "size": Schema.nullable(Schema.string()),
        "linkedin_url": Schema.nullable(Schema.string()), "website": Schema.nullable(Schema.string()),
        "tech_stack": Schema.nullable(Schema.any), "pain_points": Schema.nullable(Schema.any),
        "created_at": Schema.string(format: "date-time"), "updated_at": Schema.string(format: "date-time"),
    ])
}
