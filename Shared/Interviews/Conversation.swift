import Core
import Store

/// One person's interview in one campaign: where it stands, what has been extracted so far, and
/// (in `get-conversation`) the whole transcript.
package struct Conversation: Codable, Sendable, Equatable {
    package static let statuses = ["pending", "outreach_sent", "active", "completed", "abandoned", "failed"]
    /// Statuses in which the conversation can still go on.
    package static let openStatuses = ["pending", "outreach_sent", "active"]
    /// `openStatuses` as an SQL list, for `status IN \(openSQL)`.
    static let openSQL = "('pending', 'outreach_sent', 'active')"

    package var id: Int
    package var campaignID: Int
    package var phone: String
    package var profileName: String?
    package var status: String
    package var extracted: [String: JSONValue]
    package var missingFields: [String]
    package var turns: Int
    package var endReason: String?
    package var lastInboundAt: String?
    package var lastOutboundAt: String?
    package var endedAt: String?
    package var createdAt: String
    package var updatedAt: String
    package var messages: [Message]?

    enum CodingKeys: String, CodingKey {
        case id, phone, status, extracted, turns, messages
        case campaignID = "campaign_id"
        case profileName = "profile_name"
        case missingFields = "missing_fields"
        case endReason = "end_reason"
        case lastInboundAt = "last_inbound_at"
        case lastOutboundAt = "last_outbound_at"
        case endedAt = "ended_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// From a `conversations` row joined with its user's `phone` and `profile_name` and its
    /// campaign's `fields`.
    init(row: Row, messages: [Message]? = nil) throws {
        id = try row.int("id")
        campaignID = try row.int("campaign_id")
        phone = try row.string("phone")
        profileName = row.optionalString("profile_name")
        status = try row.string("status")
        extracted = try row.json("extracted").objectValue ?? [:]
        let schema = try row.decode("fields", as: ExtractionSchema.self)
        let state = try row.decode("agent_state", as: AgentState.self)
        missingFields = schema.missing(in: extracted, skipping: Set(state.skipped)).map(\.name)
        turns = try row.int("turns")
        endReason = row.optionalString("end_reason")
        lastInboundAt = row.optionalDate("last_inbound_at").map { Timestamp.format($0) }
        lastOutboundAt = row.optionalDate("last_outbound_at").map { Timestamp.format($0) }
        endedAt = row.optionalDate("ended_at").map { Timestamp.format($0) }
        createdAt = Timestamp.format(try row.date("created_at"))
        updatedAt = Timestamp.format(try row.date("updated_at"))
        self.messages = messages
    }

    /// The columns `init(row:)` reads.
    static let selectSQL = """
        SELECT c.*, u.phone, u.profile_name, k.fields FROM conversations c
        JOIN users u ON u.id = c.user_id JOIN campaigns k ON k.id = c.campaign_id
        """

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "campaign_id": Schema.integer(minimum: 1), "phone": Schema.string(),
        "profile_name": Schema.nullable(Schema.string()), "status": Schema.string(enum: statuses),
        "extracted": Schema.map(Schema.any, "Values collected so far, by field name"),
        "missing_fields": Schema.array(Schema.string()), "turns": Schema.integer(minimum: 0),
        "end_reason": Schema.nullable(Schema.string()),
        "last_inbound_at": Schema.nullable(Schema.string(format: "date-time")),
        "last_outbound_at": Schema.nullable(Schema.string(format: "date-time")),
        "ended_at": Schema.nullable(Schema.string(format: "date-time")),
        "created_at": Schema.string(format: "date-time"), "updated_at": Schema.string(format: "date-time"),
        "messages": Schema.nullable(Schema.array(Message.schema, "The transcript, each reply after its message (get-conversation only)")),
    ], required: ["id", "campaign_id", "phone", "status", "extracted", "missing_fields", "turns", "created_at", "updated_at"])
}

/// What the agent remembers between turns besides the extracted values: the field its last
/// question asked about, how often it asked, and the fields it gave up on.
package struct AgentState: Codable, Sendable, Equatable {
    package var askedField: String?
    package var tries: Int
    package var skipped: [String]

    enum CodingKeys: String, CodingKey {
        case askedField = "asked_field"
        case tries, skipped
    }

    package init(askedField: String? = nil, tries: Int = 0, skipped: [String] = []) {
        self.askedField = askedField
        self.tries = tries
        self.skipped = skipped
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        askedField = try container.decodeIfPresent(String.self, forKey: .askedField)
        tries = try container.decodeIfPresent(Int.self, forKey: .tries) ?? 0
        skipped = try container.decodeIfPresent([String].self, forKey: .skipped) ?? []
    }
}

/// One message of a conversation, either way.
package struct Message: Codable, Sendable, Equatable {
    package var id: Int
    package var direction: String
    /// inbound: `reply`; outbound: `opening`, `reply`, `thanks`, `goodbye`.
    package var kind: String
    package var body: String
    package var status: String
    package var providerSID: String?
    package var inReplyTo: Int?
    package var errorCode: String?
    package var errorMessage: String?
    package var createdAt: String
    package var sentAt: String?
    package var deliveredAt: String?

    enum CodingKeys: String, CodingKey {
        case id, direction, kind, body, status
        case providerSID = "provider_sid"
        case inReplyTo = "in_reply_to"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case createdAt = "created_at"
        case sentAt = "sent_at"
        case deliveredAt = "delivered_at"
    }

    init(row: Row) throws {
        id = try row.int("id")
        direction = try row.string("direction")
        kind = try row.string("kind")
        body = try row.string("body")
        status = try row.string("status")
        providerSID = row.optionalString("provider_sid")
        inReplyTo = row.optionalInt("in_reply_to")
        errorCode = row.optionalString("error_code")
        errorMessage = row.optionalString("error_message")
        createdAt = Timestamp.format(try row.date("created_at"))
        sentAt = row.optionalDate("sent_at").map { Timestamp.format($0) }
        deliveredAt = row.optionalDate("delivered_at").map { Timestamp.format($0) }
    }

    /// Conversation order: each reply right after the message it answers, even when several
    /// messages arrived before the first was answered.
    static let threadOrder = "ORDER BY COALESCE(in_reply_to, id), CASE WHEN in_reply_to IS NULL THEN 0 ELSE 1 END, id"

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "direction": Schema.string(enum: ["inbound", "outbound"]), "kind": Schema.string(),
        "body": Schema.string(), "status": Schema.string(), "provider_sid": Schema.nullable(Schema.string()),
        "in_reply_to": Schema.nullable(Schema.integer()), "error_code": Schema.nullable(Schema.string()),
        "error_message": Schema.nullable(Schema.string()), "created_at": Schema.string(format: "date-time"),
        "sent_at": Schema.nullable(Schema.string(format: "date-time")), "delivered_at": Schema.nullable(Schema.string(format: "date-time")),
    ], required: ["id", "direction", "kind", "body", "status", "created_at"])
}
