import Core
import Store

/// A conversation with a Linear project is locked (`workspace_conversations.is_locked`, set in
/// the transaction that stores the project): its draft and chat refuse changes, because the
/// project in Linear was made from them and would no longer match.
package enum ConversationLock {
    /// Throws `not_found` for a missing conversation and `conflict` (naming the Linear project)
    /// for a locked one. Call it first in the write transaction that makes the change: it reads
    /// the flag with a write to the conversation's row (setting it to itself), which on
    /// PostgreSQL takes the row's lock until the transaction ends, so draft writers and the
    /// request that locks the conversation (`ProjectCreation`, which writes that row too) run one
    /// after the other and none acts on a flag or a draft read before another's commit. SQLite
    /// serialises write transactions anyway. Not for read transactions (`checkUnlocked`).
    package static func requireUnlocked(_ sql: any SQLExecutor, conversationID: Int) throws {
        let row = try sql.queryOne("UPDATE workspace_conversations SET is_locked = is_locked WHERE id = ? RETURNING is_locked", conversationID)
        try refuse(sql, row, conversationID: conversationID)
    }

    /// `requireUnlocked` for a read transaction (a look before slow work, such as an LLM call,
    /// that the write after it checks again with `requireUnlocked`).
    package static func checkUnlocked(_ sql: any SQLExecutor, conversationID: Int) throws {
        try refuse(sql, try sql.queryOne("SELECT is_locked FROM workspace_conversations WHERE id = ?", conversationID), conversationID: conversationID)
    }

    /// Whether the conversation is locked (false for a missing one).
    package static func isLocked(_ sql: any SQLExecutor, conversationID: Int) throws -> Bool {
        try sql.queryOne("SELECT is_locked FROM workspace_conversations WHERE id = ?", conversationID)?.bool("is_locked") ?? false
    }

    private static func refuse(_ sql: any SQLExecutor, _ row: Row?, conversationID: Int) throws {
        guard let row else { throw BundleError(.notFound, "no conversation with id \(conversationID)") }
        guard row.bool("is_locked") else { return }
        let project = try sql.queryOne("SELECT linear_project_id, linear_url FROM workspace_projects WHERE conversation_id = ?", conversationID)
        let name = project.flatMap { $0.optionalString("linear_url") ?? $0.optionalString("linear_project_id") }
        throw BundleError(.conflict, "conversation \(conversationID) is locked: it has the Linear project \(name ?? "made from it"); "
                          + "its draft and chat can no longer change")
    }
}
