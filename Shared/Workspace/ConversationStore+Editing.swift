import Core
import FoundationEssentials
import Store

/// Changing and deleting stored conversations: a person's title (kept across re-imports), and
/// deletion of a conversation with everything derived from it in one transaction.
extension ConversationStore {
    /// Sets a person's title; nil when there is no such conversation.
    package func rename(_ id: Int, title: String, now: Date) throws -> ChatConversation? {
        try database.write { sql in
            try sql.queryOne("""
                UPDATE workspace_conversations SET title = ?, title_edited = 1, updated_at = ? WHERE id = ?
                RETURNING \(ChatConversation.selectColumns)
                """, [title, now, id]).map(ChatConversation.init(row:))
        }
    }

    /// Deletes the conversation, its messages, its chunks (their full-text rows go by trigger),
    /// their vectors and whatever else hangs off the conversation by a cascading foreign key
    /// (summaries), all or nothing. False when there was no such conversation.
    package func delete(_ id: Int) throws -> Bool {
        try deleteReturningFileKeys(id) != nil
    }

    /// `delete`, answering the storage keys of the conversation's files (read in the same
    /// transaction, so none uploaded meanwhile is missed), which the caller removes from storage
    /// once the rows are gone; nil when there was no such conversation.
    package func deleteReturningFileKeys(_ id: Int) throws -> [String]? {
        try database.write { sql in
            let keys = try sql.query("SELECT storage_key FROM conversation_files WHERE conversation_id = ? AND storage_key IS NOT NULL ORDER BY id",
                                     [id]).compactMap { $0.optionalString("storage_key") }
            // Vectors live in the shared `retrieval_vectors` table, keyed by chunk id with no
            // foreign key, so they go first, while the chunks still say which ones are ours.
            try sql.execute("""
                DELETE FROM retrieval_vectors WHERE collection = ?
                    AND item_id IN (SELECT id FROM workspace_chunks WHERE conversation_id = ?)
                """, [Self.vectorCollection, id])
            try sql.execute("DELETE FROM workspace_chunks WHERE conversation_id = ?", [id])
            try sql.execute("DELETE FROM workspace_messages WHERE conversation_id = ?", [id])
            // The files' rows go by cascade.
            return try sql.queryOne("DELETE FROM workspace_conversations WHERE id = ? RETURNING id", id) != nil ? keys : nil
        }
    }
}
