import Store

/// Conversation summaries. `workspace_summaries` holds one current summary per conversation:
/// its text, `status` (`pending` while a job makes it, `ready`, `failed` with the step and reason
/// in `error`), who made it (`provider`, `model`, `prompt_version`, or a person: `is_manual_edit`,
/// `edited_by`) and the conversation's `content_hash` it was made from, so a re-import with changed
/// content makes a generated summary stale (and a person's edit is kept, flagged stale).
/// `workspace_summary_history` keeps every text a summary replaced (cheap, and a person's edit
/// that a later edit replaced can be read back). Both go with their conversation.
package enum SummariesSchema {
    package static let migrations: [Migration] = [summaries]

    static let summaries = Migration("workspace.summaries", """
        CREATE TABLE workspace_summaries (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL UNIQUE REFERENCES workspace_conversations (id) ON DELETE CASCADE,
            text TEXT,
            status TEXT NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
            is_manual_edit INTEGER NOT NULL DEFAULT 0,
            edited_by TEXT,
            provider TEXT,
            model TEXT,
            prompt_version TEXT,
            content_hash TEXT,
            chunk_count INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            job_id INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE workspace_summary_history (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES workspace_conversations (id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            is_manual_edit INTEGER NOT NULL,
            edited_by TEXT,
            provider TEXT,
            model TEXT,
            prompt_version TEXT,
            content_hash TEXT,
            made_at TEXT NOT NULL,
            replaced_at TEXT NOT NULL
        );
        CREATE INDEX workspace_summary_history_by_conversation ON workspace_summary_history (conversation_id, id);
        """)
}
