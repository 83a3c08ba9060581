import Core
import Store

/// An event prospects are invited to (a summit, a workshop, a webinar): who it is for
/// (`target_industries`, `target_roles`) and which solutions it features. Field names are the
/// original system's.
package struct SalesEvent: Codable, Sendable, Equatable {
    package var id: Int
    package var title: String
    package var description: String
    package var eventType: String
    package var eventDate: String
    package var location: String?
    package var targetIndustries: [String]
    package var targetRoles: [String]
    package var featuredSolutions: [String]
    package var createdAt: String
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, description, location
        case eventType = "event_type"
        case eventDate = "event_date"
        case targetIndustries = "target_industries"
        case targetRoles = "target_roles"
        case featuredSolutions = "aws_solutions_featured"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The columns `init(row:)` reads (for `RETURNING`).
    package static let columns = """
        id, title, description, event_type, event_date, location, target_industries, target_roles,
        aws_solutions_featured, created_at, updated_at
        """

    package static let selectColumns = """
        id, title, description, event_type, event_date, location, target_industries, target_roles,
        aws_solutions_featured, created_at, updated_at FROM sales_events
        """

    init(row: Row) throws {
        id = try row.int("id")
        title = try row.string("title")
        description = try row.string("description")
        eventType = try row.string("event_type")
        eventDate = try row.string("event_date")
        location = row.optionalString("location")
        targetIndustries = ResearchContext.list(row.optionalString("target_industries"))
        targetRoles = ResearchContext.list(row.optionalString("target_roles"))
        featuredSolutions = ResearchContext.list(row.optionalString("aws_solutions_featured"))
        createdAt = Timestamp.format(try row.date("created_at"))
        updatedAt = Timestamp.format(try row.date("updated_at"))
    }

    /// The JSON Schema of an event in answers.
    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "title": Schema.string(), "description": Schema.string(),
        "event_type": Schema.string("summit, workshop, webinar, …"),
        "event_date": Schema.string("An ISO date (2026-05-14) or a UTC date-time"),
        "location": Schema.nullable(Schema.string()),
        "target_industries": Schema.array(Schema.string()), "target_roles": Schema.array(Schema.string()),
        "aws_solutions_featured": Schema.array(Schema.string()),
        "created_at": Schema.string(format: "date-time"), "updated_at": Schema.string(format: "date-time"),
    ])

    /// The event `id`, or nil when there is none.
    package static func load(_ id: Int, sql: any SQLExecutor) throws -> SalesEvent? {
        try sql.queryOne("SELECT \(selectColumns) WHERE id = ?", id).map(SalesEvent.init(row:))
    }
}
