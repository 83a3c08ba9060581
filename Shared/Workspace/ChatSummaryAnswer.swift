import Core

/// What the summary functions answer: the summary of one conversation with how it was made and
/// whether it is current. `stale` is true when the conversation changed since the text was made
/// (a person's edit is kept and flagged; a generated one is remade on request). A pending answer
/// carries the job that makes it and `_http.status` 202; `error` names the step and reason of the
/// last failed run.
package struct ChatSummaryAnswer: Encodable, Sendable {
    package var conversationID: Int
    package var summary: String?
    package var status: String
    package var isManualEdit: Bool
    package var editedBy: String?
    package var stale: Bool
    package var provider: String?
    package var model: String?
    package var promptVersion: String?
    package var chunkCount: Int
    package var jobID: Int?
    package var error: JSONValue?
    package var createdAt: String?
    package var updatedAt: String?
    /// After a failure: when `get-chat-summary` makes it again (`ChatSummaries.failureBackoff`).
    package var retryAfter: String?
    /// A word on the answer: an empty chat, a recent failure, where a job's text is read.
    package var note: String?
    /// 202 while pending (the HTTP gateway strips `_http`).
    package var httpStatus: Int?

    /// The note of a ready summary of a chat without text.
    package static let noTextNote = "the conversation has no text to summarise"

    enum CodingKeys: String, CodingKey {
        case summary, status, stale, provider, model, error
        case conversationID = "conversation_id"
        case isManualEdit = "is_manual_edit"
        case editedBy = "edited_by"
        case promptVersion = "prompt_version"
        case chunkCount = "chunk_count"
        case jobID = "job_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case http = "_http"
        case retryAfter = "retry_after"
        case note
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(summary, forKey: .summary)
        try container.encode(status, forKey: .status)
        try container.encode(isManualEdit, forKey: .isManualEdit)
        try container.encode(editedBy, forKey: .editedBy)
        try container.encode(stale, forKey: .stale)
        try container.encode(provider, forKey: .provider)
        try container.encode(model, forKey: .model)
        try container.encode(promptVersion, forKey: .promptVersion)
        try container.encode(chunkCount, forKey: .chunkCount)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(error, forKey: .error)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(retryAfter, forKey: .retryAfter)
        try container.encodeIfPresent(note, forKey: .note)
        if let httpStatus { try container.encode(["status": JSONValue.number(Double(httpStatus))] as JSONValue, forKey: .http) }
    }

    init(_ record: ChatSummaryStore.Record, conversation: ChatSummaryStore.Conversation, pendingJob: Int? = nil) {
        conversationID = conversation.id
        summary = record.text
        status = pendingJob != nil ? "pending" : record.status.rawValue
        isManualEdit = record.isManualEdit
        editedBy = record.editedBy
        stale = record.text != nil && record.contentHash != conversation.contentHash
        provider = record.provider
        model = record.model
        promptVersion = record.isManualEdit ? nil : record.promptVersion
        chunkCount = record.chunkCount
        jobID = pendingJob ?? record.jobID
        // The content hash a failure keeps is the store's business.
        error = record.status == .ready ? nil : record.error.map { error in
            .object(["step": error["step"] ?? .null, "code": error["code"] ?? .null, "message": error["message"] ?? .null]
                .filter { $0.value != .null })
        }
        createdAt = record.createdAt
        updatedAt = record.updatedAt
        httpStatus = status == "pending" ? 202 : nil
        if record.status == .ready, !record.isManualEdit, record.chunkCount == 0, record.text?.isEmpty ?? true { note = Self.noTextNote }
    }

    package static let schema: JSONValue = Schema.object([
        "conversation_id": Schema.integer(minimum: 1),
        "summary": Schema.nullable(Schema.string("The summary text (while pending or failed: the previous text, if any; see stale)")),
        "status": Schema.string(enum: ["pending", "ready", "failed"]),
        "is_manual_edit": Schema.boolean("A person wrote this text; generation never replaces it"),
        "edited_by": Schema.nullable(Schema.string("Who edited it (the caller's principal)")),
        "stale": Schema.boolean("The conversation changed since the text was made"),
        "provider": Schema.nullable(Schema.string("LLM provider that made it (offline: sentences chosen from the chat)")),
        "model": Schema.nullable(Schema.string()),
        "prompt_version": Schema.nullable(Schema.string()),
        "chunk_count": Schema.integer("Chunks of the conversation the summary reads", minimum: 0),
        "job_id": Schema.nullable(Schema.integer("The summarize-chat job making (or that made) it; GET /jobs/{id}", minimum: 1)),
        "error": Schema.nullable(Schema.object([
            "step": Schema.string("setup, read, whole, map, reduce, summarize or store"), "code": Schema.string(), "message": Schema.string(),
        ], "The last failed run")),
        "created_at": Schema.nullable(Schema.string(format: "date-time")),
        "updated_at": Schema.nullable(Schema.string(format: "date-time")),
        "_http": Schema.object(["status": Schema.integer()], "HTTP status override (202 while pending); stripped over HTTP"),
        "retry_after": Schema.nullable(Schema.string("After a failure: when a GET makes the summary again (POST …/summary retries at once)",
                                                     format: "date-time")),
        "note": Schema.nullable(Schema.string("e.g. the conversation has no text to summarise; or, from a job, where the text is read")),
    ], required: ["conversation_id", "summary", "status", "is_manual_edit", "edited_by", "stale", "provider", "model", "prompt_version",
                  "chunk_count", "job_id", "error", "created_at", "updated_at"])
}
