import Core
import FoundationEssentials
import Providers
import Runtime
import Store

/// `POST /twilio/status` (public, signed by Twilio): delivery callbacks. A message's status only
/// moves forward (callbacks can arrive out of order); `failed` or `undelivered` with 63016 (free
/// text outside WhatsApp's 24-hour window) fails the conversation with that reason, and the
/// opt-out codes opt the person out.
package struct MessageStatusHandler: FunctionHandler {
    package typealias Input = JSONValue

    package struct Output: Codable, Sendable {
        var updated: Bool
        var messageID: Int?
        var status: String?
        var conversationStatus: String?

        enum CodingKeys: String, CodingKey {
            case updated, status
            case messageID = "message_id"
            case conversationStatus = "conversation_status"
        }
    }

    package static let manifest = FunctionManifest(
        name: "message-status",
        summary: "Twilio's delivery status callback: updates the message's status; 63016 fails the conversation.",
        routes: [Route("POST", "/twilio/status")],
        input: Schema.object([
            "MessageSid": Schema.string(), "SmsSid": Schema.string(), "MessageStatus": Schema.string(), "SmsStatus": Schema.string(),
            "ErrorCode": TwilioWebhook.parameter, "ErrorMessage": Schema.string(),
        ], required: [], additionalProperties: true),
        output: Schema.object([
            "updated": Schema.boolean(), "message_id": Schema.nullable(Schema.integer()), "status": Schema.nullable(Schema.string()),
            "conversation_status": Schema.nullable(Schema.string()),
        ]),
        timeoutSeconds: 15,
        isPublic: true
    )

    package init() {}

    package func handle(_ input: JSONValue, context: FunctionContext) async throws -> Output {
        try TwilioWebhook.verify(context)
        guard let sid = TwilioWebhook.field(input, "MessageSid", "SmsSid"), !sid.isEmpty else {
            throw BundleError.validation(field: "MessageSid", "is required")
        }
        guard let status = TwilioWebhook.field(input, "MessageStatus", "SmsStatus")?.lowercased(), !status.isEmpty else {
            throw BundleError.validation(field: "MessageStatus", "is required")
        }
        let errorCode = TwilioWebhook.field(input, "ErrorCode").flatMap { $0.isEmpty || $0 == "0" ? nil : $0 }
        let errorMessage = TwilioWebhook.field(input, "ErrorMessage")
        let now = context.clock.now()
        let update = DeliveryStatus(status: status, errorCode: errorCode, errorMessage: errorMessage.map { String($0.prefix(500)) })
        let output = try Self.apply(update, sid: sid, database: context.database(), now: now)
        if output.messageID == nil {
            context.logger.info("status.kept_for_later", ["status": .string(status)])
        } else if output.updated {
            context.logger.info("status.updated", ["message": .number(Double(output.messageID ?? 0)), "status": .string(status),
                                                   "error_code": errorCode.map(JSONValue.string) ?? .null])
        }
        return output
    }

    /// Applies one callback in a transaction of its own. Row-level: callbacks for different
    /// messages run side by side on every host; those for one sid take turns on its key, which
    /// the send's record takes too (a callback that comes before the record is kept, and the
    /// record applies it: never both missing each other), and the message row is held from the
    /// look at its status to the update (`DeliveryStatus.apply`).
    package static func apply(_ update: DeliveryStatus, sid: String, database: any Database, now: Date) throws -> Output {
        try database.concurrentWrite { sql in
            try sql.lock(key: DeliveryStatus.lockKey(sid: sid))
            guard let applied = try update.apply(sid: sid, sql: sql, now: now) else {
                // Twilio can call back before our record of the send has its sid: kept, and applied then.
                try sql.execute("""
                    INSERT INTO message_status_events (provider_sid, status, error_code, error_message, received_at) VALUES (?, ?, ?, ?, ?)
                    """, String(sid.prefix(64)), update.status, update.errorCode, update.errorMessage, now)
                return Output(updated: false)
            }
            return applied
        }
    }
}

