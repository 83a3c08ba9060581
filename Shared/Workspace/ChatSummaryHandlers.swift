import Core
import FoundationEssentials
import Jobs
import Runtime

/// `GET /api/conversations/{id}/imported_chat_summary`: the conversation's summary. Current or a
/// person's edit: as stored. Missing, stale or failed: made now for a short chat, else the
/// `summarize-chat` job is queued and the answer is `pending` (HTTP 202) with the job's id.
package struct GetChatSummaryHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-chat-summary",
        summary: "A conversation's summary: made now for a short chat, queued (202, pending, with the job) for a long one; a person's edit is kept.",
        routes: [Route("GET", "/api/conversations/{id:int}/imported_chat_summary")],
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1)]),
        output: ChatSummaryAnswer.schema,
        timeoutSeconds: 120
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ChatSummaryAnswer {
        try await ChatSummaries(context: context).current(input.id)
    }
}

/// `PATCH /api/conversations/{id}/summary`: a person's summary text, kept as theirs: generation
/// never replaces it, and a changed re-import only flags it stale.
package struct UpdateChatSummaryHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var summary: String
    }

    package static let manifest = FunctionManifest(
        name: "update-chat-summary",
        summary: "Replaces a conversation's summary with a person's text (1–20,000 characters), which generation never overwrites.",
        routes: [Route("PATCH", "/api/conversations/{id:int}/summary")],
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1),
                              "summary": Schema.string(minLength: 1, maxLength: 20_000)]),
        output: ChatSummaryAnswer.schema,
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ChatSummaryAnswer {
        let text = StorableText.clean(input.summary).trimmingWhitespace()
        guard !text.isEmpty else { throw BundleError.validation([ErrorDetail(field: "summary", problem: "must not be blank")]) }
        let summaries = try ChatSummaries(context: context)
        let conversation = try summaries.conversation(input.id)
        try summaries.store.saveManual(text: text, conversation: conversation, chunkCount: try summaries.store.chunkCount(input.id),
                                       editedBy: context.principal, now: context.clock.now())
        context.logger.info("workspace.summary_edited", ["conversation": .number(Double(input.id)), "chars": .number(Double(text.count))])
        guard let record = try summaries.store.summary(input.id) else { throw BundleError(.internal, "the summary was not stored") }
        return ChatSummaryAnswer(record, conversation: conversation)
    }
}

/// `POST /api/conversations/{id}/summary` (202, a job): makes the summary map-reduce style. Over
/// HTTP it queues the job (one active per conversation); piped, or run by the worker, it does the
/// work: nothing when the summary is current unless `force`. A person's edit is never replaced:
/// without `force` the answer is that edit; with it, a conflict. A failed run is stored with its
/// step and reason and rethrown, so the worker retries what a retry can fix.
package struct SummarizeChatHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var force: Bool?
    }

    package static let manifest = FunctionManifest(
        name: "summarize-chat",
        summary: "Summarises a conversation from its chunks (map-reduce over the LLM; a job: POST queues it, the worker runs it; force remakes a current one).",
        routes: [Route("POST", "/api/conversations/{id:int}/summary")],
        successStatus: 202,
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1),
                              "force": Schema.boolean("Remake the summary even when it is current (default false)")],
                             required: ["id"]),
        output: ChatSummaryAnswer.schema,
        timeoutSeconds: 900
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ChatSummaryAnswer {
        let summaries = try ChatSummaries(context: context)
        let conversation = try summaries.conversation(input.id)
        let force = input.force ?? false
        if let record = try summaries.store.summary(input.id) {
            if record.isManualEdit {
                guard !force else {
                    throw BundleError(.conflict, "the summary of conversation \(input.id) was written by a person and is never regenerated; PATCH /api/conversations/\(input.id)/summary replaces it",
                                      retryable: false)
                }
                return Self.unchanged(record, conversation, context)
            }
            let prompt = try context.activePrompt(ChatSummaryPrompt.promptType)
            if !force, record.isCurrent(for: conversation, promptVersion: prompt.version) {
                return Self.unchanged(record, conversation, context)
            }
        }
        if context.http != nil {
            return try summaries.queue(conversation, chunkCount: try summaries.store.chunkCount(input.id), force: force)
        }
        return Self.withoutText(try await summaries.generate(conversation, jobID: context.jobID), context)
    }

    /// The summary as it is (nothing to make): over HTTP with 200 rather than the route's 202.
    static func unchanged(_ record: ChatSummaryStore.Record, _ conversation: ChatSummaryStore.Conversation,
                          _ context: FunctionContext) -> ChatSummaryAnswer {
        var answer = ChatSummaryAnswer(record, conversation: conversation)
        if context.http != nil { answer.httpStatus = 200 }
        return withoutText(answer, context)
    }

    /// Run piped or by the worker, the answer is stored as the job's `result`, which outlives a
    /// deleted conversation: it carries the ids and the status, never the text (read through
    /// `get-chat-summary`).
    static func withoutText(_ answer: ChatSummaryAnswer, _ context: FunctionContext) -> ChatSummaryAnswer {
        guard context.http == nil else { return answer }
        var answer = answer
        answer.summary = nil
        answer.note = "the text is read through GET /api/conversations/\(answer.conversationID)/imported_chat_summary (get-chat-summary)"
        return answer
    }
}
