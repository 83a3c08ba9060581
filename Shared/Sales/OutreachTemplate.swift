import Core
import Providers

/// The offline rules' email body: template sentences from the context and the strategy, sized to
/// the checks' 150–200 words (optional sentences dropped from the end when too long, neutral
/// ones added when too short), every sentence that would fail a check (a claim, a link that is
/// not a source, another event) left out, so the offline answer always passes its own checks.
enum OutreachTemplate {
    static func body(context: OutreachContext, strategy: OutreachStrategy, checks: OutreachChecks) -> String {
        let company = context.companyName
        let industry = context.prospect.industry ?? context.company?.industry
        let greeting = "Hi \(context.firstName),"
        var opening: String
        var closing: String
        if let event = context.event {
            let date = OutreachChecks.readableDate(event.date) ?? event.date
            opening = "I would like to invite you to \(event.title) on \(date)\(event.location.map { " in \($0)" } ?? ""), "
                + "which I think is relevant for \(company)."
            closing = "Would you like me to reserve a seat for you at \(event.title) on \(date)?"
        } else {
            opening = "I have been following \(company)\(industry.map { " and its work in \($0.lowercased())" } ?? "") "
                + "and wanted to reach out with a few ideas."
            closing = "Would you have 30 minutes in the next two weeks to talk about \(company)'s plans?"
        }
        var optional: [String] = []
        if let event = context.event, let first = TextRules.sentences(event.description).first {
            optional.append(TextRules.truncate(first, words: 30))
        }
        if let pain = context.research?.painPoints.first {
            optional.append("One challenge we noticed at \(company): \(Self.lowered(pain)).")
        }
        let descriptions = Dictionary((context.research?.solutions ?? []).map { ($0.name.lowercased(), $0.description) }, uniquingKeysWith: { first, _ in first })
        for (index, solution) in strategy.solutions.prefix(2).enumerated() {
            var what = descriptions[solution.lowercased()].map { TextRules.truncate(TextRules.sentences($0).first ?? $0, words: 20) } ?? ""
            while let last = what.last, ".!?…".contains(last) { what.removeLast() }
            let named = what.isEmpty ? solution : "\(solution) (\(Self.lowered(what)))"
            optional.append(named + (index == 0 ? " could help here." : " is also worth a look."))
        }
        for proof in strategy.proofPoints.prefix(2) {
            let link = proof.source.hasPrefix("http") ? " (\(proof.source))" : ""
            optional.append(TextRules.truncate(proof.point, words: 30) + link)
        }
        let fillers = [
            "Our team works with \(industry.map { "\($0.lowercased()) " } ?? "")companies on similar questions, and we usually start with a short working session to map the current setup.",
            "The aim would be to agree on one small, measurable first step for \(company) rather than a large programme.",
            "I can share how other teams approached the same questions and what they learned along the way, including what did not work.",
            "If it is useful, I can also bring a solutions architect who knows \(strategy.solutions.first ?? "these services") well and can answer detailed questions.",
            "There is no preparation needed on your side; a short conversation is usually enough to see whether this is worth pursuing further.",
            "We would keep it practical and focused on the priorities your team has already set for the coming year.",
            "Whatever you decide, I am happy to send a short written summary afterwards so your colleagues can review it in their own time.",
        ]
        // A sentence that would fail a check is left out rather than repaired.
        let clean = { (sentence: String) in checks.common(sentence, field: "$").isEmpty }
        var middle = optional.filter(clean)
        let extra = fillers.filter(clean)
        func text(_ middle: [String]) -> String {
            ([greeting, ""] + [([opening] + middle + [closing]).joined(separator: " ")] + ["", "Best regards"]).joined(separator: "\n")
        }
        while TextRules.wordCount(text(middle)) > OutreachChecks.words.upperBound, !middle.isEmpty { middle.removeLast() }
        for filler in extra where TextRules.wordCount(text(middle)) < OutreachChecks.words.lowerBound {
            if TextRules.wordCount(text(middle + [filler])) <= OutreachChecks.words.upperBound { middle.append(filler) }
        }
        return text(middle)
    }

    /// A pain as the middle of a sentence: its first letter lower-cased unless it is an acronym.
    static func lowered(_ text: String) -> String {
        var trimmed = text.trimmingWhitespace()
        while trimmed.last == "." { trimmed.removeLast() }
        guard let first = trimmed.first, trimmed.count > 1 else { return trimmed }
        let second = trimmed[trimmed.index(after: trimmed.startIndex)]
        return second.isUppercase ? trimmed : first.lowercased() + trimmed.dropFirst()
    }
}
