import Core
import FoundationEssentials
import Store

/// Summaries in the database (`workspace_summaries`, see `SummariesSchema`). Every write that
/// a generator makes (`markPending`, `saveGenerated`, `saveFailed`) is an upsert guarded by
/// `is_manual_edit = 0`, so a person's edit is never overwritten, even by a job that started
/// before it. A text that is replaced goes to `workspace_summary_history` in the same transaction.
package struct ChatSummaryStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// What a summary is made from and checked against.
    package struct Conversation: Sendable, Equatable {
        package var id: Int
        package var title: String
        package var contentHash: String
    }

    package struct Record: Sendable, Equatable {
        package enum Status: String, Sendable { case pending, ready, failed }
        package var conversationID: Int
        package var text: String?
        package var status: Status
        package var isManualEdit: Bool
        package var editedBy: String?
        package var provider: String?
        package var model: String?
        package var promptVersion: String?
        package var contentHash: String?
        package var chunkCount: Int
        /// `{step, code, message}` of the last failure.
        package var error: JSONValue?
        package var jobID: Int?
        package var createdAt: String
        package var updatedAt: String
    }

    package func conversation(_ id: Int) throws -> Conversation? {
        try database.read { sql in
            try sql.queryOne("SELECT id, title, content_hash FROM workspace_conversations WHERE id = ?", id).map {
                Conversation(id: try $0.int("id"), title: try $0.string("title"), contentHash: try $0.string("content_hash"))
            }
        }
    }

    /// The conversation's chunk texts in order.
    package func chunks(_ id: Int) throws -> [String] {
        try database.read { sql in
            try sql.query("SELECT text FROM workspace_chunks WHERE conversation_id = ? AND source_type = 'imported_chat' ORDER BY position",
                          id).map { try $0.string("text") }
        }
    }

    package func chunkCount(_ id: Int) throws -> Int {
        try database.read { sql in
            try sql.queryOne("SELECT COUNT(*) AS n FROM workspace_chunks WHERE conversation_id = ? AND source_type = 'imported_chat'", id)?
                .int("n") ?? 0
        }
    }

    package func summary(_ id: Int) throws -> Record? {
        try database.read { sql in try sql.queryOne("SELECT * FROM workspace_summaries WHERE conversation_id = ?", id).map(Self.record) }
    }

    /// A job will make the summary; the old text stays readable (flagged stale) meanwhile.
    /// False when a person's edit is there (nothing to make).
    @discardableResult
    package func markPending(_ conversation: Conversation, chunkCount: Int, jobID: Int, now: Date) throws -> Bool {
        try database.write { sql in
            try sql.queryOne("""
                INSERT INTO workspace_summaries (conversation_id, status, chunk_count, job_id, created_at, updated_at)
                VALUES (?, 'pending', ?, ?, ?, ?)
                ON CONFLICT (conversation_id) DO UPDATE SET status = 'pending', chunk_count = excluded.chunk_count,
                    job_id = excluded.job_id, updated_at = excluded.updated_at
                WHERE workspace_summaries.is_manual_edit = 0
                RETURNING id
                """, [conversation.id, chunkCount, jobID, now, now]) != nil
        }
    }

    /// Stores a generated summary made from `contentHash`. False (nothing written) when a person
    /// edited the summary meanwhile.
    @discardableResult
    package func saveGenerated(_ summary: ChatSummarizer.Summary, conversationID: Int, contentHash: String, jobID: Int?,
                               now: Date) throws -> Bool {
        try database.write { sql in
            if let current = try sql.queryOne("SELECT * FROM workspace_summaries WHERE conversation_id = ?", conversationID).map(Self.record) {
                if current.isManualEdit { return false }
                try Self.keepHistory(current, now: now, sql)
            }
            return try sql.queryOne("""
                INSERT INTO workspace_summaries (conversation_id, text, status, is_manual_edit, provider, model, prompt_version,
                    content_hash, chunk_count, error, job_id, created_at, updated_at)
                VALUES (?, ?, 'ready', 0, ?, ?, ?, ?, ?, NULL, ?, ?, ?)
                ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text, status = 'ready', provider = excluded.provider,
                    model = excluded.model, prompt_version = excluded.prompt_version, content_hash = excluded.content_hash,
                    chunk_count = excluded.chunk_count, error = NULL, job_id = excluded.job_id, updated_at = excluded.updated_at
                WHERE workspace_summaries.is_manual_edit = 0
                RETURNING id
                """, [conversationID, summary.text, summary.provider, summary.model,
                      summary.promptVersion ?? ChatSummaryPrompt.version, contentHash,
                      summary.chunkCount, jobID, now, now]) != nil
        }
    }

    /// Records a failed run: the step and reason, and the content it failed on (`content_hash` in
    /// `error`, so a request knows whether the content changed since); the previous text (if any) stays.
    package func saveFailed(_ failure: ChatSummarizer.StepFailure, conversationID: Int, contentHash: String, chunkCount: Int, jobID: Int?,
                            now: Date) throws {
        let error: JSONValue = ["step": .string(failure.step), "code": .string(failure.error.code.rawValue),
                                "message": .string(String(failure.message.prefix(1_000))), "content_hash": .string(contentHash)]
        _ = try database.write { sql in
            try sql.execute("""
                INSERT INTO workspace_summaries (conversation_id, status, chunk_count, error, job_id, created_at, updated_at)
                VALUES (?, 'failed', ?, ?, ?, ?, ?)
                ON CONFLICT (conversation_id) DO UPDATE SET status = 'failed', chunk_count = excluded.chunk_count,
                    error = excluded.error, job_id = excluded.job_id, updated_at = excluded.updated_at
                WHERE workspace_summaries.is_manual_edit = 0
                """, [conversationID, chunkCount, error, jobID, now, now])
        }
    }

    /// A person's text: kept as theirs (against the conversation's content now) until they edit it again.
    package func saveManual(text: String, conversation: Conversation, chunkCount: Int, editedBy: String?, now: Date) throws {
        try database.write { sql in
            if let current = try sql.queryOne("SELECT * FROM workspace_summaries WHERE conversation_id = ?", conversation.id).map(Self.record) {
                try Self.keepHistory(current, now: now, sql)
            }
            _ = try sql.execute("""
                INSERT INTO workspace_summaries (conversation_id, text, status, is_manual_edit, edited_by, content_hash, chunk_count,
                    created_at, updated_at)
                VALUES (?, ?, 'ready', 1, ?, ?, ?, ?, ?)
                ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text, status = 'ready', is_manual_edit = 1,
                    edited_by = excluded.edited_by, provider = NULL, model = NULL, prompt_version = NULL,
                    content_hash = excluded.content_hash, chunk_count = excluded.chunk_count, error = NULL, job_id = NULL,
                    updated_at = excluded.updated_at
                """, [conversation.id, text, editedBy, conversation.contentHash, chunkCount, now, now])
        }
    }

    /// Earlier texts, newest first.
    package func history(_ id: Int) throws -> [(text: String, isManualEdit: Bool)] {
        try database.read { sql in
            try sql.query("SELECT text, is_manual_edit FROM workspace_summary_history WHERE conversation_id = ? ORDER BY id DESC", id)
                .map { (try $0.string("text"), $0.bool("is_manual_edit")) }
        }
    }

    private static func keepHistory(_ current: Record, now: Date, _ sql: any SQLExecutor) throws {
        guard let text = current.text else { return }
        _ = try sql.execute("""
            INSERT INTO workspace_summary_history (conversation_id, text, is_manual_edit, edited_by, provider, model, prompt_version,
                content_hash, made_at, replaced_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [current.conversationID, text, current.isManualEdit ? 1 : 0, current.editedBy, current.provider, current.model,
                  current.promptVersion, current.contentHash, current.updatedAt, now])
    }

    private static func record(_ row: Row) throws -> Record {
        Record(conversationID: try row.int("conversation_id"), text: row.optionalString("text"),
               status: Record.Status(rawValue: try row.string("status")) ?? .failed, isManualEdit: row.bool("is_manual_edit"),
               editedBy: row.optionalString("edited_by"), provider: row.optionalString("provider"), model: row.optionalString("model"),
               promptVersion: row.optionalString("prompt_version"), contentHash: row.optionalString("content_hash"),
               chunkCount: row.optionalInt("chunk_count") ?? 0, error: try row.optionalJSON("error"), jobID: row.optionalInt("job_id"),
               createdAt: try row.string("created_at"), updatedAt: try row.string("updated_at"))
    }
}