/// One delivery status from Twilio, applied to the message it names: the status only moves
/// forward, 63016 fails the conversation, the opt-out codes opt the person out.
package struct DeliveryStatus: Sendable {
    /// How far along a message is; a callback never moves it back.
    static let rank: [String: Int] = ["pending": 0, "outbox": 1, "accepted": 1, "scheduled": 1, "queued": 2, "sending": 3, "sent": 4,
                                      "delivered": 5, "read": 6, "failed": 7, "undelivered": 7, "canceled": 7]
    static let windowClosedCode = "63016"

    var status: String
    var errorCode: String?
    var errorMessage: String?

    package init(status: String, errorCode: String? = nil, errorMessage: String? = nil) {
        self.status = status
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }

    /// The key both a callback and the send's record hold (`SQLExecutor.lock(key:)`) for one sid.
    static func lockKey(sid: String) -> String { "twilio.sid:" + String(sid.prefix(64)) }

    /// nil when no outbound message has that sid (yet). The message row is held (`FOR UPDATE` on
    /// PostgreSQL) from the look at its status to the update, so the status only moves forward
    /// when two callbacks for it race.
    func apply(sid: String, sql: any SQLExecutor, now: Date) throws -> MessageStatusHandler.Output? {
        guard let row = try sql.queryOne("""
            SELECT id, status, conversation_id, user_id FROM messages WHERE provider_sid = ? AND direction = 'outbound'
            """ + sql.forUpdate, sid)
        else { return nil }
        let id = try row.int("id")
        let current = try row.string("status")
        guard (Self.rank[status] ?? 0) > (Self.rank[current] ?? 0) else {
            return MessageStatusHandler.Output(updated: false, messageID: id, status: current)
        }
        let failed = ["failed", "undelivered"].contains(status)
        try sql.execute("""
            UPDATE messages SET status = ?, error_code = COALESCE(?, error_code), error_message = COALESCE(?, error_message),
                   delivered_at = CASE WHEN ? = 1 THEN COALESCE(delivered_at, ?) ELSE delivered_at END, updated_at = ? WHERE id = ?
            """, status, errorCode, errorMessage, ["delivered", "read"].contains(status), now, now, id)
        var conversationStatus: String?
        if let conversationID = row.optionalInt("conversation_id") {
            if failed, let code = errorCode, MessagingError.optOutCodes.contains(Int(code) ?? 0), let user = row.optionalInt("user_id") {
                try InboundReception.optOut(user: user, reason: "provider error \(code)", sql: sql, now: now)
            } else if failed, errorCode == Self.windowClosedCode {
                let reason = "63016: WhatsApp's 24-hour window closed; business-initiated messages need an approved template (TWILIO_OPENING_CONTENT_SID)"
                try sql.execute("""
                    UPDATE conversations SET status = 'failed', end_reason = ?, ended_at = ?, updated_at = ?
                    WHERE id = ? AND status IN \(Conversation.openSQL)
                    """, reason, now, now, conversationID)
                if let campaign = try sql.queryOne("SELECT campaign_id FROM conversations WHERE id = ?", conversationID)?.int("campaign_id") {
                    try CampaignStore.completeIfDone(campaign, sql: sql, now: now)
                }
            }
            conversationStatus = try sql.queryOne("SELECT status FROM conversations WHERE id = ?", conversationID)?.optionalString("status")
        }
        return MessageStatusHandler.Output(updated: true, messageID: id, status: status, conversationStatus: conversationStatus)
    }

    /// Applies the callbacks that arrived before the sid was recorded, in arrival order.
    static func applyKept(sid: String, sql: any SQLExecutor, now: Date) throws {
        let kept = try sql.query("SELECT status, error_code, error_message FROM message_status_events WHERE provider_sid = ? ORDER BY id", sid)
        for event in kept {
            _ = try DeliveryStatus(status: try event.string("status"), errorCode: event.optionalString("error_code"),
                                   errorMessage: event.optionalString("error_message")).apply(sid: sid, sql: sql, now: now)
        }
        if !kept.isEmpty { try sql.execute("DELETE FROM message_status_events WHERE provider_sid = ?", sid) }
    }
}
