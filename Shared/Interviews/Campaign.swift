import Core
import Store

/// A research campaign as the API shows it: the brief and extraction schema, where it stands,
/// and how its conversations are going.
package struct Campaign: Codable, Sendable, Equatable {
    package static let statuses = ["draft", "active", "paused", "completed"]

    package var id: Int
    package var name: String
    package var brief: String
    package var schema: ExtractionSchema
    package var phoneCount: Int
    /// Only `get-campaign` lists the numbers; lists stay small.
    package var phones: [String]?
    package var openingMessage: String?
    package var maxTurns: Int
    package var status: String
    /// Conversations per status, every status present, plus `total`.
    package var counts: [String: Int]
    /// Completed conversations over all conversations; null before launch.
    package var completionRate: Double?
    /// Outreach queue rows per status.
    package var outreach: [String: Int]
    package var launchedAt: String?
    package var completedAt: String?
    package var createdAt: String
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, brief, schema, phones, status, counts, outreach
        case phoneCount = "phone_count"
        case openingMessage = "opening_message"
        case maxTurns = "max_turns"
        case completionRate = "completion_rate"
        case launchedAt = "launched_at"
        case completedAt = "completed_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(row: Row, counts: [String: Int], outreach: [String: Int], includePhones: Bool) throws {
        id = try row.int("id")
        name = try row.string("name")
        brief = try row.string("brief")
        schema = try row.decode("fields", as: ExtractionSchema.self)
        let numbers = try row.decode("phones", as: [String].self)
        phoneCount = numbers.count
        phones = includePhones ? numbers : nil
        openingMessage = row.optionalString("opening_message")
        maxTurns = try row.int("max_turns")
        status = try row.string("status")
        var all = Dictionary(uniqueKeysWithValues: Conversation.statuses.map { ($0, counts[$0] ?? 0) })
        let total = all.values.reduce(0, +)
        all["total"] = total
        self.counts = all
        completionRate = total == 0 ? nil : Double(all["completed"] ?? 0) / Double(total)
        self.outreach = Dictionary(uniqueKeysWithValues: OutreachQueue.statuses.map { ($0, outreach[$0] ?? 0) })
        launchedAt = row.optionalDate("launched_at").map { Timestamp.format($0) }
        completedAt = row.optionalDate("completed_at").map { Timestamp.format($0) }
        createdAt = Timestamp.format(try row.date("created_at"))
        updatedAt = Timestamp.format(try row.date("updated_at"))
    }

    package static let fieldSchema: JSONValue = Schema.object([
        "name": Schema.string(), "type": Schema.string(enum: ExtractionField.Kind.allCases.map(\.rawValue)),
        "description": Schema.string(), "enum": Schema.nullable(Schema.array(Schema.string())), "min": Schema.nullable(Schema.number()),
        "max": Schema.nullable(Schema.number()),
    ], required: ["name", "type", "description"])

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "name": Schema.string(), "brief": Schema.string(),
        "schema": Schema.array(fieldSchema, "The extraction schema, in asking order"),
        "phone_count": Schema.integer(minimum: 0), "phones": Schema.nullable(Schema.array(Schema.string(), "The numbers (get-campaign only)")),
        "opening_message": Schema.nullable(Schema.string()), "max_turns": Schema.integer(minimum: 1),
        "status": Schema.string(enum: statuses),
        "counts": Schema.map(Schema.integer(minimum: 0), "Conversations per status, and total"),
        "completion_rate": Schema.nullable(Schema.number(minimum: 0, maximum: 1)),
        "outreach": Schema.map(Schema.integer(minimum: 0), "Outreach queue rows per status"),
        "launched_at": Schema.nullable(Schema.string(format: "date-time")),
        "completed_at": Schema.nullable(Schema.string(format: "date-time")),
        "created_at": Schema.string(format: "date-time"), "updated_at": Schema.string(format: "date-time"),
    ], required: ["id", "name", "brief", "schema", "phone_count", "max_turns", "status", "counts", "outreach", "created_at", "updated_at"])
}

/// The statuses of the outreach queue: `held` while the campaign is paused.
package enum OutreachQueue {
    package static let statuses = ["scheduled", "held", "sending", "sent", "failed", "cancelled"]
}
