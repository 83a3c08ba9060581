import Core
import Jobs
import Providers
import Runtime

/// `send-outreach` (cron, every minute): sends the openings that are due, at the configured pace,
/// then looks after conversations: those that went quiet for `CONVERSATION_TIMEOUT_HOURS` end as
/// `abandoned`, and messages left waiting by a process that died get a `process-conversation` job.
package struct SendOutreachHandler: FunctionHandler {
    package struct Output: Codable, Sendable {
        var outreach: OutreachSummary
        var abandonedQuiet: Int
        var requeued: [Int]

        enum CodingKeys: String, CodingKey {
            case outreach
            case abandonedQuiet = "abandoned_quiet"
            case requeued = "requeued_conversations"
        }
    }

    package static let manifest = FunctionManifest(
        name: "send-outreach",
        summary: "Sends due campaign openings at OUTREACH_RATE_PER_MINUTE (Twilio or outbox), retrying failures with backoff.",
        input: Schema.object([:], required: []),
        output: Schema.object([
            "outreach": OutreachSummary.schema, "abandoned_quiet": Schema.integer(minimum: 0),
            "requeued_conversations": Schema.array(Schema.integer(), "Conversations with waiting messages handed to a job"),
        ]),
        schedule: "* * * * *",
        timeoutSeconds: 50
    )

    package init() {}

    package func handle(_ input: NoInput, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let sender = OutreachSender(database: database, messenger: try context.messenger(),
                                    llm: { try context.llm() }, settings: try OutreachSettings(config: context.config),
                                    clock: context.clock, logger: context.logger, deadline: context.deadline)
        let summary = try await sender.run()
        let hours = try context.config.double("CONVERSATION_TIMEOUT_HOURS", default: 72, in: 0.01...8760)
        let sweep = try ConversationSweep(database: database).run(now: context.clock.now(), quietAfter: hours * 3600)
        for conversation in sweep.stranded {
            try ProcessConversationHandler.enqueue(conversation, reason: "stranded", context: context)
        }
        return Output(outreach: summary, abandonedQuiet: sweep.abandoned, requeued: sweep.stranded)
    }
}

/// `process-conversation` (a job kind, and `POST /conversations/{id}/process`): runs the agent
/// over a conversation's waiting messages and sends their replies. The inbound webhook queues it
/// when the LLM or sending failed, so a message is answered once the failure passes.
package struct ProcessConversationHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Output: Codable, Sendable {
        var conversationID: Int
        var handled: [Int]
        var replies: [Int]
        var busy: Bool
        var agent: String?

        enum CodingKeys: String, CodingKey {
            case handled, replies, busy, agent
            case conversationID = "conversation_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "process-conversation",
        summary: "Answers a conversation's waiting messages in order (the retry path of inbound-message).",
        routes: [Route("POST", "/conversations/{id:int}/process")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Schema.object([
            "conversation_id": Schema.integer(), "handled": Schema.array(Schema.integer(), "Inbound messages answered"),
            "replies": Schema.array(Schema.integer(), "Replies sent"),
            "busy": Schema.boolean("Another process was handling the conversation; it takes care of what was waiting"),
            "agent": Schema.nullable(Schema.string("The LLM provider that wrote the replies (offline: deterministic rules)")),
        ]),
        timeoutSeconds: 120
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        guard try database.read({ sql in try sql.queryOne("SELECT 1 FROM conversations WHERE id = ?", input.id) }) != nil else {
            throw BundleError(.notFound, "no conversation with id \(input.id)")
        }
        let outcome = try await Self.processor(context).drain(input.id)
        if outcome.deferred { try Self.enqueue(input.id, reason: "deferred", context: context) }
        return Output(conversationID: input.id, handled: outcome.handled, replies: outcome.replies, busy: outcome.busy, agent: outcome.agent)
    }

    static func processor(_ context: FunctionContext) throws -> ConversationProcessor {
        ConversationProcessor(database: try context.database(),
                              messenger: try context.messenger(),
                              llm: { try context.llm() }, clock: context.clock, logger: context.logger, deadline: context.deadline,
                              leaseSeconds: max(manifest.timeoutSeconds, context.deadline.remainingSeconds) + 15)
    }

    /// Queues a job for the conversation's waiting messages, unless one is already queued or
    /// running (it will handle them too). A job that died earlier does not stand in the way.
    @discardableResult
    package static func enqueue(_ conversationID: Int, reason: String, context: FunctionContext) throws -> Int {
        let queue = JobQueue(database: try context.database())
        let input: JSONValue = ["id": .number(Double(conversationID))]
        if let active = try queue.activeJob(function: manifest.name, input: input) { return active.id }
        let now = context.clock.now()
        let (job, _) = try queue.enqueue(.init(function: manifest.name, input: input, runAfter: now.addingTimeInterval(5), maxAttempts: 6,
                                               timeoutSeconds: manifest.timeoutSeconds, requestID: context.requestID), now: now)
        context.logger.info("conversation.retry_queued", ["conversation": .number(Double(conversationID)), "job": .number(Double(job.id)),
                                                          "reason": .string(reason)])
        return job.id
    }
}
