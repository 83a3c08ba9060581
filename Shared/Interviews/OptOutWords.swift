import Core

/// Whether a message asks to stop being contacted. The keywords Twilio itself honours count
/// alone, in any case, with surrounding spaces or a closing "." or "!" allowed. A short message
/// whose intent is to stop counts too ("please stop", "I want to quit", "stop messaging me",
/// "cancel please", "remove me from this list"), read by words and their neighbours, so "I stop
/// at the station on my way", "stop by later" and "don't stop" are answers, not opt-outs.
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

    /// Verbs that mean "stop" only with the right neighbours.
    static let stopVerbs: Set<String> = ["stop", "quit", "cancel", "end", "unsubscribe", "optout", "stopall", "revoke"]
    /// Phrases that mean it wherever they stand.
    static let stopPhrases: [[String]] = [
        ["unsubscribe"], ["optout"], ["opt", "out"], ["remove", "me"], ["leave", "me", "alone"], ["take", "me", "off"],
        ["no", "more", "messages"], ["dont", "message", "me"], ["dont", "text", "me"], ["dont", "contact", "me"], ["dont", "write", "me"],
        ["do", "not", "message", "me"], ["do", "not", "text", "me"], ["do", "not", "contact", "me"], ["not", "contact", "me", "again"],
        ["stop", "messaging"], ["stop", "texting"], ["stop", "contacting"], ["stop", "writing"], ["stop", "sending"],
    ]
    /// After a stop verb, these make it an instruction ("stop it", "cancel please", "quit now").
    static let objects: Set<String> = ["me", "it", "this", "that", "these", "now", "please", "pls", "plz", "thanks", "thank", "already",
                                       "immediately", "the", "all", "everything", "messaging", "texting", "contacting", "sending", "writing",
                                       "messages", "my", "participation", "survey", "study", "interview", "chat", "conversation", "asking",
                                       "bothering", "spamming", "calling"]
    /// Before a stop verb, these make it one ("please stop", "I want to quit", "just cancel").
    static let leads: Set<String> = ["please", "pls", "plz", "to", "wanna", "just", "now", "ok", "okay", "so", "then", "pleasee"]
    /// A stop verb after these is not an instruction: "don't stop", "I stop at", "we quit smoking".
    static let negations: Set<String> = ["dont", "not", "never", "wont", "cant", "doesnt", "didnt"]
    static let subjects: Set<String> = ["i", "we", "you", "they", "he", "she", "usually", "always", "sometimes", "often", "rarely", "never"]
    /// After a stop verb, these make it a place or a habit: "stop by", "stop at", "end of".
    static let prepositions: Set<String> = ["by", "at", "in", "on", "off", "for", "to", "over", "into", "there", "here", "of", "up", "smoking",
                                            "when", "if", "because", "after", "before", "somewhere", "anywhere"]

    /// Whether a message of at most `maxWords` words asks to stop.
    package static func wantsToStop(_ text: String, maxWords: Int) -> Bool {
        // Words, with "?" kept as a token of its own: "Cancel? No, …" asks, it does not instruct.
        var words: [String] = []
        var word = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else if character != "'" && character != "’" {
                if !word.isEmpty { words.append(word) }
                word = ""
                if character == "?" { words.append("?") }
            }
        }
        if !word.isEmpty { words.append(word) }
        guard words.contains(where: { $0 != "?" }), words.filter({ $0 != "?" }).count <= maxWords else { return false }
        for start in words.indices {
            for phrase in stopPhrases where start + phrase.count <= words.count && Array(words[start..<start + phrase.count]) == phrase {
                if start > 0, negations.contains(words[start - 1]), phrase.first != "dont", phrase.first != "do" { continue }
                return true
            }
        }
        for (index, word) in words.enumerated() where stopVerbs.contains(word) {
            let previous = index > 0 ? words[index - 1] : nil
            let next = index + 1 < words.count ? words[index + 1] : nil
            // "I quit", "we cancel": a subject and nothing after is still a decision.
            if let previous, subjects.contains(previous), next == nil, ["quit", "cancel", "unsubscribe", "optout"].contains(word) { return true }
            if let previous, negations.contains(previous) || subjects.contains(previous) { continue }
            if let next, prepositions.contains(next) || next == "?" { continue }
            if previous == nil || leads.contains(previous!) || next == nil || objects.contains(next!) { return true }
        }
        return false
    }
}
