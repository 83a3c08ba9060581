import Core
import FoundationEssentials
import Jobs
import Providers
import Runtime

/// The rules of a conversation's summary, shared by the three functions and the import hook:
/// what a request finds (current, a person's edit, pending), when a summary is made in the
/// request (short chats: at most `inlineChunks` chunks) and when the `summarize-chat` job is
/// queued instead (one active job per conversation), and how a run's outcome is stored.
package struct ChatSummaries: Sendable {
    /// Chats of at most this many chunks are summarised in the request (`SUMMARY_INLINE_CHUNKS`).
    package let inlineChunks: Int
    /// Characters of part summaries one reduce call reads (`SUMMARY_REDUCE_CHARS`).
    package let reduceBudget: Int
    /// Most map calls one summary makes (`SUMMARY_MAX_MAP_CALLS`).
    package let maxMapCalls: Int
    package let context: FunctionContext
    package let store: ChatSummaryStore

    package init(context: FunctionContext) throws {
        self.context = context
        inlineChunks = try context.config.int("SUMMARY_INLINE_CHUNKS", default: 4, in: 1...1_000)
        reduceBudget = try context.config.int("SUMMARY_REDUCE_CHARS", default: 12_000, in: 1_000...500_000)
        maxMapCalls = try context.config.int("SUMMARY_MAX_MAP_CALLS", default: 100, in: 2...10_000)
        store = ChatSummaryStore(database: try context.database())
    }

    package func conversation(_ id: Int) throws -> ChatSummaryStore.Conversation {
        guard let conversation = try store.conversation(id) else {
            throw BundleError(.notFound, "conversation \(id) was not found", details: [ErrorDetail(field: "id", problem: "no such conversation")],
                              retryable: false)
        }
        return conversation
    }

    /// `get-chat-summary`: the current summary or a person's edit as it is; a pending one with its
    /// job; otherwise (none, stale, failed) made now for a short chat or queued for a long one.
    package func current(_ id: Int) async throws -> ChatSummaryAnswer {
        let conversation = try self.conversation(id)
        let record = try store.summary(id)
        if let record {
            if record.isManualEdit || record.status == .ready && record.contentHash == conversation.contentHash {
                return ChatSummaryAnswer(record, conversation: conversation)
            }
            if let job = try activeJob(record) { return ChatSummaryAnswer(record, conversation: conversation, pendingJob: job) }
        }
        let chunkCount = try store.chunkCount(id)
        if chunkCount <= inlineChunks { return try await generate(conversation, jobID: nil) }
        return try queue(conversation, chunkCount: chunkCount, force: false)
    }

    /// The job making this summary, when it is still queued or running (a failed run whose job
    /// will retry counts).
    func activeJob(_ record: ChatSummaryStore.Record) throws -> Int? {
        guard record.status != .ready, let id = record.jobID, let job = try JobQueue(database: try context.database()).job(id),
              job.function == SummarizeChatHandler.manifest.name, job.status == .queued || job.status == .running else { return nil }
        return id
    }

    /// Queues `summarize-chat` unless one is active for this conversation, and marks the summary pending.
    package func queue(_ conversation: ChatSummaryStore.Conversation, chunkCount: Int, force: Bool) throws -> ChatSummaryAnswer {
        let jobs = JobQueue(database: try context.database())
        let name = SummarizeChatHandler.manifest.name
        let plain: JSONValue = ["id": .number(Double(conversation.id))]
        let forced: JSONValue = ["id": .number(Double(conversation.id)), "force": true]
        let jobID: Int
        if let active = try jobs.activeJob(function: name, input: forced) ?? jobs.activeJob(function: name, input: plain) {
            jobID = active.id
        } else {
            let now = context.clock.now()
            let key = "summarize-chat:\(conversation.id):\(conversation.contentHash.prefix(16)):\(Timestamp.format(now))\(force ? ":force" : "")"
            jobID = try jobs.enqueue(.init(function: name, input: force ? forced : plain, idempotencyKey: key, maxAttempts: 3,
                                           timeoutSeconds: SummarizeChatHandler.manifest.timeoutSeconds, principal: context.principal,
                                           requestID: context.requestID), now: now).job.id
        }
        try store.markPending(conversation, chunkCount: chunkCount, jobID: jobID, now: context.clock.now())
        context.logger.info("workspace.summary_queued", ["conversation": .number(Double(conversation.id)), "job": .number(Double(jobID))])
        guard let record = try store.summary(conversation.id) else { throw BundleError(.internal, "the summary was not stored") }
        return ChatSummaryAnswer(record, conversation: conversation, pendingJob: record.isManualEdit ? nil : jobID)
    }

    /// Runs the map-reduce now and stores the outcome. A failure is stored (step and reason) and
    /// thrown with the LLM error's code, so a job retries what a retry can fix.
    package func generate(_ conversation: ChatSummaryStore.Conversation, jobID: Int?) async throws -> ChatSummaryAnswer {
        let chunks = try store.chunks(conversation.id)
        let summarizer = ChatSummarizer(llm: try context.llm(), reduceBudget: reduceBudget, maxMapCalls: maxMapCalls)
        do {
            let summary = try await summarizer.summarize(title: conversation.title, chunks: chunks, deadline: context.deadline)
            let written = try store.saveGenerated(summary, conversationID: conversation.id, contentHash: conversation.contentHash,
                                                  jobID: jobID, now: context.clock.now())
            context.logger.info("workspace.summary_made", ["conversation": .number(Double(conversation.id)), "chunks": .number(Double(chunks.count)),
                                                           "calls": .number(Double(summary.calls)), "kept_edit": .bool(!written)])
        } catch let failure as ChatSummarizer.StepFailure {
            try store.saveFailed(failure, conversationID: conversation.id, chunkCount: chunks.count, jobID: jobID, now: context.clock.now())
            context.logger.warning("workspace.summary_failed", ["conversation": .number(Double(conversation.id)), "step": .string(failure.step),
                                                                "code": .string(failure.error.code.rawValue)])
            throw BundleError(failure.error.code, "the summary of conversation \(conversation.id) failed: \(failure.message)",
                              details: [ErrorDetail(field: "step", problem: failure.step)], retryable: failure.error.retryable)
        }
        guard let record = try store.summary(conversation.id) else { throw BundleError(.internal, "the summary was not stored") }
        return ChatSummaryAnswer(record, conversation: conversation)
    }
}
