import Store

/// The chat about a project draft: its messages, in order.
///
/// SKELETON (chat helper): `workspace_chat_messages`.
package enum DraftChatSchema {
    package static let migrations: [Migration] = []
}
