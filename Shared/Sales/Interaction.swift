import Core
import Store

/// One touchpoint with a prospect (an email, a meeting, ...), newest first in lists; research
/// reads them as context.
package struct Interaction: Codable, Sendable, Equatable {
    package static let types = ["email", "meeting", "call", "event", "linkedin"]

    package var id: Int
    package var prospectID: Int
    package var type: String
    package var subject: String?
    package var content: String
    package var sentiment: String?
    package var outcome: String?
    package var interactionDate: String
    package var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, subject, content, sentiment, outcome
        case prospectID = "prospect_id"
        case type = "interaction_type"
        case interactionDate = "interaction_date"
        case createdAt = "created_at"
    }

    init(row: Row) throws {
        id = try row.int("id")
        prospectID = try row.int("prospect_id")
        type = try row.string("interaction_type")
        subject = row.optionalString("subject")
        content = try row.string("content")
        sentiment = row.optionalString("sentiment")
        outcome = row.optionalString("outcome")
        interactionDate = Timestamp.format(try row.date("interaction_date"))
        createdAt = Timestamp.format(try row.date("created_at"))
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "prospect_id": Schema.integer(minimum: 1),
        "interaction_type": Schema.string(enum: types), "subject": Schema.nullable(Schema.string()), "content": Schema.string(),
        "sentiment": Schema.nullable(Schema.string()), "outcome": Schema.nullable(Schema.string()),
        "interaction_date": Schema.string(format: "date-time"), "created_at": Schema.string(format: "date-time"),
    ])
}
