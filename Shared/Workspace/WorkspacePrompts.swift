import Providers

/// The workspace's prompt types, each declared next to the task that uses it. The routes under
/// `/api/llm-prompts` and `/api/llm-defaults` accept these names.
package enum WorkspacePrompts {
    package static let all: [LLMPromptType] = [ChatSummaryPrompt.promptType, ProjectDraftPrompt.promptType, DraftChatPrompt.promptType]

    package static func type(named name: String) -> LLMPromptType? {
        all.first { $0.name == name }
    }
}
