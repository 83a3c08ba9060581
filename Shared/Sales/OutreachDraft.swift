import Core
import Providers
import Store

/// One stored outreach draft (the original system's OutreachDraft: subject, body,
/// suggested_solutions, context_used, sent_at), plus the run that wrote it, whether it was
/// written without research, the checks' warnings after a person's edit, and when it was edited.
package struct OutreachDraft: Codable, Sendable, Equatable {
    package var id: Int
    package var prospectID: Int
    package var eventID: Int?
    package var runID: Int?
    package var subject: String
    package var body: String
    package var wordCount: Int
    package var suggestedSolutions: [String]
    package var contextUsed: JSONValue
    package var warnings: [ErrorDetail]
    package var withoutResearch: Bool
    package var editedAt: String?
    package var sentAt: String?
    package var createdAt: String
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, subject, body, warnings
        case prospectID = "prospect_id"
        case eventID = "event_id"
        case runID = "run_id"
        case wordCount = "word_count"
        case suggestedSolutions = "suggested_solutions"
        case contextUsed = "context_used"
        case withoutResearch = "without_research"
        case editedAt = "edited_at"
        case sentAt = "sent_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(row: Row) throws {
        id = try row.int("id")
        prospectID = try row.int("prospect_id")
        eventID = row.optionalInt("event_id")
        runID = row.optionalInt("run_id")
        subject = try row.string("subject")
        body = try row.string("body")
        wordCount = TextRules.wordCount(body)
        suggestedSolutions = (try row.json("suggested_solutions").arrayValue ?? []).compactMap(\.stringValue)
        contextUsed = try row.json("context_used")
        warnings = (try? row.json("warnings").decode(as: [ErrorDetail].self)) ?? []
        withoutResearch = row.bool("without_research")
        editedAt = row.optionalDate("edited_at").map { Timestamp.format($0) }
        sentAt = row.optionalDate("sent_at").map { Timestamp.format($0) }
        createdAt = Timestamp.format(try row.date("created_at"))
        updatedAt = Timestamp.format(try row.date("updated_at"))
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "prospect_id": Schema.integer(minimum: 1),
        "event_id": Schema.nullable(Schema.integer("The event an invitation is for", minimum: 1)),
        "run_id": Schema.nullable(Schema.integer("The outreach run that wrote it", minimum: 1)),
        "subject": Schema.string(), "body": Schema.string(), "word_count": Schema.integer(minimum: 0),
        "suggested_solutions": Schema.array(Schema.string()),
        "context_used": Schema.object([:], required: [], additionalProperties: true,
                                      "Research run, past wins, event, custom context, sources, strategy, providers, offline"),
        "warnings": Schema.array(Schema.object(["field": Schema.string(), "problem": Schema.string()]),
                                 "The checks a person's edit no longer meets (edits are never refused for them)"),
        "without_research": Schema.boolean("true when written with allow_without_research and no research"),
        "edited_at": Schema.nullable(Schema.string(format: "date-time")),
        "sent_at": Schema.nullable(Schema.string(format: "date-time")),
        "created_at": Schema.string(format: "date-time"), "updated_at": Schema.string(format: "date-time"),
    ])
}
