import Core
import Store

/// A past message or note exchanged with a customer, with what came of it: the material
/// `analyze_similar_wins` learns from. Entered by hand or read from an uploaded file.
package struct Communication: Codable, Sendable, Equatable {
    package var id: Int
    package var prospectID: Int?
    package var companyID: Int?
    package var companyName: String?
    package var subject: String
    package var content: String
    package var sender: String?
    package var outcome: String?
    /// `win`, `loss`, `neutral` or `unknown`, read from `outcome` by `OutcomeKind`.
    package var outcomeKind: String
    package var communicationDate: String
    package var source: Source
    package var chunks: Int
    package var createdAt: String

    /// Where the communication came from: typed in, or a file (its name and SHA-256).
    package struct Source: Codable, Sendable, Equatable {
        package var kind: String
        package var uploadID: Int?
        package var fileName: String?
        package var sha256: String?

        enum CodingKeys: String, CodingKey {
            case kind, sha256
            case uploadID = "upload_id"
            case fileName = "file_name"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, subject, content, sender, outcome, source, chunks
        case prospectID = "prospect_id"
        case companyID = "company_id"
        case companyName = "company_name"
        case outcomeKind = "outcome_kind"
        case communicationDate = "communication_date"
        case createdAt = "created_at"
    }

    static let selectColumns = """
        m.id, m.prospect_id, m.company_id, m.company_name, m.subject, m.content, m.sender, m.outcome, m.outcome_kind,
        m.communication_date, m.source, m.upload_id, m.file_name, m.file_sha256, m.created_at,
        (SELECT COUNT(*) FROM sales_communication_chunks c WHERE c.communication_id = m.id) AS chunk_count
        FROM sales_communications m
        """

    init(row: Row) throws {
        id = try row.int("id")
        prospectID = row.optionalInt("prospect_id")
        companyID = row.optionalInt("company_id")
        companyName = row.optionalString("company_name")
        subject = try row.string("subject")
        content = try row.string("content")
        sender = row.optionalString("sender")
        outcome = row.optionalString("outcome")
        outcomeKind = try row.string("outcome_kind")
        communicationDate = Timestamp.format(try row.date("communication_date"))
        source = Source(kind: try row.string("source"), uploadID: row.optionalInt("upload_id"), fileName: row.optionalString("file_name"),
                        sha256: row.optionalString("file_sha256"))
        chunks = row.optionalInt("chunk_count") ?? 0
        createdAt = Timestamp.format(try row.date("created_at"))
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "prospect_id": Schema.nullable(Schema.integer(minimum: 1)),
        "company_id": Schema.nullable(Schema.integer(minimum: 1)), "company_name": Schema.nullable(Schema.string()),
        "subject": Schema.string(), "content": Schema.string(), "sender": Schema.nullable(Schema.string()),
        "outcome": Schema.nullable(Schema.string()), "outcome_kind": Schema.string(enum: OutcomeKind.all),
        "communication_date": Schema.string(format: "date-time"),
        "source": Schema.object([
            "kind": Schema.string(enum: ["manual", "upload"]), "upload_id": Schema.nullable(Schema.integer(minimum: 1)),
            "file_name": Schema.nullable(Schema.string()), "sha256": Schema.nullable(Schema.string()),
        ], required: ["kind"]),
        "chunks": Schema.integer(minimum: 0), "created_at": Schema.string(format: "date-time"),
    ])
}

/// What a free-text outcome means for learning from it: "won", "closed won", "meeting booked",
/// "replied positively" are wins; "lost", "no reply", "not interested" are losses; "replied",
/// "follow up later" are neutral; anything else (or nothing) is unknown. Phrases are matched on
/// whole words, losses first, so "not interested" is never read as "interested".
package enum OutcomeKind {
    package static let all = ["win", "loss", "neutral", "unknown"]

    static let losses = [
        "lost", "closed lost", "loss", "no deal", "declined", "rejected", "not interested", "no interest", "no reply", "no response",
        "did not reply", "didn't reply", "never replied", "unsubscribed", "churned", "went with a competitor", "chose a competitor",
        "ghosted", "negative", "bounced", "cancelled", "canceled", "no meeting", "not a fit", "no budget", "dead", "disqualified",
    ]
    static let wins = [
        "won", "closed won", "closed-won", "win", "deal won", "meeting booked", "booked a meeting", "booked meeting", "meeting scheduled",
        "demo booked", "demo scheduled", "call booked", "replied positively", "positive reply", "positive response", "responded positively",
        "positive", "signed", "contract signed", "deal closed", "purchased", "converted", "accepted", "success", "successful", "interested",
        "expanded", "renewed", "upsell",
    ]
    static let neutrals = [
        "replied", "reply", "responded", "follow up", "follow-up", "followup", "pending", "no decision", "neutral", "in progress",
        "maybe", "later", "open", "waiting", "opened", "sent",
    ]

    /// The kind of a free-text outcome.
    package static func classify(_ outcome: String?) -> String {
        guard let outcome else { return "unknown" }
        let words = Words.split(outcome.lowercased().replacing("-", with: " "), keeping: ["'"])
        guard !words.isEmpty else { return "unknown" }
        let padded = " " + words.joined(separator: " ") + " "
        func has(_ phrases: [String]) -> Bool {
            phrases.contains { padded.contains(" " + $0.replacing("-", with: " ") + " ") }
        }
        if has(losses) { return "loss" }
        if has(wins) { return "win" }
        if has(neutrals) { return "neutral" }
        return "unknown"
    }
}
