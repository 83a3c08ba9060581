import Core
import Providers

/// The offline provider's prep, from rules and templates: insights from the sources (only those
/// about this company, see `SynthesisTask.init`), ranked by the steering weights; hooks from the
/// freshest news; competitors the sources name; drafts in plain sentences that meet the same rules
/// a model's answer must (80 to 150 words, two or three hooks, two questions).
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
        let (hooks, sentences) = offlineHooks(company: meeting.company)
        let sourcesText = (enrichment.competitors.sources + enrichment.news.sources).map { $0.title + " " + $0.snippet }.joined(separator: " ")
        let competitors = steering.competitors.filter { sourcesText.localizedLowercaseContains($0) }.map {
            Competitor(name: $0, positioning: "Named in research about \(company); ask how they compare.")
        }
        let used = Array(hooks.prefix(2).map(\.hook))
        let sender = meeting.attendees.first(where: \.isOrganizer)?.name?.split(separator: " ").first.map(String.init)
        var paragraphs = ["Hi \(firstName),",
                          "Thanks for making time for our call. " + sentences.prefix(2).joined(separator: " "),
                          "We build " + Self.lowercasingFirst(Self.sentence(steering.productFocus)) + " Two questions so we can make the most "
                            + "of our time: how does your team research an account before a call today? And which part of that work would you "
                            + "most like to take off their plate?"]
        var closing = "I will keep it practical and bring one or two examples from similar teams."
        var filler = ["If anything else is on your mind, tell me and I will fold it in.", "Happy to adjust the agenda to what matters most to you."]
        while TextRules.wordCount((paragraphs + [closing]).joined(separator: " ")) < 80, !filler.isEmpty { closing += " " + filler.removeFirst() }
        paragraphs.append(closing)
        paragraphs.append("Best regards," + (sender.map { "\n" + $0 } ?? ""))
        var body = paragraphs.joined(separator: "\n\n")
        if TextRules.wordCount(body) > 150 { body = TextRules.truncate(body, words: 150) }
        if body.filter({ $0 == "?" }).count != 2 { body = body.replacingQuestionMarks(keeping: 2) }
        let followUp = """
            Hi \(firstName), thank you for your time today. As promised, here is a summary: [[what we agreed]]. \
            The next step is [[next step and date]]. I will send [[materials promised]] by [[date]]. Best regards
            """
        return Output(insights: insights, hooks: hooks, competitors: competitors,
                      preMeetingDraft: Draft(subject: "Ahead of our call: \(meeting.title)".prefix(150).description, body: body),
                      hooksUsed: used, followUpDraft: Draft(subject: "Follow-up: \(meeting.title)".prefix(150).description, body: followUp))
    }

    /// Hooks and the sentences of the draft that use them, as a person would write them: the
    /// company's news first ("I saw the news that …"), then a piece about the role, then, without
    /// research, the pains the steering profile names. Always at least two.
    func offlineHooks(company: String?) -> (hooks: [Hook], sentences: [String]) {
        var hooks: [Hook] = []
        var sentences: [String] = []
        // Headlines that read as sentences about the company make the better openers.
        let news = enrichment.news.sources.filter { Self.isStatement($0.title, about: company) }
            + enrichment.news.sources.filter { !Self.isStatement($0.title, about: company) }
        for (index, source) in news.prefix(2).enumerated() {
            let headline = Self.clip(source.title, words: 14)
            hooks.append(Hook(hook: headline, sourceURL: source.url))
            if Self.isStatement(headline, about: company) {
                sentences.append((index == 0 ? "I saw the news that " : "I also read that ") + headline + ".")
            } else {
                sentences.append(index == 0 ? "I read \u{201C}\(headline)\u{201D} with interest." : "I also came across \u{201C}\(headline)\u{201D}.")
            }
        }
        for source in enrichment.rolePains.sources.prefix(2 - min(2, hooks.count)) {
            let headline = Self.clip(source.title, words: 14)
            hooks.append(Hook(hook: headline, sourceURL: source.url))
            sentences.append("A piece I read recently, \u{201C}\(headline)\u{201D}, matches what we hear from teams like yours.")
        }
        let who = company.map { "teams like \($0)" } ?? "teams we talk to"
        let pains = steering.keyPains.isEmpty ? ["Meeting preparation takes too long"] : steering.keyPains
        for pain in pains where hooks.count < 2 {
            let hook = "Many \(who) tell us that \(Self.lowercasingFirst(pain).replacingOccurrencesOfDots())"
            hooks.append(Hook(hook: hook, sourceURL: nil))
            sentences.append(hook + ".")
        }
        if hooks.count < 2 {
            let hook = "We help \(who) prepare for customer calls"
            hooks.append(Hook(hook: hook, sourceURL: nil))
            sentences.append(hook + ".")
        }
        return (hooks, sentences)
    }

    /// Whether a headline reads as a sentence about the company ("Northwind Logistics hires a new
    /// CFO"), which "I saw the news that …" can carry, rather than a title ("Northwind Logistics
    /// competitors and alternatives"), which is quoted instead.
    static func isStatement(_ headline: String, about company: String?) -> Bool {
        guard let company else { return false }
        // The company as the headline names it: in full, or by its distinctive first word.
        let lower = headline.lowercased()
        guard let name = Self.names(of: company).map({ $0.joined(separator: " ") }).first(where: { lower.hasPrefix($0 + " ") }) else { return false }
        let next = String(lower.dropFirst(name.count + 1).prefix { $0.isLetter })
        let nouns: Set<String> = ["competitors", "alternatives", "reviews", "jobs", "news", "products", "services", "customers", "careers",
                                  "partners", "investors", "locations", "prices", "ratings", "insights", "updates", "events", "stores"]
        return (next.hasSuffix("s") && !next.hasSuffix("ss") && !nouns.contains(next)) || next.hasSuffix("ed")
    }

    /// "Reps walk into calls" → "reps walk into calls", "An AI assistant" → "an AI assistant"; a
    /// word in capitals ("VP") or a name ("Northwind Logistics", a Title Case headline) keeps its case.
    static func lowercasingFirst(_ text: String) -> String {
        let words = text.split(separator: " ", maxSplits: 2)
        guard let first = words.first, first.count > 1, first.dropFirst().allSatisfy({ !$0.isUppercase }) else { return text }
        if words.count > 1, words[1].first?.isUppercase == true, !words[1].allSatisfy({ $0.isUppercase || !$0.isLetter }) { return text }
        return first.prefix(1).lowercased() + text.dropFirst()
    }

    static func sentence(_ text: String) -> String {
        let trimmed = text.trimmingWhitespace()
        return trimmed.hasSuffix(".") ? trimmed : trimmed + "."
    }

    static func clip(_ text: String, words: Int) -> String {
        // A question mark in a headline would count as one of the draft's two questions.
        TextRules.truncate(text.trimmingWhitespace(), words: words).replacingOccurrencesOfDots().filter { $0 != "?" }
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
