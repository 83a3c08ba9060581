import Core
import Providers

/// The `project_draft` prompt type: the built-in system prompt that turns a conversation and its
/// summary into a project draft (title; description in Markdown: problem, goals, scope,
/// milestones, open questions), and the user prompt that carries the conversation. The answer's
/// parts come back as JSON (`ProjectDraftTask.Output`) and are rendered to Markdown locally, so
/// the headings are always the same whatever the model or a custom system prompt does.
package enum ProjectDraftPrompt {
    package static let type = "project_draft"

    package static let promptType = LLMPromptType(name: type, purpose: "Drafts a project (title and Markdown description) from a conversation and its summary.",
                                                  defaultSystem: system)

    static let system = """
        You turn a conversation between a person and an AI assistant into a project draft for a team's tracker. \
        Answer with JSON only, in the conversation's language. \
        "title": a short project name (at most 80 characters, no trailing period). \
        "problem": two to four sentences on the need or problem the conversation is about. \
        "goals": the outcomes that would count as success, one short sentence each. \
        "scope": what the work includes, and what it leaves out prefixed with "Out of scope:". \
        "milestones": the steps in order, each a deliverable. \
        "open_questions": what is still undecided or unknown, as questions. \
        Use only what the conversation and its summary say or plainly imply; never invent names, dates or figures. \
        Lists may be empty when the conversation gives nothing for them.
        """

    /// The user prompt: the title, the summary when there is one, and the transcript (already cut
    /// to its budget by the caller, which says so in `transcriptNote`).
    static func user(title: String, summary: String?, transcript: String, transcriptNote: String?) -> String {
        var parts = ["Conversation title: \(title)"]
        if let summary, !summary.isEmpty { parts.append("Summary of the conversation:\n\(summary)") }
        parts.append("Transcript\(transcriptNote.map { " (\($0))" } ?? ""):\n\(transcript)")
        parts.append("Write the project draft for this conversation.")
        return parts.joined(separator: "\n\n")
    }
}
