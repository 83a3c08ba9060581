import Core
import Providers

/// The `chat` prompt type: the built-in system prompt of the chat about a project draft, which
/// may call `update_project_draft` and `create_linear_project`.
///
/// SKELETON (chat helper): the real text.
package enum DraftChatPrompt {
    package static let type = "chat"

    package static let promptType = LLMPromptType(name: type, purpose: "Chats with a person about their project draft and edits it with tools.",
                                                  defaultSystem: system)

    static let system = """
        You help a person refine the project draft made from one of their conversations.
        """
}
