import Core
import Providers

/// The `chat` prompt type: the built-in system prompt of the chat about a project draft, which
/// may call `update_project_draft` and `create_linear_project`, and the context a turn adds to
/// the active prompt (the draft as it is now, the conversation's summary, its files' text), bounded.
package enum DraftChatPrompt {
    package static let type = "chat"

    package static let promptType = LLMPromptType(name: type, purpose: "Chats with a person about their project draft and edits it with tools.",
                                                  defaultSystem: system)

    /// The most of the summary the system text carries. The draft's description is carried whole
    /// (it is at most `ProjectDraftLimits.description`): the model is told to keep the sections it
    /// does not change word for word, which it cannot do with a cut copy.
    static let maximumSummary = 4_000

    static let system = """
        You help a person refine the project draft made from one of their conversations with an AI assistant. \
        The draft has a title and a Markdown description with the sections Problem, Goals, Scope, Milestones \
        and Open questions.

        Answer briefly and concretely, in the person's language. When they ask for a change to the draft \
        (a new title, a section rewritten, a milestone added or removed), make it with the update_project_draft \
        tool: pass the new title, or the whole new description (keep every section they did not ask to change, \
        word for word), then say in one or two sentences what changed. Do not call the tool for questions or \
        suggestions the person has not accepted; suggest instead.

        Call create_linear_project only when the person explicitly asks to create the project in Linear, with \
        the draft's title and description as they are then. After it the conversation is locked: the draft \
        cannot change any more, so say so.

        If a tool fails, tell the person what went wrong in plain words and do not pretend the change was made.
        """

    /// The most of one attached file's text, and of all files' texts together, the system text carries.
    static let maximumFileText = 6_000
    static let maximumFilesText = 16_000

    /// The active prompt's text followed by the draft, when ready the summary, and the text of
    /// the files attached to the conversation (each named by its filename; already bounded by
    /// `maximumFileText` and `maximumFilesText` when read).
    static func system(prompt: ActivePrompt, draft: ProjectDraft, summary: String?, files: [ConversationFileStore.Text] = []) -> String {
        var text = prompt.system
        text += "\n\nThe project draft now (version \(draft.active.versionNumber)):\nTitle: \(draft.active.title)\nDescription:\n"
        text += draft.active.description
        if let summary, !summary.isEmpty {
            text += "\n\nSummary of the conversation the draft was made from:\n" + bounded(summary, maximumSummary)
        }
        if !files.isEmpty {
            text += "\n\nFiles attached to the conversation (their text, possibly cut):"
            for file in files { text += "\n\n--- File: \(file.filename) ---\n" + file.text }
        }
        return text
    }

    private static func bounded(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "\n[…cut]"
    }
}
