/// The keywords Twilio itself honours for opting out and back in: the message must be that one
/// word alone, in any case, with surrounding spaces or a closing "." or "!" allowed. "stop by
/// later" is a sentence, not an opt-out.
package enum OptOutWords {
    package static let optOut: Set<String> = ["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"]
    package static let optIn: Set<String> = ["start", "unstop"]

    package static func isOptOut(_ text: String) -> Bool { optOut.contains(keyword(text)) }
    package static func isOptIn(_ text: String) -> Bool { optIn.contains(keyword(text)) }

    static func keyword(_ text: String) -> String {
        var word = text.trimmingWhitespace()
        while let last = word.last, ".!".contains(last) { word.removeLast() }
        return word.trimmingWhitespace().lowercased()
    }
}
