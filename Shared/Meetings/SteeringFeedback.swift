import Core
import FoundationEssentials

/// How thumbs-down notes move the profile, read as a person means them: whole words, and the
/// direction a note gives ("less news please", "no news", "I don't want news", "not interested in
/// competitors" lower a weight, "more competitors" raises that one, "news: too much" lowers it; a
/// negation just before a raising word flips it: "never add news"; "no news about the funding
/// round" says news was missing and raises it); a topic named with no direction word is raised, the
/// rule the original system had. "generic"/"vague" add a specificity rule. Each move is a bounded step,
/// every weight keeps a floor, and the weights are renormalised to sum to 1. Thumbs-up changes
/// nothing. The answer lists the rules that fired, with the words that fired them.
package enum SteeringFeedback {
    package static let step = 0.1
    package static let floor = 0.1
    package static let specificityRule = "Name one concrete fact about this company (a number, a product, a dated event) in every insight and hook."

    /// One rule that fired: what it is, the words of the notes that fired it, and what it changed.
    package struct AppliedRule: Codable, Sendable, Equatable {
        package var rule: String
        package var matched: String
        package var effect: String

        package init(rule: String, matched: String, effect: String) {
            self.rule = rule
            self.matched = matched
            self.effect = effect
        }

        package static let schema: JSONValue = Schema.object([
            "rule": Schema.string("lower <weight>, raise <weight>, raise <weight> (default: no direction word), "
                + "lower <weight> (negated raise), or add specificity rule"),
            "matched": Schema.string("The words of the notes that fired the rule"),
            "effect": Schema.string("What changed, e.g. weights.news 0.4 → 0.3"),
        ])
    }

    /// Words that name each weight (whole words; "role's" reads as "role").
    static let topics: [(key: String, words: Set<String>)] = [
        ("news", ["news", "headline", "headlines", "press", "announcement", "announcements"]),
        ("competitors", ["competitor", "competitors", "competition", "competitive", "rival", "rivals"]),
        ("role_pains", ["pain", "pains", "role", "roles", "challenges", "problems"]),
    ]
    /// Direction phrases (`true` raises), tried longest first at each word, so "no more" lowers
    /// although "more" raises, and "not enough" raises although "enough" lowers.
    static let directions: [(phrase: [String], up: Bool)] =
        [["too", "much"], ["too", "many"], ["no", "more"], ["not", "so", "much"], ["less"], ["fewer"], ["stop"], ["drop"], ["reduce"],
         ["cut"], ["skip"], ["without"], ["enough"], ["enough", "of"], ["overdone"], ["no"], ["dont", "want"], ["do", "not", "want"],
         ["dont", "need"], ["do", "not", "need"], ["not", "interested", "in"], ["not", "interested"]].map { ($0, false) }
        + [["not", "enough"], ["nothing", "about"], ["more"], ["missing"], ["lacking"], ["lacks"], ["need"], ["needs"], ["needed"],
           ["add"], ["want"], ["wanted"], ["deeper"]].map { ($0, true) }
    /// A raising phrase right after one of these lowers: "never want news", "no need for news".
    static let negations: Set<String> = ["not", "dont", "never", "no", "didnt", "doesnt", "wont", "nor"]
    /// After "no <topic>", these make it a complaint that the topic is missing: "no news about the funding round".
    static let missingMarkers: Set<String> = ["about", "on", "of", "from", "in", "at", "mentioned", "included", "whatsoever"]
    static let generic: [[String]] = [["generic"], ["vague"], ["not", "specific"], ["boilerplate"], ["bland"]]

    /// The profile after the notes, and the rules that fired.
    package static func apply(_ profile: SteeringProfile, score: Int, notes: String?) -> (profile: SteeringProfile, rules: [AppliedRule]) {
        guard score < 0, let notes, !notes.isEmpty else { return (profile, []) }
        var result = profile
        var rules: [AppliedRule] = []
        var moves: [(key: String, up: Bool, matched: String, byDefault: Bool, negated: Bool)] = []
        for clause in clauses(notes) {
            if let words = find(generic, in: clause).first {
                let added = !result.specificityRules.contains(specificityRule)
                if added { result.specificityRules.append(specificityRule) }
                rules.append(AppliedRule(rule: "add specificity rule", matched: words.text,
                                         effect: added ? "specificity_rules + \"\(specificityRule)\"" : "already in specificity_rules"))
            }
            let found = find(directions.map(\.phrase), in: clause)
            // A negation just before a raising phrase flips it ("don't add news" lowers); its words join the match.
            let directions = found.map { match -> ((start: Int, end: Int, text: String), Bool, Bool) in
                let up = Self.directions.first { $0.phrase.joined(separator: " ") == match.text }!.up
                guard up, match.start > 0, negations.contains(clause[match.start - 1]) else { return (match, up, false) }
                return ((match.start - 1, match.end, clause[match.start - 1] + " " + match.text), false, true)
            }
            for (key, words) in topics {
                guard let mention = clause.indices.first(where: { words.contains(clause[$0]) }),
                      !moves.contains(where: { $0.key == key }) else { continue }
                // The nearest direction before the topic ("less news"), else the first after it ("news: too much").
                let before = directions.filter { $0.0.end <= mention }.max { $0.0.end < $1.0.end }
                let after = directions.filter { $0.0.start > mention }.min { $0.0.start < $1.0.start }
                if let (phrase, up, negated) = before ?? after {
                    let span = min(phrase.start, mention)...max(phrase.end - 1, mention)
                    // "no news about the funding round" says the news was missing.
                    let missing = phrase.text == "no" && phrase.end == mention && mention + 1 < clause.count
                        && missingMarkers.contains(clause[mention + 1])
                    moves.append((key, up || missing, clause[span].joined(separator: " ") + (missing ? " " + clause[mention + 1] : ""),
                                  false, negated && !missing))
                } else {
                    moves.append((key, true, clause[mention], true, false))
                }
            }
        }
        for move in moves {
            let before = result.weights[move.key]
            result.weights = moved(result.weights, move.key, by: move.up ? step : -step)
            let after = result.weights[move.key]
            let name = (move.up ? "raise " : "lower ") + move.key + (move.byDefault ? " (default: no direction word)" : "")
                + (move.negated ? " (negated raise)" : "")
            let effect = before == after
                ? "weights.\(move.key) stays \(number(before)) (\(move.up ? "at its ceiling" : "at its floor"))"
                : "weights.\(move.key) \(number(before)) → \(number(after))"
            rules.append(AppliedRule(rule: name, matched: move.matched, effect: effect))
        }
        return (result, rules)
    }

    /// The profile after the notes.
    package static func adjusted(_ profile: SteeringProfile, score: Int, notes: String?) -> SteeringProfile {
        apply(profile, score: score, notes: notes).profile
    }

    /// One weight up by `step`.
    package static func raised(_ weights: SteeringProfile.Weights, _ key: String) -> SteeringProfile.Weights {
        moved(weights, key, by: step)
    }

    /// One weight moved by `delta` (within what the floors allow); the others share the rest in
    /// proportion, none below `floor`; rounded to 4 places, summing to exactly 1.
    package static func moved(_ weights: SteeringProfile.Weights, _ key: String, by delta: Double) -> SteeringProfile.Weights {
        var result = weights
        let others = SteeringProfile.Weights.keys.filter { $0 != key }
        result[key] = min(1 - floor * Double(others.count), max(floor, weights[key] + delta))
        var remaining = 1 - result[key]
        var free = others
        // Share the rest in proportion; whoever would fall under the floor gets the floor instead.
        while !free.isEmpty {
            let total = free.map { max(weights[$0], 1e-9) }.reduce(0, +)
            let share = Dictionary(uniqueKeysWithValues: free.map { ($0, remaining * max(weights[$0], 1e-9) / total) })
            if let low = free.first(where: { share[$0]! < floor }) {
                result[low] = floor
                remaining -= floor
                free.removeAll { $0 == low }
            } else {
                for name in free { result[name] = share[name]! }
                break
            }
        }
        for name in SteeringProfile.Weights.keys { result[name] = (result[name] * 10_000).rounded() / 10_000 }
        result[key] += 1 - result.sum  // rounding drift goes to the moved weight
        result[key] = (result[key] * 10_000).rounded() / 10_000
        return result
    }

    /// Lower-cased words per clause: punctuation and "but" end a clause, so "less news, more
    /// competitors" reads as two instructions. Bounded by the notes' 4,000 characters.
    static func clauses(_ notes: String) -> [[String]] {
        var clauses: [[String]] = [[]]
        Words.scan(notes.lowercased(), keeping: ["'", "’"], word: { word in
            var token = word
            if token.hasSuffix("'s") || token.hasSuffix("’s") { token.removeLast(2) }
            token = token.filter { $0 != "'" && $0 != "’" }
            guard !token.isEmpty else { return }
            if token == "but" { clauses.append([]) } else { clauses[clauses.count - 1].append(token) }
        }, separator: { character in
            if ".,;!?\n()".contains(character) { clauses.append([]) }
        })
        return clauses.filter { !$0.isEmpty }
    }

    /// Every occurrence of the phrases in a clause, longest phrase first at each word, never overlapping.
    static func find(_ phrases: [[String]], in clause: [String]) -> [(start: Int, end: Int, text: String)] {
        let ordered = phrases.sorted { $0.count > $1.count }
        var found: [(start: Int, end: Int, text: String)] = []
        var index = 0
        while index < clause.count {
            if let phrase = ordered.first(where: { index + $0.count <= clause.count && Array(clause[index..<index + $0.count]) == $0 }) {
                found.append((index, index + phrase.count, phrase.joined(separator: " ")))
                index += phrase.count
            } else {
                index += 1
            }
        }
        return found
    }

    static func number(_ value: Double) -> String { JSONValue.number((value * 10_000).rounded() / 10_000).jsonText }
}
