import Core
import FoundationEssentials
import Providers
import Store

/// Runs the agent over a conversation's waiting messages, one at a time and in arrival order.
/// A lease on the conversation row makes one process at a time its processor: a webhook that
/// finds the lease taken leaves its stored message to the holder, who checks again for new
/// messages after letting go, so none is stranded. Each message gets exactly one reply: the
/// reply is stored with the message marked handled in one transaction, then sent; a reply
/// whose sending failed for a passing reason is sent again before anything newer.
package struct ConversationProcessor: Sendable {
    /// What one drain did.
    package struct Outcome: Sendable, Equatable {
        package var handled: [Int] = []
        package var replies: [Int] = []
        /// Another process held the conversation: it will handle what is waiting.
        package var busy = false
        /// Messages still waiting because the deadline came near.
        package var deferred = false
        /// The LLM provider that wrote the replies (`offline` for the deterministic rules).
        package var agent: String?
    }

    let database: any Database
    let messenger: any Messenger
    /// The LLM client, made on first use (an offline run needs no transport).
    let llm: @Sendable () throws -> LLMClient
    let clock: BundleClock
    let logger: Logger
    let deadline: Deadline
    let owner = RequestID.generate()
    let leaseSeconds: Double

    package init(database: any Database, messenger: any Messenger, llm: @escaping @Sendable () throws -> LLMClient, clock: BundleClock,
                 logger: Logger, deadline: Deadline, leaseSeconds: Double = 120) {
        self.database = database
        self.messenger = messenger
        self.llm = llm
        self.clock = clock
        self.logger = logger
        self.deadline = deadline
        self.leaseSeconds = leaseSeconds
    }

    /// Handles every waiting message of the conversation, unless another process is at it. An LLM
    /// or sending failure leaves the message waiting and is thrown, for a retry to pick it up.
    package func drain(_ conversationID: Int) async throws -> Outcome {
        var outcome = Outcome()
        while true {
            guard try acquire(conversationID) else {
                outcome.busy = true
                return outcome
            }
            do {
                try await sendPendingReplies(conversationID, outcome: &outcome)
                while let message = try nextWaiting(conversationID) {
                    // Keep enough time for one more step; a retry job does the rest.
                    if deadline.remainingSeconds < 10, !outcome.handled.isEmpty {
                        outcome.deferred = true
                        break
                    }
                    try await step(message, conversationID: conversationID, outcome: &outcome)
                    try await sendPendingReplies(conversationID, outcome: &outcome)
                }
            } catch {
                release(conversationID)
                throw error
            }
            release(conversationID)
            // A message stored while we held the lease found it taken and left it to us.
            if outcome.deferred { return outcome }
            if try !hasWork(conversationID) { return outcome }
        }
    }

    /// One compare-and-set on the conversation's row (`concurrentWrite`: no global lock), the
    /// lease on the database's clock unless time is frozen (`BUNDLE_NOW`), as the job queue's.
    func acquire(_ conversationID: Int) throws -> Bool {
        let fixedNow = clock.isFrozen ? clock.now() : nil
        return try database.concurrentWrite { sql in
            let now = try fixedNow ?? sql.databaseTime()
            return try sql.execute("""
                UPDATE conversations SET processing_owner = ?, processing_until = ?
                WHERE id = ? AND (processing_until IS NULL OR processing_until < ? OR processing_owner = ?)
                """, owner, now.addingTimeInterval(leaseSeconds), conversationID, now, owner) == 1
        }
    }

    func release(_ conversationID: Int) {
        do {
            try database.write { sql in
                try sql.execute("UPDATE conversations SET processing_owner = NULL, processing_until = NULL WHERE id = ? AND processing_owner = ?",
                                conversationID, owner)
            }
        } catch {
            // The lease expires by itself; the next message or the sweep picks the work up.
            logger.warning("conversation.release_failed", ["conversation": .number(Double(conversationID))])
        }
    }

    /// A message to answer or a reply to send (a goodbye stored while we held the lease).
    func hasWork(_ conversationID: Int) throws -> Bool {
        try database.read { sql in
            try sql.queryOne("""
                SELECT 1 FROM messages WHERE conversation_id = ? AND ((direction = 'inbound' AND status = 'received')
                    OR (direction = 'outbound' AND status = 'pending' AND kind <> 'opening')) LIMIT 1
                """, conversationID) != nil
        }
    }

    func nextWaiting(_ conversationID: Int) throws -> (id: Int, body: String, extras: JSONValue)? {
        try database.read { sql in
            try sql.queryOne("""
                SELECT id, body, payload FROM messages WHERE conversation_id = ? AND direction = 'inbound' AND status = 'received'
                ORDER BY id LIMIT 1
                """, conversationID).map { (try $0.int("id"), try $0.string("body"), try $0.optionalJSON("payload") ?? .object([:])) }
        }
    }

    /// One agent step for one message: the LLM call outside any transaction, then the merge, the
    /// state change and the stored reply in one.
    func step(_ message: (id: Int, body: String, extras: JSONValue), conversationID: Int, outcome: inout Outcome) async throws {
        let context = try database.read { sql in try StepContext.load(conversationID, before: message.id, sql: sql) }
        guard Conversation.openStatuses.contains(context.status) else {
            try markIgnored(message.id)
            return
        }
        let task = InterviewTask(campaignName: context.campaignName, brief: context.brief, schema: context.schema, history: context.history,
                                 extracted: context.extracted, state: context.state,
                                 message: InboundMessage.agentText(body: message.body, extras: message.extras),
                                 profileName: context.profileName)
        let client = try llm()
        outcome.agent = client.provider.name
        let answer = try await client.run(task, deadline: deadline).output
        let result = TurnResult(context: context, answer: answer, logger: logger)
        let now = clock.now()
        try database.write { sql in
            // Handled by another processor after our lease ran out: its reply stands.
            guard try sql.queryOne("SELECT 1 FROM messages WHERE id = ? AND status = 'received'", message.id) != nil else { return }
            // Ended meanwhile (an opt-out processed by another request): no reply.
            let status = try sql.queryOne("SELECT status FROM conversations WHERE id = ?", conversationID)?.string("status")
            guard let status, Conversation.openStatuses.contains(status) else {
                try sql.execute("UPDATE messages SET status = 'ignored', updated_at = ? WHERE id = ?", now, message.id)
                return
            }
            try sql.execute("""
                UPDATE conversations SET extracted = ?, agent_state = ?, turns = turns + 1, status = ?, end_reason = ?,
                       ended_at = CASE WHEN ? = 1 THEN ? ELSE ended_at END, updated_at = ? WHERE id = ?
                """, JSONValue.object(result.extracted), try JSONValue(encoding: result.state), result.status, result.endReason,
                     result.status != "active", now, now, conversationID)
            try sql.execute("UPDATE messages SET status = 'handled', updated_at = ? WHERE id = ?", now, message.id)
            try sql.execute("""
                INSERT INTO messages (conversation_id, user_id, direction, kind, body, to_number, in_reply_to, status, created_at, updated_at)
                VALUES (?, ?, 'outbound', ?, ?, ?, ?, 'pending', ?, ?)
                """, conversationID, context.userID, result.kind, result.reply, context.phone, message.id, now, now)
            // Ending because the person wants to stop opts them out: other open conversations end, later launches skip them.
            if result.endReason == "opted_out" {
                try InboundReception.optOut(user: context.userID, reason: "asked the agent to stop", sql: sql, now: now)
            }
            if result.status != "active" { try CampaignStore.completeIfDone(context.campaignID, sql: sql, now: now) }
        }
        outcome.handled.append(message.id)
        logger.info("interview.turn", ["conversation": .number(Double(conversationID)), "message": .number(Double(message.id)),
                                       "extracted": .number(Double(result.accepted)), "dropped": .number(Double(result.dropped)),
                                       "status": .string(result.status)])
    }

    func markIgnored(_ messageID: Int) throws {
        let now = clock.now()
        try database.write { sql in
            try sql.execute("UPDATE messages SET status = 'ignored', updated_at = ? WHERE id = ?", now, messageID)
        }
    }

    /// Sends the conversation's stored, unsent replies in order. A passing failure stops here
    /// (order matters) and is thrown; a permanent one marks that reply failed and goes on.
    func sendPendingReplies(_ conversationID: Int, outcome: inout Outcome) async throws {
        let pending = try database.read { sql in
            try sql.query("""
                SELECT id, body, to_number FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND status = 'pending' AND kind <> 'opening' ORDER BY id
                """, conversationID).map { (id: try $0.int("id"), body: try $0.string("body"), to: try $0.string("to_number")) }
        }
        let delivery = OutboundDelivery(database: database, messenger: messenger, clock: clock, logger: logger)
        for reply in pending {
            let result = await delivery.send(messageID: reply.id, OutgoingMessage(to: reply.to, body: reply.body, reference: reply.id),
                                                 deadline: deadline)
            if case .retryable(let error) = result { throw error }
            outcome.replies.append(reply.id)
        }
    }
}
