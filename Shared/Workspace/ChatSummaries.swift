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

    /// A failed summary is not remade by `get-chat-summary` for this long after the failure (same
    /// content): a client polling a chat that always fails costs one run per interval, not one per
    /// request. `summarize-chat` (POST) or changed content retries at once.
    package static let failureBackoff: TimeInterval = 600

    /// `get-chat-summary`: the current summary or a person's edit as it is; a pending one with its
    /// job; a recent failure of this content with its step, reason and `retry_after`; otherwise
    /// (none, stale, made with another version of the summary prompt, failed a while ago) made
    /// now for a short chat or queued for a long one.
    package func current(_ id: Int) async throws -> ChatSummaryAnswer {
        let conversation = try self.conversation(id)
        let record = try store.summary(id)
        if let record {
            let prompt = try context.activePrompt(ChatSummaryPrompt.promptType)
            if record.isCurrent(for: conversation, promptVersion: prompt.version) { return ChatSummaryAnswer(record, conversation: conversation) }
            if let job = try activeJob(record) { return ChatSummaryAnswer(record, conversation: conversation, pendingJob: job) }
            if let retryAt = retryAfter(record, conversation: conversation) {
                var answer = ChatSummaryAnswer(record, conversation: conversation)
                answer.retryAfter = Timestamp.format(retryAt)
                answer.note = "the last run failed; GET makes it again after retry_after, POST /api/conversations/\(id)/summary at once"
                return answer
            }
        }
        let chunkCount = try store.chunkCount(id)
        if chunkCount <= inlineChunks { return try await generate(conversation, jobID: nil) }
        return try queue(conversation, chunkCount: chunkCount, force: false)
    }

    /// When a GET may make a failed summary again: `failureBackoff` after a failure of the same
    /// content; nil when it may now (not failed, changed content, or the backoff is over).
    func retryAfter(_ record: ChatSummaryStore.Record, conversation: ChatSummaryStore.Conversation) -> Date? {
        guard record.status == .failed, !record.isManualEdit, record.error?["content_hash"]?.stringValue == conversation.contentHash,
              let failedAt = Timestamp.parse(record.updatedAt) else { return nil }
        let retryAt = failedAt.addingTimeInterval(Self.failureBackoff)
        return retryAt > context.clock.now() ? retryAt : nil
    }

    /// The job making this summary, when it is still queued or running (a failed run whose job
    /// will retry counts).
    func activeJob(_ record: ChatSummaryStore.Record) throws -> Int? {
        guard record.status != .ready, let id = record.jobID, let job = try JobQueue(database: try context.database()).job(id),
              job.function == SummarizeChatHandler.manifest.name, job.status == .queued || job.status == .running else { return nil }
        return id
    }

    /// Queues `summarize-chat` unless one is active for this conversation, and marks the summary
    /// pending. The idempotency key is stable for one content and one state of the summary row
    /// (`summarize-chat:<id>:<content hash>:<generation>`, the generation being the row's
    /// `updated_at`, which a failure, a finished run or a pending mark moves on), so requests that
    /// race past the active-job look-up make one job through the queue's idempotency.
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
            let generation = try store.summary(conversation.id)?.updatedAt ?? "new"
            let key = "summarize-chat:\(conversation.id):\(conversation.contentHash.prefix(16)):\(generation)\(force ? ":force" : "")"
            func enqueue(_ key: String) throws -> (job: Job, created: Bool) {
                try jobs.enqueue(.init(function: name, input: force ? forced : plain, idempotencyKey: key, maxAttempts: 3,
                                       timeoutSeconds: SummarizeChatHandler.manifest.timeoutSeconds, principal: context.principal,
                                       requestID: context.requestID), now: now)
            }
            var (job, created) = try enqueue(key)
            // A finished job under this key (the summary row was removed and made again since):
            // it will not run again, so this request needs a job of its own.
            if !created, job.status != .queued, job.status != .running {
                job = try enqueue(key + ":" + Timestamp.format(now, milliseconds: true)).job
            }
            jobID = job.id
        }
        try store.markPending(conversation, chunkCount: chunkCount, jobID: jobID, now: context.clock.now())
        context.logger.info("workspace.summary_queued", ["conversation": .number(Double(conversation.id)), "job": .number(Double(jobID))])
        guard let record = try store.summary(conversation.id) else { throw BundleError(.internal, "the summary was not stored") }
        return ChatSummaryAnswer(record, conversation: conversation, pendingJob: record.isManualEdit ? nil : jobID)
    }

    /// Runs the map-reduce now and stores the outcome. Any failure (making the LLM client:
    /// `setup`; reading the chunks: `read`; a call: `whole`, `map`, `reduce`; saving: `store`) is
    /// stored with its step and reason, so no summary stays `pending`, and thrown with its code,
    /// so a job retries what a retry can fix. A chat without text (a Slack thread of files only)
    /// has no chunks: its summary is ready and empty, with no LLM call.
    package func generate(_ conversation: ChatSummaryStore.Conversation, jobID: Int?) async throws -> ChatSummaryAnswer {
        var chunkCount = 0
        do {
            let (prompt, llm) = try Self.step("setup", "making the LLM client") {
                let prompt = try context.activePrompt(ChatSummaryPrompt.promptType)
                return (prompt, try context.llm(for: prompt))
            }
            let chunks = try Self.step("read", "reading the chunks") { try store.chunks(conversation.id) }
            chunkCount = chunks.count
            let summary: ChatSummarizer.Summary
            if chunks.isEmpty {
                summary = ChatSummarizer.Summary(text: "", provider: "none", model: "none", chunkCount: 0, calls: 0, promptVersion: prompt.version)
            } else {
                let summarizer = ChatSummarizer(llm: llm, reduceBudget: reduceBudget, maxMapCalls: maxMapCalls, prompt: prompt)
                do {
                    summary = try await summarizer.summarize(title: conversation.title, chunks: chunks, deadline: context.deadline)
                } catch let failure as ChatSummarizer.StepFailure {
                    throw failure
                } catch {
                    throw ChatSummarizer.StepFailure(step: "summarize", detail: "the run", error: Self.bundleError(error))
                }
            }
            let written = try Self.step("store", "saving the summary") {
                try store.saveGenerated(summary, conversationID: conversation.id, contentHash: conversation.contentHash, jobID: jobID,
                                        now: context.clock.now())
            }
            context.logger.info("workspace.summary_made", ["conversation": .number(Double(conversation.id)), "chunks": .number(Double(chunks.count)),
                                                           "calls": .number(Double(summary.calls)), "kept_edit": .bool(!written)])
        } catch let failure as ChatSummarizer.StepFailure {
            do {
                try store.saveFailed(failure, conversationID: conversation.id, contentHash: conversation.contentHash, chunkCount: chunkCount,
                                     jobID: jobID, now: context.clock.now())
            } catch {
                context.logger.error("workspace.summary_failure_not_stored", ["conversation": .number(Double(conversation.id))])
            }
            context.logger.warning("workspace.summary_failed", ["conversation": .number(Double(conversation.id)), "step": .string(failure.step),
                                                                "code": .string(failure.error.code.rawValue)])
            throw BundleError(failure.error.code, "the summary of conversation \(conversation.id) failed: \(failure.message)",
                              details: [ErrorDetail(field: "step", problem: failure.step)], retryable: failure.error.retryable)
        }
        guard let record = try store.summary(conversation.id) else { throw BundleError(.internal, "the summary was not stored") }
        return ChatSummaryAnswer(record, conversation: conversation)
    }

    /// Runs one step of `generate`, reporting its failure as that step's.
    private static func step<T>(_ name: String, _ detail: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw ChatSummarizer.StepFailure(step: name, detail: detail, error: bundleError(error)) }
    }

    private static func bundleError(_ error: any Error) -> BundleError {
        BundleError.converting(error, otherwise: BundleError(.internal, "unexpected failure: \(type(of: error))"))
    }
}

extension ChatSummaryStore.Record {
    /// The one rule for "nothing to make": a person's edit (kept whatever the chat becomes), or a
    /// ready generated text made from the conversation's content as it is now.
    package func isCurrent(for conversation: ChatSummaryStore.Conversation) -> Bool {
        isManualEdit || status == .ready && contentHash == conversation.contentHash
    }

    /// `isCurrent(for:)`, and a generated text made with the summary prompt whose version is
    /// `promptVersion` (a person's edit is current whatever the prompt).
    package func isCurrent(for conversation: ChatSummaryStore.Conversation, promptVersion: String) -> Bool {
        isCurrent(for: conversation) && (isManualEdit || ChatSummaryPrompt.sameVersion(self.promptVersion, promptVersion))
    }
}
