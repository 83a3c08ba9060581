import Core
import FoundationEssentials
import Store

/// The `conversation_files` rows (see `ConversationFilesSchema`) and their text's chunks. An
/// upload is three steps around the storage write: `reserve` (the row, invisible, with the key
/// its id gives), the bytes stored, then `markStored` (visible, chunks indexed) or `discard`.
package struct ConversationFileStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// What an upload stores, once its type, name and text are known.
    package struct NewFile: Sendable {
        package var conversationID: Int
        package var filename: String
        package var size: Int
        package var type: FileType
        package var sha256: String
        package var backend: String
        package var text: FileText
        package var uploadedBy: String?

        package init(conversationID: Int, filename: String, size: Int, type: FileType, sha256: String, backend: String, text: FileText,
                     uploadedBy: String?) {
            self.conversationID = conversationID
            self.filename = filename
            self.size = size
            self.type = type
            self.sha256 = sha256
            self.backend = backend
            self.text = text
            self.uploadedBy = uploadedBy
        }
    }

    /// Where a file's bytes live: `conversations/{conversation}/files/{file}-{name}` (the name
    /// reduced to `FileName.keyComponent`; the id alone makes the key unique).
    package static func storageKey(conversationID: Int, fileID: Int, filename: String) -> String {
        "conversations/\(conversationID)/files/\(fileID)-\(FileName.keyComponent(filename))"
    }

    /// Writes the (not yet visible) row and answers its id and storage key. `not_found` for a
    /// missing conversation, `conflict` for a locked one (checked in this transaction).
    package func reserve(_ file: NewFile, now: Date) throws -> (id: Int, key: String) {
        try database.write { sql in
            try ConversationLock.requireUnlocked(sql, conversationID: file.conversationID)
            guard let row = try sql.queryOne("""
                INSERT INTO conversation_files (conversation_id, filename, file_size, file_type, sha256, storage_backend, extracted_text,
                    text_note, uploaded_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [file.conversationID, file.filename, file.size, file.type.mimeType, file.sha256, file.backend, file.text.text,
                      file.text.note, file.uploadedBy, now]) else {
                throw BundleError(.internal, "the file's row was not written")
            }
            let id = try row.int("id")
            let key = Self.storageKey(conversationID: file.conversationID, fileID: id, filename: file.filename)
            try sql.execute("UPDATE conversation_files SET storage_key = ? WHERE id = ?", [key, id])
            return (id, key)
        }
    }

    /// Makes the row visible and indexes its text; nil when the row is gone (its conversation was
    /// deleted meanwhile: the caller removes the stored bytes).
    package func markStored(_ id: Int, now: Date) throws -> (file: ConversationFile, chunkIDs: [Int])? {
        try database.write { sql in
            guard let owner = try sql.queryOne("SELECT conversation_id, extracted_text FROM conversation_files WHERE id = ?", id) else { return nil }
            let conversationID = try owner.int("conversation_id")
            // The conversation's row lock (PostgreSQL) orders two uploads' chunk positions.
            try sql.execute("UPDATE workspace_conversations SET is_locked = is_locked WHERE id = ?", [conversationID])
            guard let row = try sql.queryOne("UPDATE conversation_files SET stored_at = ? WHERE id = ? RETURNING \(ConversationFile.selectColumns)",
                                             [now, id]) else { return nil }
            var chunkIDs: [Int] = []
            if let text = owner.optionalString("extracted_text"), !text.isEmpty {
                let next = try sql.queryOne("""
                    SELECT COALESCE(MAX(position), -1) + 1 AS next FROM workspace_chunks WHERE conversation_id = ? AND source_type = 'file'
                    """, conversationID)?.int("next") ?? 0
                for (index, chunk) in ChatChunker.chunks([ImportedMessage(role: "file", content: text)]).enumerated() {
                    if let inserted = try sql.queryOne("""
                        INSERT INTO workspace_chunks (conversation_id, source_type, position, first_message, last_message, text, file_id)
                        VALUES (?, 'file', ?, 0, 0, ?, ?) RETURNING id
                        """, [conversationID, next + index, chunk.text, id]) {
                        chunkIDs.append(try inserted.int("id"))
                    }
                }
            }
            return (try ConversationFile(row: row), chunkIDs)
        }
    }

    /// Deletes a row whose bytes could not be stored (its chunks go by cascade; it has none yet).
    package func discard(_ id: Int) throws {
        try database.write { sql in _ = try sql.execute("DELETE FROM conversation_files WHERE id = ?", [id]) }
    }

    /// The conversation's stored files, oldest first; nil when there is no such conversation.
    package func list(conversationID: Int) throws -> [ConversationFile]? {
        try database.read { sql in
            guard try sql.queryOne("SELECT id FROM workspace_conversations WHERE id = ?", conversationID) != nil else { return nil }
            return try sql.query("""
                SELECT \(ConversationFile.selectColumns) FROM conversation_files
                WHERE conversation_id = ? AND stored_at IS NOT NULL ORDER BY id
                """, [conversationID]).map(ConversationFile.init(row:))
        }
    }

    /// One stored file; nil when there is none (or its bytes were never stored).
    package func file(_ id: Int) throws -> ConversationFile? {
        try database.read { sql in
            try sql.queryOne("SELECT \(ConversationFile.selectColumns) FROM conversation_files WHERE id = ? AND stored_at IS NOT NULL", id)
                .map(ConversationFile.init(row:))
        }
    }

    /// A file's name and text, as context for a model.
    package struct Text: Sendable, Equatable {
        package var filename: String
        package var text: String
    }

    /// The conversation's files' extracted texts, oldest first, at most `perFile` characters each
    /// and `total` in all (a file that would start past `total` is left out).
    package func texts(conversationID: Int, perFile: Int, total: Int) throws -> [Text] {
        try database.read { sql in
            var texts: [Text] = []
            var used = 0
            let rows = try sql.query("""
                SELECT filename, SUBSTR(extracted_text, 1, CAST(? AS INTEGER)) AS text FROM conversation_files
                WHERE conversation_id = ? AND stored_at IS NOT NULL AND extracted_text IS NOT NULL ORDER BY id LIMIT 50
                """, [perFile, conversationID])
            for row in rows where used < total {
                let text = String(try row.string("text").prefix(total - used))
                used += text.count
                texts.append(Text(filename: try row.string("filename"), text: text))
            }
            return texts
        }
    }
}
