import Core

/// Whether a message asks to stop being contacted. A true answer opts the person out of every
/// campaign with a goodbye, so only an instruction or a wish counts, never a noun:
/// - the keywords Twilio itself honours, alone, in any case ("STOP", "end.", "Unsubscribe!");
/// - a stop verb as an instruction: alone or with fillers ("please stop", "stop now", "just cancel"),
///   with an object about the contact ("stop it", "stop messaging me", "end this survey"), or
///   wished for ("I want to quit", "I'd like to stop", "can you stop texting me");
/// - phrases that say it wherever they stand ("opt me out", "remove my number", "unsubscribe me",
///   "leave me alone", "no more messages", "don't message me", "I don't want to continue");
/// - a whole message that is only a decision: "I quit", "I'm done", "I'm done, stop".
/// Answers stay answers: "A quick stop", "At the bus stop", "at the end", "The end", "Stop and go
/// traffic", "I have to stop", "I stop at the station on my way", "stop by later", "don't stop".
/// A bare stop verb inside a longer answer counts only as its last sentence ("I'm busy. Stop.").
/// Linear in the message: clauses, then a fixed set of phrases at each word.
package enum OptOutWords {
    package static let optOut: Set<String> = ["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"]
    package static let optIn: Set<String> = ["start", "unstop"]
    /// The longest message read for intent at reception: longer ones go to the agent, which may
    /// report the intent itself.
    package static let shortMessageWords = 8

    package static func isOptOut(_ text: String) -> Bool { isKeyword(text) || wantsToStop(text, maxWords: shortMessageWords) }
    package static func isOptIn(_ text: String) -> Bool { optIn.contains(keyword(text)) }
    /// One of Twilio's keywords alone.
    package static func isKeyword(_ text: String) -> Bool { optOut.contains(keyword(text)) }

    static func keyword(_ text: String) -> String {
        var word = text.trimmingWhitespace()
        while let last = word.last, ".!".contains(last) { word.removeLast() }
        return word.trimmingWhitespace().lowercased()
    }

    /// Verbs that mean "stop" as an instruction.
    static let stopVerbs: Set<String> = ["stop", "quit", "cancel", "end", "unsubscribe", "optout", "stopall", "revoke"]
    /// Phrases that mean it wherever they stand (unless negated just before: "I didn't opt out").
    static let stopPhrases: [[String]] = {
        var phrases: [[String]] = [
            ["unsubscribe"], ["optout"], ["stopall"], ["opt", "out"], ["opt", "me", "out"], ["opt", "us", "out"], ["remove", "me"],
            ["remove", "us"], ["take", "me", "off"], ["leave", "me", "alone"], ["leave", "us", "alone"], ["not", "contact", "me", "again"],
        ]
        for thing in ["number", "phone", "contact", "details", "data"] {
            phrases += [["remove", "my", thing], ["delete", "my", thing]]
        }
        for thing in ["messages", "texts", "sms", "surveys", "questions", "contact"] { phrases.append(["no", "more", thing]) }
        for verb in ["message", "text", "contact", "write", "email", "call", "bother", "spam"] {
            phrases += [["dont", verb, "me"], ["do", "not", verb, "me"], ["never", verb, "me"]]
        }
        for wish in [["continue"], ["participate"], ["take", "part"], ["do", "this"], ["be", "contacted"], ["be", "messaged"],
                     ["receive", "messages"], ["get", "messages"]] {
            phrases += [["dont", "want", "to"] + wish, ["do", "not", "want", "to"] + wish, ["dont", "wanna"] + wish]
        }
        return phrases
    }()
    /// Before a stop verb, these make it a wish or a request ("I want to quit", "can you stop").
    static let wishes: [[String]] = [["please"], ["pls"], ["plz"], ["pleasee"], ["want", "to"], ["wanna"], ["like", "to"], ["wish", "to"],
                                     ["want", "you", "to"], ["need", "you", "to"], ["can", "you"], ["could", "you"], ["would", "you"],
                                     ["will", "you"], ["you", "please"], ["you", "pls"]]
    /// A wish after these is none: "I don't want to stop".
    static let negations: Set<String> = ["dont", "not", "never", "wont", "cant", "doesnt", "didnt"]
    /// Words around an instruction that change nothing ("ok stop", "stop now please").
    static let leadingFillers: Set<String> = ["please", "pls", "plz", "pleasee", "ok", "okay", "so", "just", "now", "oh", "well", "sorry",
                                              "honestly", "hey", "hi", "seriously", "then"]
    static let trailingFillers: Set<String> = ["please", "pls", "plz", "now", "thanks", "thx", "already", "immediately", "asap", "again",
                                               "anymore", "right"]
    /// Whole clauses that only close a conversation ("No. Stop.", "Thanks, I'm done").
    static let closings: Set<[String]> = [["no"], ["nope"], ["thanks"], ["thank", "you"], ["bye"], ["goodbye"], ["sorry"], ["ok"],
                                          ["okay"], ["enough"]]
    /// Whole clauses that are a decision only when the message says nothing else ("I quit").
    static let decisions: Set<[String]> = [["i", "quit"], ["we", "quit"], ["i", "cancel"], ["i", "unsubscribe"], ["im", "done"],
                                           ["i", "am", "done"], ["were", "done"], ["we", "are", "done"]]
    /// After a stop verb, what makes it about the contact: "stop it", "stop this", "stop messaging".
    static let objects: Set<String> = ["me", "us", "it", "this", "that", "these", "all", "everything", "messaging", "texting", "contacting",
                                       "sending", "writing", "emailing", "calling", "bothering", "spamming", "asking", "pinging"]
    static let determiners: Set<String> = ["the", "my", "your", "these", "those", "this", "all", "any", "our"]
    static let contactNouns: Set<String> = ["messages", "message", "texts", "sms", "survey", "surveys", "study", "interview", "chat",
                                            "conversation", "participation", "questions", "questionnaire", "subscription", "spam", "calls",
                                            "emails", "contact"]
    /// Words that split a message into clauses besides punctuation.
    static let conjunctions: Set<String> = ["and", "but", "so"]

    /// One clause: its words, whether it asks ("Cancel?"), whether it starts a sentence.
    struct Clause {
        var words: [String] = []
        var isQuestion = false
        var startsSentence = true
    }

    /// How strongly a clause says stop.
    enum Strength { case none, weak, strong }

    /// Whether a message of at most `maxWords` words asks to stop.
    package static func wantsToStop(_ text: String, maxWords: Int) -> Bool {
        let clauses = self.clauses(text)
        let count = clauses.reduce(0) { $0 + $1.words.count }
        guard count > 0, count <= maxWords else { return false }
        var strengths: [Strength] = []
        for clause in clauses {
            let strength = self.strength(clause)
            if strength == .strong { return true }
            strengths.append(strength)
        }
        // Only closings and bare decisions: "I quit", "I'm done, stop", "No. Stop."
        let meaningful = clauses.indices.filter { !closings.contains(stripped(clauses[$0].words)) }
        if !meaningful.isEmpty, meaningful.allSatisfy({ strengths[$0] == .weak || isDecision(clauses[$0]) }) { return true }
        // A last sentence that is a bare "stop": "Sorry, I'm busy. Stop."
        if let last = clauses.last, last.startsSentence, !last.isQuestion, stripped(last.words) == ["stop"] { return true }
        return false
    }

    static func isDecision(_ clause: Clause) -> Bool { !clause.isQuestion && decisions.contains(stripped(clause.words)) }

    /// The clause's words without fillers at either end.
    static func stripped(_ words: [String]) -> [String] {
        var slice = words[...]
        while let first = slice.first, leadingFillers.contains(first), slice.count > 1 { slice = slice.dropFirst() }
        while slice.count > 1 {
            if let last = slice.last, trailingFillers.contains(last) || stopVerbs.contains(last) && slice.first == last {
                slice = slice.dropLast()
            } else if slice.count > 2, slice.suffix(2) == ["thank", "you"] {
                slice = slice.dropLast(2)
            } else {
                break
            }
        }
        return Array(slice)
    }

    static func strength(_ clause: Clause) -> Strength {
        let words = clause.words
        for start in words.indices {
            for phrase in stopPhrases where start + phrase.count <= words.count && words[start..<start + phrase.count].elementsEqual(phrase) {
                if start > 0, negations.contains(words[start - 1]), !negations.contains(phrase[0]) { continue }
                if start > 2, negations.contains(words[start - 3]), words[start - 2] == "want", words[start - 1] == "to" { continue }
                return .strong
            }
        }
        var result = Strength.none
        for (index, word) in words.enumerated() where stopVerbs.contains(word) {
            let tail = tailKind(words[(index + 1)...])
            guard tail != .none else { continue }
            if let wish = wishes.first(where: { index >= $0.count && words[(index - $0.count)..<index].elementsEqual($0) }) {
                let before = index - wish.count - 1
                if before >= 0, negations.contains(words[before]) { continue }
                return .strong
            }
            let lead = words[..<index]
            guard lead.allSatisfy(leadingFillers.contains) else { continue }
            if tail == .object || lead.contains(where: { ["please", "pls", "plz", "pleasee"].contains($0) }) { return .strong }
            if !clause.isQuestion { result = .weak }
        }
        return result
    }

    enum Tail { case none, bare, object }

    /// What follows a stop verb: nothing but fillers ("stop now"), an object about the contact
    /// ("stop it", "stop the messages"), or anything else ("stop by", "stop and go", "end of").
    static func tailKind(_ tail: ArraySlice<String>) -> Tail {
        var rest = tail
        while let last = rest.last, trailingFillers.contains(last) || stopVerbs.contains(last) { rest = rest.dropLast() }
        if rest.count >= 2, rest.suffix(2) == ["thank", "you"] { rest = rest.dropLast(2) }
        guard let first = rest.first else { return .bare }
        if objects.contains(first) || contactNouns.contains(first) { return .object }
        if determiners.contains(first), rest.count > 1, contactNouns.contains(rest[rest.startIndex + 1]) { return .object }
        return .none
    }

    /// Lower-cased words by clause: punctuation, new lines and "and"/"but"/"so" end one;
    /// apostrophes vanish ("don't" reads "dont").
    static func clauses(_ text: String) -> [Clause] {
        var clauses: [Clause] = [Clause()]
        func end(sentence: Bool, question: Bool = false) {
            if clauses[clauses.count - 1].words.isEmpty {
                if sentence { clauses[clauses.count - 1].startsSentence = true }
                return
            }
            clauses[clauses.count - 1].isQuestion = question
            clauses.append(Clause(startsSentence: sentence))
        }
        Words.scan(text.lowercased(), dropping: ["'", "’"], word: { word in
            if conjunctions.contains(word) {
                if !clauses[clauses.count - 1].words.isEmpty { clauses.append(Clause(startsSentence: false)) }
            } else {
                clauses[clauses.count - 1].words.append(word)
            }
        }, separator: { character in
            if character == "?" {
                end(sentence: true, question: true)
            } else if ".!\n".contains(character) {
                end(sentence: true)
            } else if ",;:()".contains(character) {
                end(sentence: false)
            }
        })
        return clauses.filter { !$0.words.isEmpty }
    }
}
