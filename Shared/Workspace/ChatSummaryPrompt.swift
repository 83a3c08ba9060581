import Core
import Providers

/// The `summary` prompt type: its texts and version, in one place, so the version recorded on
/// every summary and LLM call always names the words that made it. A person's custom prompt
/// (`/api/llm-prompts/summary`) replaces `system` and brings its own version (`custom-<id>`).
package enum ChatSummaryPrompt {
    package static let type = "summary"
    /// The built-in system text's version (`default-<hash>`): a changed text is a new version.
    package static var version: String { promptType.defaultVersion }
    /// What summaries made before prompt versions were hashes recorded (the built-in text then).
    package static let legacyVersion = "summary-v1"
    /// The built-in text's version when `legacyVersion` was recorded: such a summary is current
    /// only while the default still has this version (the text is unchanged).
    static let legacyTextVersion = "default-6f032b0e"

    /// Whether a summary recorded with `recorded` was made with the prompt whose version is `active`.
    package static func sameVersion(_ recorded: String?, _ active: String) -> Bool {
        recorded == active || recorded == legacyVersion && active == legacyTextVersion
    }

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
