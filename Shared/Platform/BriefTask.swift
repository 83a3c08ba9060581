import Core
import Providers

/// Turns free text (meeting notes, an email thread) into a short brief: title, summary, key
/// points, action items and overall sentiment. `llm-check` uses it to prove a provider works end
/// to end; its offline rules are a plain extractive summariser.
package struct BriefTask: StructuredTask {
    package struct Output: Codable, Sendable, Hashable {
        package var title: String
        package var summary: String
        package var keyPoints: [String]
        package var actionItems: [String]
        package var sentiment: String

        package init(title: String, summary: String, keyPoints: [String], actionItems: [String], sentiment: String) {
            self.title = title
            self.summary = summary
            self.keyPoints = keyPoints
            self.actionItems = actionItems
            self.sentiment = sentiment
        }

        enum CodingKeys: String, CodingKey {
            case title, summary, sentiment
            case keyPoints = "key_points"
            case actionItems = "action_items"
        }
    }

    package let text: String

    package init(text: String) {
        self.text = text
    }

    package let step = "check.brief"
    package let schemaName = "brief"
    package var schema: JSONValue { Self.outputSchema }

    package static let outputSchema: JSONValue = Schema.object([
        "title": Schema.string("At most 10 words", minLength: 1, maxLength: 120),
        "summary": Schema.string("One to three sentences, at most 80 words", minLength: 1),
        "key_points": Schema.array(Schema.string(minLength: 1), "The most important facts", minItems: 1, maxItems: 5),
        "action_items": Schema.array(Schema.string(minLength: 1), "Concrete next steps stated or implied", maxItems: 5),
        "sentiment": Schema.string(enum: ["positive", "neutral", "negative"]),
    ])

    package var system: String {
        """
        You write briefs for busy people. Be factual: use only what the text says, invent nothing.
        The title has at most 10 words; the summary at most 80 words; up to 5 key points and up to
        5 action items, each one short sentence.
        """
    }

    package var prompt: String { "Write the brief for this text:\n\n\(text)" }

    package func validate(_ output: Output) -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        if TextRules.wordCount(output.title) > 10 {
            problems.append(ErrorDetail(field: "$.title", problem: "must have at most 10 words"))
        }
        if TextRules.wordCount(output.summary) > 80 {
            problems.append(ErrorDetail(field: "$.summary", problem: "must have at most 80 words"))
        }
        return problems
    }

    package func offlineAnswer() -> Output {
        let sentences = TextRules.sentences(text)
        guard !sentences.isEmpty else {
            return Output(title: "Empty text", summary: "The text was empty.", keyPoints: ["No content was given."],
                          actionItems: [], sentiment: "neutral")
        }
        let frequencies = TextRules.keywordFrequencies(text)
        func score(_ sentence: String) -> Double {
            let words = TextRules.words(sentence).map { $0.lowercased() }
            guard !words.isEmpty else { return 0 }
            return words.reduce(0.0) { $0 + Double(frequencies[$1] ?? 0) } / Double(words.count).squareRoot()
        }
        let ranked = sentences.enumerated().sorted { lhs, rhs in
            let (left, right) = (score(lhs.element), score(rhs.element))
            return left != right ? left > right : lhs.offset < rhs.offset
        }
        let keyPoints = ranked.prefix(3).sorted { $0.offset < $1.offset }.map { TextRules.truncate($0.element, words: 25) }
        let actions = sentences.filter(TextRules.isActionItem).prefix(5).map { TextRules.truncate($0, words: 25) }
        return Output(title: TextRules.title(sentences[0]),
                      summary: TextRules.truncate(sentences.prefix(2).joined(separator: " "), words: 60),
                      keyPoints: keyPoints, actionItems: Array(actions), sentiment: TextRules.sentiment(text))
    }
}

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
        text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "'" && $0 != "-" }).map(String.init)
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
