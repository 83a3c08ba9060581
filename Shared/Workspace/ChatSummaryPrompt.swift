import Core
import Providers

/// The `summary` prompt type: its version and texts, in one place, so the version recorded on
/// every summary and LLM call always names the words that made it (part 2 adds custom prompts
/// per type; they replace these texts and bring their own version).
package enum ChatSummaryPrompt {
    package static let type = "summary"
    /// Bump on any change to the texts below.
    package static let version = "summary-v1"

    package static let promptType = LLMPromptType(name: type, purpose: "Summarises an imported conversation (map-reduce for long ones).",
                                                  defaultSystem: system)

    static let system = """
        You summarise a conversation between a person and an AI assistant for the person's workspace. \
        Write plain prose (no headings, no lists), in the conversation's language, stating what was asked, \
        what was concluded or decided, and what remains open. Use only what the text says; invent nothing.
        """

    /// One call for a whole short chat.
    static func whole(title: String, text: String) -> String {
        "Summarise this conversation, \"\(title)\", in at most 200 words.\n\nConversation:\n\(text)"
    }

    /// The map step: one part of a long chat.
    static func map(title: String, text: String, part: Int, of parts: Int) -> String {
        """
        This is part \(part) of \(parts) of the conversation "\(title)". Summarise this part in at most 120 words, \
        keeping names, numbers and decisions.

        Part \(part):
        \(text)
        """
    }

    /// The reduce step: summaries of consecutive parts combined into one.
    static func reduce(title: String, summaries: [String], isFinal: Bool) -> String {
        let parts = summaries.enumerated().map { "Part \($0.offset + 1): \($0.element)" }.joined(separator: "\n\n")
        let length = isFinal ? "one summary of the whole conversation in at most 250 words" : "one summary of these parts in at most 200 words"
        return "These are summaries of consecutive parts of the conversation \"\(title)\". Combine them into \(length).\n\n\(parts)"
    }
}
