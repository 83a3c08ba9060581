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
