import Core
import FoundationEssentials
import Retrieval
import Store

/// Imported conversations in the database. `save` writes one conversation with its messages and
/// chunks (and, through the chunks' triggers, their full-text rows) in one transaction, so a
/// conversation is searchable by words as soon as it is stored and a failure leaves nothing half
/// written. Re-importing the same conversation (same source id, else same URL) updates it in
/// place (the URL only within one source); the claim is `INSERT … ON CONFLICT (source_key) DO NOTHING RETURNING`, so two imports
/// of one chat at once make one row.
package struct ConversationStore: Sendable {
    package let database: any Database

    /// The `retrieval_vectors` collection of the chunks' vectors.
    package static let vectorCollection = "workspace.chunks"

    package init(database: any Database) {
        self.database = database
    }

    /// What saving did: `created`, `updated` (content changed: messages and chunks replaced) or
    /// `unchanged` (the same content was imported before).
    package struct Saved: Sendable, Equatable {
        package enum Outcome: String, Codable, Sendable { case created, updated, unchanged }
        package var id: Int
        package var outcome: Outcome
        /// The chunks written by this call (to embed); empty when unchanged.
        package var chunkIDs: [Int]

        package init(id: Int, outcome: Outcome, chunkIDs: [Int]) {
            self.id = id
            self.outcome = outcome
            self.chunkIDs = chunkIDs
        }
    }

    /// The key a conversation is unique by: its source and export id, else its URL, else the hash
    /// of what it holds (a transcript without id or URL imported twice is one conversation).
    package static func sourceKey(_ conversation: ImportedConversation, contentHash: String) -> String {
        if let id = conversation.sourceID?.trimmingWhitespace(), !id.isEmpty { return "\(conversation.source.rawValue):id:\(id)" }
        if let url = conversation.url?.trimmingWhitespace(), !url.isEmpty { return "url:\(url)" }
        return "\(conversation.source.rawValue):sha256:\(contentHash)"
    }

    /// The SHA-256 (hex) of everything imported: title, model, messages and branches.
    package static func contentHash(_ conversation: ImportedConversation) -> String {
        var canonical: [JSONValue] = [.string(conversation.title), conversation.model.map(JSONValue.string) ?? .null]
        canonical.append(.array(conversation.messages.map(Self.canonical)))
        for branch in conversation.branches {
            canonical.append(.array([branch.forksFrom.map(JSONValue.string) ?? .null, .array(branch.messages.map(Self.canonical))]))
        }
        return SHA256.hex(SHA256.hash(JSONValue.array(canonical).jsonText))
    }

    private static func canonical(_ message: ImportedMessage) -> JSONValue {
        .array([message.id.map(JSONValue.string) ?? .null, .string(message.role), .string(message.content),
                .array(message.blocks.map { .array([.string($0.type), .string($0.text), $0.name.map(JSONValue.string) ?? .null]) }),
                message.createdAt.map { .string(Timestamp.format($0, milliseconds: true)) } ?? .null,
                message.model.map(JSONValue.string) ?? .null, .array(message.attachments.map(JSONValue.string)), .bool(message.partial)])
    }

    /// Stores one conversation (see the type's comment). The conversation must have at least one
    /// message; importers report empty ones as problems instead.
    package func save(_ conversation: ImportedConversation, importedBy: String?, now: Date) throws -> Saved {
        let hash = Self.contentHash(conversation)
        let key = Self.sourceKey(conversation, contentHash: hash)
        let lastMessageAt = (conversation.messages.compactMap(\.createdAt).max()) ?? conversation.updatedAt
        return try database.write { sql in
            var existing = try sql.queryOne("SELECT id, content_hash FROM workspace_conversations WHERE source_key = ?", key)
            // The URL finds a conversation of the same source only: a URL is the caller's word
            // (a Slack thread's permalink), so it must never reach another source's conversation.
            if existing == nil, let url = conversation.url, !url.isEmpty {
                existing = try sql.queryOne("SELECT id, content_hash FROM workspace_conversations WHERE url = ? AND source = ? ORDER BY id LIMIT 1",
                                            url, conversation.source.rawValue)
            }
            let id: Int
            if let existing {
                id = try existing.int("id")
                // Lock the row before comparing (the write lock on SQLite, the row's lock on
                // PostgreSQL), so two imports at once cannot both see the old hash and both
                // replace the messages; a row deleted since the look-up is a conflict to retry.
                guard let locked = try sql.queryOne("UPDATE workspace_conversations SET updated_at = updated_at WHERE id = ? RETURNING content_hash", id) else {
                    throw BundleError(.conflict, "the conversation was deleted while it was imported; try again")
                }
                if try locked.string("content_hash") == hash { return Saved(id: id, outcome: .unchanged, chunkIDs: []) }
                // The chunks' delete trigger (ChatSearchSchema) removes their vectors too.
                // Only the transcript's chunks: the conversation's files keep theirs.
                _ = try sql.execute("DELETE FROM workspace_chunks WHERE conversation_id = ? AND source_type = 'imported_chat'", id)
                _ = try sql.execute("DELETE FROM workspace_messages WHERE conversation_id = ?", id)
                _ = try sql.execute("""
                    UPDATE workspace_conversations SET source = ?, source_id = ?, url = COALESCE(?, url),
                        title = CASE WHEN title_edited = 1 THEN title ELSE ? END, model = ?, message_count = ?, branch_count = ?,
                        content_hash = ?, started_at = ?, last_message_at = ?, updated_at = ?
                    WHERE id = ?
                    """, [conversation.source.rawValue, conversation.sourceID, conversation.url, conversation.title, conversation.model,
                          conversation.messages.count, conversation.branches.count, hash, conversation.createdAt, lastMessageAt, now, id])
            } else {
                let claimed = try sql.queryOne("""
                    INSERT INTO workspace_conversations (source, source_key, source_id, url, title, model, message_count, branch_count,
                        content_hash, started_at, last_message_at, imported_by, imported_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source_key) DO NOTHING RETURNING id
                    """, [conversation.source.rawValue, key, conversation.sourceID, conversation.url, conversation.title, conversation.model,
                          conversation.messages.count, conversation.branches.count, hash, conversation.createdAt, lastMessageAt,
                          importedBy, now, now])
                // SQLite serialises writers, so a row that appeared since the look-up above
                // cannot: the claim only misses on a backend with concurrent writers. Then the
                // other import won; saving again in a new transaction takes the update path.
                guard let claimed else { throw BundleError(.conflict, "the conversation is being imported by another request; try again") }
                id = try claimed.int("id")
            }
            try insertMessages(conversation, conversationID: id, sql)
            var chunkIDs: [Int] = []
            for (position, chunk) in ChatChunker.chunks(conversation.messages).enumerated() {
                let row = try sql.queryOne("""
                    INSERT INTO workspace_chunks (conversation_id, source_type, position, first_message, last_message, text)
                    VALUES (?, 'imported_chat', ?, ?, ?, ?) RETURNING id
                    """, [id, position, chunk.firstMessage, chunk.lastMessage, chunk.text])
                if let row { chunkIDs.append(try row.int("id")) }
            }
            return Saved(id: id, outcome: existing == nil ? .created : .updated, chunkIDs: chunkIDs)
        }
    }

    private func insertMessages(_ conversation: ImportedConversation, conversationID: Int, _ sql: any SQLExecutor) throws {
        func insert(_ message: ImportedMessage, branch: Int, position: Int, parent: String?) throws {
            let blocks: JSONValue? = message.blocks.isEmpty ? nil : try JSONValue(encoding: message.blocks)
            _ = try sql.execute("""
                INSERT INTO workspace_messages (conversation_id, branch, position, node_id, parent_node_id, role, content, blocks, model,
                    created_at, attachments, partial)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [conversationID, branch, position, message.id, parent, message.role, message.content, blocks, message.model,
                      message.createdAt, JSONValue.array(message.attachments.map(JSONValue.string)), message.partial ? 1 : 0])
        }
        var parent: String?
        for (position, message) in conversation.messages.enumerated() {
            try insert(message, branch: 0, position: position, parent: parent)
            parent = message.id ?? parent
        }
        for (index, branch) in conversation.branches.enumerated() {
            var parent = branch.forksFrom
            for (position, message) in branch.messages.enumerated() {
                try insert(message, branch: index + 1, position: position, parent: parent)
                parent = message.id ?? parent
            }
        }
    }
}
