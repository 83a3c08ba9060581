import Core
import Store

/// A conversation with a Linear project is locked: its draft and chat refuse changes.
///
/// SKELETON (drafts helper).
package enum ConversationLock {
    /// Throws `not_found` for a missing conversation and `conflict` (naming the Linear project)
    /// for a locked one. Call it inside the write transaction that makes the change.
    package static func requireUnlocked(_ sql: any SQLExecutor, conversationID: Int) throws {
    }
}
