import Store

/// The chat about a project draft (`workspace_chat_messages`): one row per message, numbered per
/// conversation from 1 under a UNIQUE constraint (the number is assigned inside the inserting
/// statement, see `DraftChatStore.append`). An assistant message records how it came to be: its
/// `status` (`complete`, `partial` when the stream failed after some text, `failed` when nothing
/// arrived) with the `error`, the tools it ran (`tool_calls`, JSON text: name, arguments, result),
/// and the provider, model and prompt version. Messages go with their conversation.
package enum DraftChatSchema {
    package static let migrations: [Migration] = [messages]

    static let messages = Migration("workspace.chat_messages", """
        CREATE TABLE workspace_chat_messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES workspace_conversations (id) ON DELETE CASCADE,
            sequence_number INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            content TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'partial', 'failed')),
            error TEXT,
            tool_calls TEXT,
            provider TEXT,
            model TEXT,
            prompt_version TEXT,
            sent_by TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (conversation_id, sequence_number)
        );
        """)
}
