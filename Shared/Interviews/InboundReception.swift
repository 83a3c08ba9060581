import Core
import FoundationEssentials
import Store

/// A message a participant sent, as Twilio's webhook describes it.
package struct InboundMessage: Sendable, Equatable {
    package var sid: String
    /// E.164.
    package var from: String
    package var to: String?
    package var body: String
    package var profileName: String?
    /// Media, buttons and the rest of what Twilio sent besides the text, kept with the message.
    package var extras: JSONValue

    package init(sid: String, from: String, to: String?, body: String, profileName: String?, extras: JSONValue = .object([:])) {
        self.sid = sid
        self.from = from
        self.to = to
        self.body = body
        self.profileName = profileName
        self.extras = extras
    }

    /// What the agent reads: the text, or what was sent instead of text.
    var agentText: String { Self.agentText(body: body, extras: extras) }

    static func agentText(body: String, extras: JSONValue) -> String {
        let text = body.trimmingWhitespace()
        if !text.isEmpty { return text }
        if let button = extras["ButtonText"]?.stringValue ?? extras["ButtonPayload"]?.stringValue { return button }
        let media = Int(extras["NumMedia"]?.stringValue ?? "") ?? 0
        return media > 0 ? "(sent \(media) attachment\(media == 1 ? "" : "s") without text)" : "(an empty message)"
    }
}

/// What storing an inbound message led to.
package enum Reception: Sendable, Equatable {
    /// Stored and waiting for the agent step of its conversation.
    case queued(messageID: Int, conversationID: Int)
    /// The same `MessageSid` arrived before: nothing new was stored.
    case duplicate(messageID: Int, conversationID: Int?)
    /// An opt-out word, or a short message asking to stop: the person is opted out everywhere; a goodbye waits to be sent.
    case optedOut(messageID: Int, conversationID: Int?, goodbyeID: Int?)
    /// START or UNSTOP: the person may be contacted again.
    case optedIn(messageID: Int)
    /// Stored only: the number is unknown, or none of its conversations is still open.
    case ignored(messageID: Int, conversationID: Int?, reason: String)
}

