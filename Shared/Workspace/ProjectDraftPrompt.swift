import Core
import Providers

/// The `project_draft` prompt type: the built-in system prompt that turns a conversation and its
/// summary into a project draft (title; description in Markdown: problem, goals, scope,
/// milestones, open questions).
///
/// SKELETON (drafts helper): the real text and the prompt builders.
package enum ProjectDraftPrompt {
    package static let type = "project_draft"

    package static let promptType = LLMPromptType(name: type, purpose: "Drafts a project (title and Markdown description) from a conversation and its summary.",
                                                  defaultSystem: system)

    static let system = """
        You turn a conversation between a person and an AI assistant into a project draft.
        """
}
