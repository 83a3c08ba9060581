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
        do {
            let sent = try await messenger.send(message, deadline: deadline)
            let now = clock.now()
            try database.write { sql in
                // A delivery callback may have arrived first and moved the status on already.
                try sql.execute("""
                    UPDATE messages SET provider = ?, provider_sid = ?, status = CASE WHEN status IN ('pending', 'sending') THEN ? ELSE status END,
                           error_code = NULL, error_message = NULL, sent_at = ?, updated_at = ? WHERE id = ?
                    """, messenger.name, sent.sid, sent.status, now, now, messageID)
                try sql.execute("""
                    UPDATE conversations SET last_outbound_at = ?, updated_at = ? WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)
                    """, now, now, messageID)
            }
            logger.info("message.sent", ["message": .number(Double(messageID)), "provider": .string(messenger.name), "status": .string(sent.status)])
            return .sent(sent)
        } catch {
            let now = clock.now()
            let messaging = error as? MessagingError
            let bundleError = (error as? BundleError) ?? (error as? any BundleErrorConvertible)?.bundleError
                ?? BundleError(.upstreamFailed, "the message could not be sent")
            let retryable = messaging?.isRetryable ?? bundleError.code.isRetryable
            let code = messaging?.providerCode.map(String.init)
            logger.warning("message.send_failed", ["message": .number(Double(messageID)), "provider": .string(messenger.name),
                                                   "provider_code": code.map(JSONValue.string) ?? .null, "retryable": .bool(retryable)])
            do {
                try database.write { sql in
                    try sql.execute("""
                        UPDATE messages SET status = CASE WHEN ? THEN status ELSE 'failed' END, error_code = ?, error_message = ?, updated_at = ?
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
}
