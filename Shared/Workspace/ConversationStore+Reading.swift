import Core
import Retrieval
import FoundationEssentials
import Store

/// Reading stored conversations: the paged list (newest import first, title and source filters)
/// and one conversation with its transcript and, on request, its other branches.
extension ConversationStore {
    /// What `list` filters by: `query` is a case-insensitive substring of the title (matched as
    /// typed: `%` and `_` match themselves) or its words begin title words (case and diacritics
    /// folded), `source` one of `ChatSource`.
    package struct ListFilter: Sendable {
        package var query: String?
        package var source: String?

        package init(query: String? = nil, source: String? = nil) {
            self.query = query
            self.source = source
        }
    }

    /// One page of conversations, newest import first, and how many match in all.
    package func list(_ filter: ListFilter, limit: Int, offset: Int) throws -> (conversations: [ChatConversation], total: Int) {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let query = filter.query?.trimmingWhitespace(), !query.isEmpty {
            // A substring as typed (ASCII case folded), or the query's words as word beginnings
            // through the title index (any case, diacritics folded: "uber" finds "Über").
            let substring = "lower(title) LIKE ? ESCAPE '\\'"
            arguments.append(LikePattern.containing(query.lowercased()))
            if let words = ChatFullText.titleWordsFilter(query, dialect: database.dialect) {
                conditions.append("(\(substring) OR \(words.sql))")
                arguments += words.arguments
            } else {
                conditions.append(substring)
            }
        }
        if let source = filter.source {
            conditions.append("source = ?")
            arguments.append(source)
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try database.read { sql in
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM workspace_conversations" + whereClause, arguments)?.optionalInt("n") ?? 0
            let rows = try sql.query("""
                SELECT \(ChatConversation.selectColumns) FROM workspace_conversations\(whereClause)
                ORDER BY imported_at DESC, id DESC LIMIT ? OFFSET ?
                """, arguments + [limit, offset])
            return (try rows.map(ChatConversation.init(row:)), total)
        }
    }

    /// The conversation with this id, or nil.
    package func conversation(_ id: Int) throws -> ChatConversation? {
        try database.read { sql in
            try sql.queryOne("SELECT \(ChatConversation.selectColumns) FROM workspace_conversations WHERE id = ?", id)
                .map(ChatConversation.init(row:))
        }
    }

    /// The conversations with these ids, in the order given (unknown ids are left out).
    package func conversations(_ ids: [Int]) throws -> [ChatConversation] {
        try ids.compactMap { try conversation($0) }
    }

    /// A conversation with its transcript and (when asked) its other branches, read in one
    /// transaction so a re-import running at the same time cannot mix two versions.
    package func detail(_ id: Int, includeBranches: Bool) throws -> (conversation: ChatConversation, messages: [ChatMessage], branches: [ChatBranch])? {
        try database.read { sql in
            guard let row = try sql.queryOne("SELECT \(ChatConversation.selectColumns) FROM workspace_conversations WHERE id = ?", id) else {
                return nil
            }
            let branchFilter = includeBranches ? "" : " AND branch = 0"
            let rows = try sql.query("""
                SELECT branch, node_id, parent_node_id, role, content, blocks, model, created_at, attachments, partial
                FROM workspace_messages WHERE conversation_id = ?\(branchFilter) ORDER BY branch, position
                """, id)
            var messages: [ChatMessage] = []
            var branches: [ChatBranch] = []
            var current = 0
            for row in rows {
                let branch = try row.int("branch")
                let message = try ChatMessage(row: row)
                if branch == 0 { messages.append(message); continue }
                if branch != current {
                    current = branch
                    branches.append(ChatBranch(forksFrom: row.optionalString("parent_node_id"), messages: []))
                }
                branches[branches.count - 1].messages.append(message)
            }
            return (try ChatConversation(row: row), messages, branches)
        }
    }
}
