import Core

/// Small text heuristics for offline answers: sentence and word splitting, keyword frequency,
/// action cues and a sentiment lexicon.
package enum TextRules {
    package static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character == "\n" && (index + 1 < characters.count && characters[index + 1] == "\n" || current.hasPrefix("-")) {
                flush(&current, into: &result)
                continue
            }
            current.append(character == "\n" ? " " : character)
            if ".!?".contains(character), index + 1 == characters.count || characters[index + 1].isWhitespace {
                flush(&current, into: &result)
            }
        }
        flush(&current, into: &result)
        return result
    }

    private static func flush(_ current: inout String, into result: inout [String]) {
        var sentence = current.trimmingWhitespace()
        while let first = sentence.first, "-*•".contains(first) { sentence = String(sentence.dropFirst()).trimmingWhitespace() }
        if words(sentence).count >= 2 { result.append(sentence) }
        current = ""
    }

    package static func words(_ text: String) -> [String] {
        Words.split(text, keeping: ["'", "-"])
    }

    package static let stopwords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he", "her", "his", "i",
        "in", "is", "it", "its", "of", "on", "or", "our", "she", "so", "that", "the", "their", "them", "they", "this",
        "to", "was", "we", "were", "will", "with", "you", "your", "not", "can", "do", "does", "did", "been", "also",
        "about", "into", "than", "then", "there", "these", "those", "which", "who", "what", "when", "would", "should",
        "could", "all", "any", "more", "most", "some", "such", "very", "just", "us", "my", "me", "if", "up", "out",
    ]

    package static func keywordFrequencies(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for word in words(text) {
            let lower = word.lowercased()
            if lower.count > 2, !stopwords.contains(lower) { counts[lower, default: 0] += 1 }
        }
        return counts
    }

    /// Words as a reader counts them: runs of text between white space ("12.5%" is one word).
    /// Truncation and the length rules both use this count, so an offline answer always passes.
    package static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    package static func truncate(_ text: String, words limit: Int) -> String {
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count > limit else { return text }
        return parts.prefix(limit).joined(separator: " ") + "…"
    }

    /// The first words of the first sentence, at most 8 words and 100 characters.
    package static func title(_ sentence: String) -> String {
        var title = truncate(sentence, words: 8)
        if title.count > 100 { title = String(title.prefix(99)) + "…" }
        while let last = title.last, ".!?,;:…".contains(last) { title.removeLast() }
        return title.isEmpty ? "Brief" : title
    }

    private static let actionCues = [
        "need to", "needs to", "must", "should", "will ", "let's", "please", "todo", "to do", "follow up", "follow-up",
        "next step", "schedule", "send ", "share ", "prepare", "set up", "book ",
    ]

    package static func isActionItem(_ sentence: String) -> Bool {
        let lower = " " + sentence.lowercased()
        return actionCues.contains { lower.contains($0) }
    }

    private static let positive: Set<String> = [
        "good", "great", "excellent", "happy", "pleased", "success", "successful", "win", "won", "growth", "improve",
        "improved", "love", "excited", "positive", "agree", "agreed", "strong", "progress", "ahead", "thanks", "helpful",
    ]
    private static let negative: Set<String> = [
        "bad", "poor", "problem", "problems", "issue", "issues", "risk", "delay", "delayed", "late", "fail", "failed",
        "failure", "concern", "concerns", "worried", "unhappy", "negative", "churn", "lost", "loss", "blocker", "blocked",
        "angry", "frustrated", "decline", "declined", "cut", "cuts",
    ]

    package static func sentiment(_ text: String) -> String {
        var balance = 0
        for word in words(text) {
            let lower = word.lowercased()
            if positive.contains(lower) { balance += 1 }
            if negative.contains(lower) { balance -= 1 }
        }
        return balance >= 2 ? "positive" : balance <= -2 ? "negative" : "neutral"
    }
}
