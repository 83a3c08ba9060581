import Core
import Store

/// A conversation with a Linear project is locked (`workspace_conversations.is_locked`, set in
/// the transaction that stores the project): its draft and chat refuse changes, because the
/// project in Linear was made from them and would no longer match.
package enum ConversationLock {
    /// Throws `not_found` for a missing conversation and `conflict` (naming the Linear project)
    /// for a locked one. Call it inside the write transaction that makes the change, so a lock
    /// taken by another request just before cannot be missed.
    package static func requireUnlocked(_ sql: any SQLExecutor, conversationID: Int) throws {
        guard let row = try sql.queryOne("SELECT is_locked FROM workspace_conversations WHERE id = ?", conversationID) else {
            throw BundleError(.notFound, "no conversation with id \(conversationID)")
        }
        guard row.bool("is_locked") else { return }
        let project = try sql.queryOne("SELECT linear_project_id, linear_url FROM workspace_projects WHERE conversation_id = ?", conversationID)
        let name = project.flatMap { $0.optionalString("linear_url") ?? $0.optionalString("linear_project_id") }
        throw BundleError(.conflict, "conversation \(conversationID) is locked: it has the Linear project \(name ?? "made from it"); "
                          + "its draft and chat can no longer change")
    }

    /// Whether the conversation is locked (false for a missing one).
    package static func isLocked(_ sql: any SQLExecutor, conversationID: Int) throws -> Bool {
        try sql.queryOne("SELECT is_locked FROM workspace_conversations WHERE id = ?", conversationID)?.bool("is_locked") ?? false
    }
}