/// Stores inbound messages first, in one write transaction each, so nothing a participant sends
/// is lost whatever happens after; a repeated `MessageSid` is recognised and stored once.
package struct InboundReception: Sendable {
    package static let goodbye = "You're unsubscribed and won't get any more messages from this study. Thank you for your time, and take care!"

    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// Row-level (`concurrentWrite`), so webhooks on several hosts are stored side by side. The
    /// `MessageSid` is claimed by the insert itself (`ON CONFLICT (provider_sid) DO NOTHING
    /// RETURNING id`), the transaction's first write: a duplicate sent to another host at the same
    /// moment waits there for the first to end, finds its row, and is answered `duplicate` having
    /// written nothing, so the reply logic runs once per sid. The conversation it answers is
    /// locked (`FOR UPDATE` on PostgreSQL) so that it cannot close between the look and the write.
    package func receive(_ message: InboundMessage, now: Date) throws -> Reception {
        try database.concurrentWrite { sql in
            func stored() throws -> Reception? {
                try sql.queryOne("SELECT id, conversation_id FROM messages WHERE provider_sid = ?", message.sid).map {
                    .duplicate(messageID: try $0.int("id"), conversationID: $0.optionalInt("conversation_id"))
                }
            }
            // A retry that comes long after the first: answered from the stored row, nothing tried.
            if let duplicate = try stored() { return duplicate }
            /// Stores the message unless its sid is stored meanwhile (nil: the caller answers `duplicate`).
            func store(conversation: Int?, user: Int?, status: String) throws -> Int? {
                try sql.queryOne("""
                    INSERT INTO messages (conversation_id, user_id, direction, kind, body, from_number, to_number, provider, provider_sid,
                                          status, payload, created_at, updated_at)
                    VALUES (?, ?, 'inbound', 'reply', ?, ?, ?, 'twilio', ?, ?, ?, ?, ?)
                    ON CONFLICT (provider_sid) DO NOTHING RETURNING id
                    """, conversation, user, message.body, message.from, message.to, message.sid, status, message.extras, now, now)?.int("id")
            }
            func duplicate() throws -> Reception {
                guard let reception = try stored() else { throw BundleError(.internal, "the inbound message was not stored") }
                return reception
            }
            guard let user = try sql.queryOne("SELECT id FROM users WHERE phone = ?", message.from) else {
                guard let messageID = try store(conversation: nil, user: nil, status: "ignored") else { return try duplicate() }
                return .ignored(messageID: messageID, conversationID: nil, reason: "unknown_sender")
            }
            let userID = try user.int("id")
            // The name WhatsApp shows, kept with the person once the message is stored (a duplicate changes nothing).
            func keepProfileName() throws {
                if let name = message.profileName?.trimmingWhitespace(), !name.isEmpty {
                    try sql.execute("UPDATE users SET profile_name = ?, updated_at = ? WHERE id = ?", String(name.prefix(200)), now, userID)
                }
            }
            // The conversation this answers: the open one we wrote to last, held until the end.
            let open = try sql.queryOne("""
                SELECT id FROM conversations WHERE user_id = ? AND status IN ('outreach_sent', 'active')
                ORDER BY COALESCE(last_outbound_at, created_at) DESC, id DESC LIMIT 1
                """ + sql.forUpdate, userID)?.int("id")
            let latest = try open ?? sql.queryOne("SELECT id FROM conversations WHERE user_id = ? ORDER BY id DESC LIMIT 1", userID)?.int("id")

            if OptOutWords.isOptOut(message.body) {
                guard let messageID = try store(conversation: latest, user: userID, status: "handled") else { return try duplicate() }
                try keepProfileName()
                let reason = OptOutWords.isKeyword(message.body) ? "replied \(OptOutWords.keyword(message.body).uppercased())"
                    : "asked to stop: \"\(message.body.trimmingWhitespace().prefix(80))\""
                let newlyOut = try Self.optOut(user: userID, reason: reason, sql: sql, now: now)
                var goodbyeID: Int?
                // One goodbye: a second STOP is recorded and answered with nothing.
                if let latest, newlyOut {
                    goodbyeID = try sql.queryOne("""
                        INSERT INTO messages (conversation_id, user_id, direction, kind, body, to_number, in_reply_to, status, created_at, updated_at)
                        VALUES (?, ?, 'outbound', 'goodbye', ?, ?, ?, 'pending', ?, ?) RETURNING id
                        """, latest, userID, Self.goodbye, message.from, messageID, now, now)?.int("id")
                }
                return .optedOut(messageID: messageID, conversationID: latest, goodbyeID: goodbyeID)
            }
            if OptOutWords.isOptIn(message.body) {
                guard let messageID = try store(conversation: latest, user: userID, status: "handled") else { return try duplicate() }
                try keepProfileName()
                try sql.execute("UPDATE users SET opted_out_at = NULL, opt_out_reason = NULL, updated_at = ? WHERE id = ?", now, userID)
                return .optedIn(messageID: messageID)
            }
            guard let open else {
                guard let messageID = try store(conversation: latest, user: userID, status: "ignored") else { return try duplicate() }
                try keepProfileName()
                return .ignored(messageID: messageID, conversationID: latest, reason: "no_open_conversation")
            }
            guard let messageID = try store(conversation: open, user: userID, status: "received") else { return try duplicate() }
            try keepProfileName()
            try sql.execute("""
                UPDATE conversations SET status = 'active', last_inbound_at = ?, updated_at = ? WHERE id = ? AND status IN ('outreach_sent', 'active')
                """, now, now, open)
            return .queued(messageID: messageID, conversationID: open)
        }
    }

    /// Opts a person out of every campaign: open conversations end as `abandoned`, their unsent
    /// outreach is cancelled, and campaigns left with nothing open complete. Inside the caller's
    /// write transaction.
    /// Returns whether this call opted the person out (false: they already were), decided by the
    /// conditional update itself, so of two racing opt-outs one says true.
    @discardableResult
    static func optOut(user userID: Int, reason: String, sql: any SQLExecutor, now: Date) throws -> Bool {
        let newlyOut = try sql.execute("""
            UPDATE users SET opted_out_at = ?, opt_out_reason = ?, updated_at = ? WHERE id = ? AND opted_out_at IS NULL
            """, now, reason, now, userID) == 1
        if !newlyOut {
            try sql.execute("UPDATE users SET opt_out_reason = ?, updated_at = ? WHERE id = ?", reason, now, userID)
        }
        let open = try sql.query("SELECT id, campaign_id FROM conversations WHERE user_id = ? AND status IN \(Conversation.openSQL)",
                                 userID)
        for conversation in open {
            let id = try conversation.int("id")
            try sql.execute("""
                UPDATE conversations SET status = 'abandoned', end_reason = 'opted_out', ended_at = ?, updated_at = ? WHERE id = ?
                """, now, now, id)
            try sql.execute("""
                UPDATE outreach_queue SET status = 'cancelled', last_error = 'opted out', updated_at = ?
                WHERE conversation_id = ? AND status IN ('scheduled', 'held')
                """, now, id)
            // Messages not yet answered will not be, and questions not yet sent will not go: the person left.
            try sql.execute("UPDATE messages SET status = 'ignored', updated_at = ? WHERE conversation_id = ? AND status = 'received'", now, id)
            try sql.execute("""
                UPDATE messages SET status = 'cancelled', updated_at = ?
                WHERE conversation_id = ? AND direction = 'outbound' AND status = 'pending' AND kind IN ('reply', 'thanks')
                """, now, id)
        }
        for campaign in Set(try open.map { try $0.int("campaign_id") }) {
            try CampaignStore.completeIfDone(campaign, sql: sql, now: now)
        }
        return newlyOut
    }
}
