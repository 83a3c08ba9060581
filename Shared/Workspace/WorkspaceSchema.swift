import Store

/// The tables the workspace owns, all named `workspace_*`: conversations, their messages and
/// chunks here (`ConversationsSchema`); the full-text index next to the search code; summaries
/// next to theirs. Registered at the end of `Catalog.migrations`; append new steps to the list
/// of the concern they belong to, never edit a released one.
package enum WorkspaceSchema {
    package static let migrations: [Migration] =
        ConversationsSchema.migrations + ChatSearchSchema.migrations + SummariesSchema.migrations
        + ProjectsSchema.migrations + DraftChatSchema.migrations + ConversationFilesSchema.migrations
}

/// Files attached to a conversation (the original system's `file_attachments`): one row per
/// upload, its bytes in `FileStorage` under `storage_key`. A row is written before its bytes
/// (its id is part of the key) and is visible only once `stored_at` is set, after the bytes are
/// stored; a failed store deletes the row. Deleting the conversation deletes the rows (cascade);
/// the delete handler then removes their objects from storage. The extracted text is chunked
/// into `workspace_chunks` with `source_type = 'file'` and `file_id` set, so search and vectors
/// cover files with the machinery that covers chats, and the chunks go with their file.
package enum ConversationFilesSchema {
    package static let migrations: [Migration] = [files]

    static let files = Migration("workspace.conversation_files", """
        CREATE TABLE conversation_files (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES workspace_conversations (id) ON DELETE CASCADE,
            filename TEXT NOT NULL,
            file_size INTEGER NOT NULL,
            file_type TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            storage_key TEXT UNIQUE,
            storage_backend TEXT NOT NULL,
            extracted_text TEXT,
            text_note TEXT,
            uploaded_by TEXT,
            created_at TEXT NOT NULL,
            stored_at TEXT
        );
        CREATE INDEX conversation_files_by_conversation ON conversation_files (conversation_id, id);
        ALTER TABLE workspace_chunks ADD COLUMN file_id INTEGER REFERENCES conversation_files (id) ON DELETE CASCADE;
        CREATE INDEX workspace_chunks_by_file ON workspace_chunks (file_id);
        """)
}

/// Imported conversations. One row per conversation, unique by `source_key` (the source and the
/// export's own id, else the share URL, else the transcript's hash: see `ConversationStore`), so
/// importing the same chat again updates it. `content_hash` is the hash of what was imported
/// (title, messages, branches): an unchanged re-import touches nothing, a changed one replaces
/// the messages and chunks in one transaction. A person's title (`title_edited`) survives
/// re-imports. Messages: `branch` 0 is the transcript (the active branch) in `position` order;
/// 1, 2, … are the other branches, each from its fork (`parent_node_id` of its first message) to
/// a leaf. Chunks are the transcript cut for search and summaries (`ChatChunker`); deleting a
/// conversation deletes its messages and chunks (cascade) and, through the chunks' triggers,
/// their full-text rows. Chunk ids are never reused (`AUTOINCREMENT`): a vector is stored by chunk
/// id after the embedder answered, and a reused id would give a new chunk an old text's vector.
package enum ConversationsSchema {
    package static let migrations: [Migration] = [conversations]

    static let conversations = Migration("workspace.conversations", """
        CREATE TABLE workspace_conversations (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL CHECK (source IN ('chatgpt', 'claude', 'grok', 'generic', 'slack')),
            source_key TEXT NOT NULL UNIQUE,
            source_id TEXT,
            url TEXT,
            title TEXT NOT NULL,
            title_edited INTEGER NOT NULL DEFAULT 0,
            model TEXT,
            message_count INTEGER NOT NULL,
            branch_count INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            started_at TEXT,
            last_message_at TEXT,
            imported_by TEXT,
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            is_locked INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX workspace_conversations_by_import ON workspace_conversations (imported_at, id);
        CREATE INDEX workspace_conversations_by_url ON workspace_conversations (url);
        CREATE TABLE workspace_messages (
            id INTEGER PRIMARY KEY,
            conversation_id INTEGER NOT NULL REFERENCES workspace_conversations (id) ON DELETE CASCADE,
            branch INTEGER NOT NULL,
            position INTEGER NOT NULL,
            node_id TEXT,
            parent_node_id TEXT,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            blocks TEXT,
            model TEXT,
            created_at TEXT,
            attachments TEXT NOT NULL DEFAULT '[]',
            partial INTEGER NOT NULL DEFAULT 0,
            UNIQUE (conversation_id, branch, position)
        );
        CREATE TABLE workspace_chunks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES workspace_conversations (id) ON DELETE CASCADE,
            source_type TEXT NOT NULL DEFAULT 'imported_chat',
            position INTEGER NOT NULL,
            first_message INTEGER NOT NULL,
            last_message INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (conversation_id, source_type, position)
        );
        """)
}
