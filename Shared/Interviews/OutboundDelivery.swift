import Core
import FoundationEssentials
import Providers
import Store

/// Sends one stored outbound message and records what the provider said: the sid and status,
/// or the failure. A refusal because the person opted out (21610, 131050) opts them out here too.
struct OutboundDelivery: Sendable {
    enum Result: Sendable {
        case sent(SentMessage)
        /// Will not succeed on a retry: the message is marked failed.
        case failed(reason: String, optedOut: Bool)
        /// A retry may help: the message stays as it was, with the error noted.
        case retryable(BundleError)
    }

    let database: any Database
    let messenger: any Messenger
    let clock: BundleClock
    let logger: Logger

    func send(messageID: Int, _ message: OutgoingMessage, deadline: Deadline) async -> Result {
        let sent: SentMessage
        do {
            sent = try await messenger.send(message, deadline: deadline)
        } catch {
            return recordFailure(error, messageID: messageID)
        }
        // The provider has the message: from here on it is sent, whatever happens to our record,
        // so a busy database never makes it go out twice.
        for attempt in 1...3 {
            do {
                try record(sent, messageID: messageID)
                break
            } catch {
                logger.error("message.sent_not_recorded", ["message": .number(Double(messageID)), "attempt": .number(Double(attempt))])
                try? await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
        logger.info("message.sent", ["message": .number(Double(messageID)), "provider": .string(messenger.name), "status": .string(sent.status)])
        return .sent(sent)
    }

    /// The sid and status, the conversation's last outbound time, and for an opening the queue row
    /// and the conversation's `outreach_sent`, all in one transaction; then callbacks that came early.
    func record(_ sent: SentMessage, messageID: Int) throws {
        let now = clock.now()
        try database.write { sql in
            // Before any row: a callback for this sid waits for the record, or is kept before it (then applied below).
            try sql.lock(key: DeliveryStatus.lockKey(sid: sent.sid))
            try sql.execute("""
                UPDATE messages SET provider = ?, provider_sid = ?, status = CASE WHEN status IN ('pending', 'sending') THEN ? ELSE status END,
                       error_code = NULL, error_message = NULL, sent_at = ?, updated_at = ? WHERE id = ?
                """, messenger.name, sent.sid, sent.status, now, now, messageID)
            try sql.execute("""
                UPDATE conversations SET last_outbound_at = ?, updated_at = ?,
                       status = CASE WHEN status = 'pending' AND EXISTS (SELECT 1 FROM messages WHERE id = ? AND kind = 'opening')
                                     THEN 'outreach_sent' ELSE status END
                WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)
                """, now, now, messageID, messageID)
            try sql.execute("""
                UPDATE outreach_queue SET status = 'sent', lease_until = NULL, last_error = NULL, updated_at = ? WHERE message_id = ? AND status = 'sending'
                """, now, messageID)
            try DeliveryStatus.applyKept(sid: sent.sid, sql: sql, now: now)
        }
    }

    /// What a refusal means: kept for a retry, or failed for good (and an opt-out recorded).
    func recordFailure(_ error: any Error, messageID: Int) -> Result {
        let now = clock.now()
        let messaging = error as? MessagingError
        let bundleError = BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the message could not be sent"))
        let retryable = messaging?.isRetryable ?? bundleError.code.isRetryable
        let code = messaging?.providerCode.map(String.init)
        logger.warning("message.send_failed", ["message": .number(Double(messageID)), "provider": .string(messenger.name),
                                               "provider_code": code.map(JSONValue.string) ?? .null, "retryable": .bool(retryable)])
        do {
            try database.write { sql in
                try sql.execute("""
                    UPDATE messages SET status = CASE WHEN ? = 1 THEN status ELSE 'failed' END, error_code = ?, error_message = ?, updated_at = ?
                    WHERE id = ?
                    """, retryable, code, String(bundleError.message.prefix(500)), now, messageID)
                if messaging?.isOptOut == true,
                   let user = try sql.queryOne("SELECT user_id FROM messages WHERE id = ?", messageID)?.optionalInt("user_id") {
                    try InboundReception.optOut(user: user, reason: "provider error \(code ?? "")", sql: sql, now: now)
                }
            }
        } catch {
            logger.error("message.failure_not_recorded", ["message": .number(Double(messageID))])
        }
        if retryable { return .retryable(bundleError) }
        return .failed(reason: bundleError.message, optedOut: messaging?.isOptOut == true)
    }
}
