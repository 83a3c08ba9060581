import Core
import Providers

/// One LLM call of a chat summary: the whole of a short chat, one part of a long one (map), or
/// part summaries combined (reduce). The step recorded in `llm_calls` names the mode
/// (`summary.map`); the prompt version has a column of its own. The system text is the active
/// `summary` prompt (a person's, or the built-in one). Offline, the answer is an extractive
/// summary (`ExtractiveSummary`) of the same text.
package struct ChatSummaryTask: StructuredTask {
    package enum Mode: String, Sendable { case whole, map, reduce }

    package struct Output: Codable, Sendable, Equatable {
        package var summary: String
    }

    package let mode: Mode
    package let title: String
    /// The chat text (whole, map) or the part summaries (reduce).
    package let texts: [String]
    package let part: Int
    package let parts: Int
    package let isFinal: Bool
    package let system: String

    package init(mode: Mode, title: String, texts: [String], part: Int = 1, parts: Int = 1, isFinal: Bool = true,
                 system: String = ChatSummaryPrompt.system) {
        self.system = system
        self.mode = mode
        self.title = title
        self.texts = texts
        self.part = part
        self.parts = parts
        self.isFinal = isFinal
    }

    package static let maxSummary = 6_000

    package var step: String { "\(ChatSummaryPrompt.type).\(mode.rawValue)" }
    package let schemaName = "chat_summary"
    package var schema: JSONValue { Self.outputSchema }
    package var maxTokens: Int { mode == .map ? 600 : 1200 }

    package static let outputSchema: JSONValue = Schema.object([
        "summary": Schema.string("Plain prose, no headings", minLength: 1, maxLength: maxSummary),
    ])

    package var prompt: String {
        switch mode {
        case .whole: ChatSummaryPrompt.whole(title: title, text: texts.joined(separator: "\n\n"))
        case .map: ChatSummaryPrompt.map(title: title, text: texts.joined(separator: "\n\n"), part: part, of: parts)
        case .reduce: ChatSummaryPrompt.reduce(title: title, summaries: texts, isFinal: isFinal)
        }
    }

    package func validate(_ output: Output) -> [ErrorDetail] {
        output.summary.trimmingWhitespace().isEmpty ? [ErrorDetail(field: "$.summary", problem: "must not be blank")] : []
    }

    /// Sentences chosen from the text: 5 for a whole chat, 3 per part, 6 (4 below the top) when combining.
    package func offlineAnswer() -> Output {
        let limit = switch mode {
        case .whole: 5
        case .map: 3
        case .reduce: isFinal ? 6 : 4
        }
        let text = texts.joined(separator: "\n\n")
        var summary = ExtractiveSummary.summary(text, limit: limit)
        if summary.isEmpty {
            // No sentence of four words or more: the start of the text, without role prefixes.
            let start = ExtractiveSummary.candidateSentences(text).joined(separator: " ")
            summary = start.isEmpty ? text.trimmingWhitespace() : start
            if summary.count > 400 { summary = String(summary.prefix(399)) + "…" }
        }
        if summary.isEmpty { summary = "(the conversation has no text)" }
        return Output(summary: String(summary.prefix(Self.maxSummary)))
    }
}
