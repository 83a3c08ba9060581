import Core
import Providers

/// `score_relevance`: how relevant one event is to one prospect, 0–100, with one sentence why.
/// The offline answer adds up what the event and the prospect share: the industry (35), a target
/// role in the title (25), featured solutions the research recommends (10 each, at most 25) and
/// pains the event's text speaks to (5 each, at most 15); targets the event leaves open count
/// part (15 and 10). Deterministic, so the same data always ranks the same way.
package struct EventRelevanceTask: StructuredTask {
    package struct Output: Codable, Sendable, Equatable {
        package var score: Int
        package var reason: String

        package init(score: Int, reason: String) {
            self.score = score
            self.reason = reason
        }
    }

    package let event: SalesEvent
    package let candidate: EventCandidate

    package init(event: SalesEvent, candidate: EventCandidate) {
        self.event = event
        self.candidate = candidate
    }

    package let step = "score_relevance"
    package let schemaName = "event_relevance"
    package var maxTokens: Int { 200 }
    package var schema: JSONValue { Self.outputSchema }

    package static let outputSchema: JSONValue = Schema.object([
        "score": Schema.integer("0 (irrelevant) to 100 (the event is made for this person)", minimum: 0, maximum: 100),
        "reason": Schema.string("One sentence", minLength: 1, maxLength: 300),
    ])

    package var system: String {
        """
        You decide how relevant an event is to one prospect of an AWS account manager. Score 0 to 100 (70 or more: worth \
        an invitation) and give one sentence why, naming what they share (industry, role, solutions, pains). Use only \
        the facts given.
        """
    }

    package var prompt: String {
        let research = candidate.research
        return """
        Event: \(event.title) (\(event.eventType), \(event.eventDate)\(event.location.map { ", " + $0 } ?? ""))
        \(String(event.description.prefix(1500)))
        Target industries: \(Self.list(event.targetIndustries))
        Target roles: \(Self.list(event.targetRoles))
        Featured solutions: \(Self.list(event.featuredSolutions))

        Prospect: \(candidate.fullName), \(candidate.title) at \(candidate.companyName)
        Industry: \(candidate.industry ?? "unknown")
        Research summary: \(research?.summary ?? "no research yet")
        Pains: \(Self.list(research?.painPoints ?? []))
        Recommended solutions: \(Self.list(research?.solutions ?? []))
        """
    }

    package func validate(_ output: Output) -> [ErrorDetail] {
        // One sentence: no ". " followed by a capital before the end ("Acme Inc. and" passes;
        // an abbreviation before a capital is rare enough to ask again for).
        let characters = Array(output.reason.trimmingWhitespace())
        let second = characters.indices.dropLast(2).contains { index in
            ".!?".contains(characters[index]) && characters[index + 1] == " " && characters[index + 2].isUppercase
        }
        return second ? [ErrorDetail(field: "$.reason", problem: "must be one sentence")] : []
    }

    static func list(_ items: [String]) -> String { items.isEmpty ? "none given" : items.joined(separator: ", ") }

    package func offlineAnswer() -> Output {
        let audience = EventAudience(event: event)
        var score = 0
        var shared: [String] = []
        if audience.industries.isEmpty {
            score += 15
        } else if audience.matchesIndustry(candidate.industry) {
            score += 35
            shared.append("the \(candidate.industry ?? "") industry")
        }
        if audience.roles.isEmpty {
            score += 10
        } else if audience.matchesRole(candidate.title) {
            score += 25
            shared.append("a \(candidate.title) role")
        }
        let recommended = candidate.research?.solutions ?? []
        let solutions = event.featuredSolutions.filter { featured in recommended.contains { Self.sameSolution(featured, $0) } }
        score += min(25, solutions.count * 10)
        if !solutions.isEmpty { shared.append("the recommended " + solutions.prefix(3).joined(separator: " and ")) }
        let eventWords = Set(EventAudience.words(event.title + " " + event.description + " " + event.featuredSolutions.joined(separator: " "))
            .filter { $0.count >= 5 })
        let pains = (candidate.research?.painPoints ?? []).filter { pain in EventAudience.words(pain).contains { eventWords.contains($0) } }
        score += min(15, pains.count * 5)
        if !pains.isEmpty { shared.append("pains it speaks to (\(pains[0].lowercased()))") }
        let who = "\(candidate.fullName) (\(candidate.title) at \(candidate.companyName))"
        let reason = shared.isEmpty
            ? "\(who) shares nothing the event targets."
            : "\(who) shares " + Self.joined(shared) + " with \(event.title)."
        return Output(score: min(100, score), reason: String(Self.oneSentence(reason).prefix(300)))
    }

    /// "Amazon EKS" and "EKS" are one solution: either name holds the other's words.
    static func sameSolution(_ left: String, _ right: String) -> Bool {
        let (a, b) = (Set(EventAudience.words(left)), Set(EventAudience.words(right)))
        guard !a.isEmpty, !b.isEmpty else { return false }
        return a.isSubset(of: b) || b.isSubset(of: a)
    }

    static func joined(_ parts: [String]) -> String {
        parts.count <= 1 ? parts.joined() : parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
    }

    /// Sentence ends inside names or pains ("Inc. builds") would read as two sentences.
    static func oneSentence(_ text: String) -> String {
        var result = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if ".!?".contains(character), index < characters.count - 1, characters[index + 1] == " " { continue }
            result.append(character)
        }
        return result
    }
}
