import Core
import Providers

/// The offline provider's summary of a chat: real sentences chosen from it, never invented text,
/// so a machine without an LLM key still gets a useful, deterministic summary.
///
/// Scoring (documented in the README): the text is split into messages at role prefixes
/// (`user:`, `assistant:` …, which are dropped) and each message into sentences
/// (`TextRules.sentences`). Each keyword (a word of 3+ letters that is not a stopword, lower-cased)
/// counts how often it occurs in the whole text. A sentence scores the sum of its distinct
/// keywords' counts divided by the square root of its word count (so long sentences do not win by
/// length alone), plus a quarter of that for the first sentence of the text (the question a chat
/// usually opens with). Sentences of fewer than 4 or more than 80 words, and repeats, are skipped.
/// The `limit` best (ties: the earlier) are returned in the order they appear, each at most 400
/// characters. Linear in the text's length; the text is capped at `maxInput` characters first.
package enum ExtractiveSummary {
    package static let maxInput = 200_000
    static let roles: Set<String> = ["user", "assistant", "system", "tool", "human", "ai", "model", "bot", "me", "chatgpt", "claude", "grok"]

    package static func sentences(_ text: String, limit: Int) -> [String] {
        let candidates = candidateSentences(String(text.prefix(maxInput)))
        guard !candidates.isEmpty, limit > 0 else { return [] }
        let counts = TextRules.keywordFrequencies(candidates.joined(separator: " "))
        var seen: Set<String> = []
        var scored: [(index: Int, score: Double)] = []
        for (index, sentence) in candidates.enumerated() {
            let words = TextRules.words(sentence)
            guard (4...80).contains(words.count), seen.insert(sentence.lowercased()).inserted else { continue }
            let keywords = Set(words.map { $0.lowercased() }).filter { counts[$0] != nil }
            var score = Double(keywords.reduce(0) { $0 + (counts[$1] ?? 0) }) / Double(words.count).squareRoot()
            if index == 0 { score *= 1.25 }
            scored.append((index, score))
        }
        let best = scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }.prefix(limit)
        return best.map(\.index).sorted().map { clip(candidates[$0]) }
    }

    /// The summary text: the chosen sentences as one paragraph.
    package static func summary(_ text: String, limit: Int) -> String {
        sentences(text, limit: limit).joined(separator: " ")
    }

    /// Sentences in order, role prefixes removed, one message never running into the next.
    package static func candidateSentences(_ text: String) -> [String] {
        var messages: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let body = withoutRole(line) {
                if !current.isEmpty { messages.append(current) }
                current = String(body)
            } else {
                current += current.isEmpty ? String(line) : "\n" + String(line)
            }
        }
        if !current.isEmpty { messages.append(current) }
        return messages.flatMap { TextRules.sentences($0) }.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// The line after a role prefix (`assistant: …`, `**User:** …`), nil when it has none.
    static func withoutRole(_ line: Substring) -> Substring? {
        let trimmed = line.drop { $0 == " " || $0 == "*" || $0 == "#" }
        guard let colon = trimmed.prefix(24).firstIndex(of: ":") else { return nil }
        let role = trimmed[..<colon].filter { $0 != "*" }.lowercased()
        guard roles.contains(role) else { return nil }
        return trimmed[trimmed.index(after: colon)...].drop { $0 == " " || $0 == "*" }
    }

    static func clip(_ sentence: String) -> String {
        sentence.count <= 400 ? sentence : String(sentence.prefix(399)) + "…"
    }
}
