import Core
import Providers

/// The offline provider's prep, from rules and templates: insights from the sources, ranked by
/// the steering weights; hooks from the freshest news; competitors the sources name; drafts that
/// meet the same rules a model's answer must (80 to 150 words, two or three hooks, two questions).
extension SynthesisTask {
    package func offlineAnswer() -> Output {
        let company = meeting.company ?? "your team"
        let firstName = externalAttendee?.name?.split(separator: " ").first.map(String.init) ?? "there"
        var ranked: [(weight: Double, source: SearchResult, category: String)] = []
        for (weight, category, name) in [(steering.weights.news, enrichment.news, "news"), (steering.weights.rolePains, enrichment.rolePains, "role"),
                                         (steering.weights.competitors, enrichment.competitors, "competitors")] {
            for (index, source) in category.sources.enumerated() { ranked.append((weight / Double(index + 1), source, name)) }
        }
        ranked.sort { $0.weight > $1.weight }
        var insights = ranked.prefix(5).enumerated().map { index, item in
            Insight(text: Self.sentence(item.source.title),
                    why: item.category == "news" ? "Recent news about \(company) gives the call a timely opening."
                        : item.category == "role" ? "It names a pain people in this role report, which our product addresses."
                        : "It shows who \(company) compares us with.",
                    priority: min(5, index + 1), sourceURL: item.source.url)
        }
        if insights.isEmpty {
            insights = steering.keyPains.prefix(3).enumerated().map { index, pain in
                Insight(text: "Check whether \(company) feels this pain: \(pain.lowercased()).", why: "A key pain from the steering profile; no research was found.",
                        priority: index + 1, sourceURL: nil)
            }
        }
        var hooks = (enrichment.news.sources + enrichment.rolePains.sources).prefix(3).map {
            Hook(hook: "I saw \"\(Self.clip($0.title, words: 12))\"", sourceURL: $0.url)
        }
        let fallbackHooks = ["Teams like \(company) often struggle with \(steering.keyPains.first?.lowercased() ?? "meeting preparation")",
                             "We help teams like \(company) prepare faster for customer calls"]
        for text in fallbackHooks where hooks.count < 2 { hooks.append(Hook(hook: text, sourceURL: nil)) }
        let sourcesText = (enrichment.competitors.sources + enrichment.news.sources).map { $0.title + " " + $0.snippet }.joined(separator: " ")
        let competitors = steering.competitors.filter { sourcesText.localizedLowercaseContains($0) }.map {
            Competitor(name: $0, positioning: "Named in research about \(company); ask how they compare.")
        }
        let used = Array(hooks.prefix(2).map(\.hook))
        var body = "Hi \(firstName), looking forward to our call. \(used[0]). \(used[1]). "
            + "How do your reps research an account before a call today? Which part of that work would you most like to take off their plate? "
            + "I would like to understand where the time goes for your team, and share how we approach it. "
        var filler = ["I will keep it practical and bring one or two examples from similar teams.", "If anything else is on your mind, tell me and I will fold it in.",
                      "Happy to adjust the agenda to what matters most to you.", "Talk soon."]
        while TextRules.wordCount(body) < 80, !filler.isEmpty { body += filler.removeFirst() + " " }
        body = TextRules.truncate(body.trimmingWhitespace(), words: 150)
        if body.filter({ $0 == "?" }).count != 2 { body = body.replacingQuestionMarks(keeping: 2) }
        let followUp = """
            Hi \(firstName), thank you for your time today. As promised, here is a summary: [[what we agreed]]. \
            The next step is [[next step and date]]. I will send [[materials promised]] by [[date]]. Best regards
            """
        return Output(insights: insights, hooks: hooks, competitors: competitors,
                      preMeetingDraft: Draft(subject: "Ahead of our call: \(meeting.title)".prefix(150).description, body: body),
                      hooksUsed: used, followUpDraft: Draft(subject: "Follow-up: \(meeting.title)".prefix(150).description, body: followUp))
    }

    static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingWhitespace()
        return trimmed.hasSuffix(".") ? trimmed : trimmed + "."
    }

    static func clip(_ text: String, words: Int) -> String {
        TextRules.truncate(text.trimmingWhitespace(), words: words).replacingOccurrencesOfDots()
    }
}

extension String {
    func localizedLowercaseContains(_ other: String) -> Bool { lowercased().contains(other.lowercased()) }

    /// Titles end sentences of their own; a trailing period inside quotes would double up.
    func replacingOccurrencesOfDots() -> String {
        var text = self
        while text.hasSuffix(".") || text.hasSuffix("…") { text.removeLast() }
        return text
    }

    /// Keeps the first `count` question marks and turns the rest into periods.
    func replacingQuestionMarks(keeping count: Int) -> String {
        var seen = 0
        return String(map { character in
            guard character == "?" else { return character }
            seen += 1
            return seen <= count ? character : "."
        })
    }
}
