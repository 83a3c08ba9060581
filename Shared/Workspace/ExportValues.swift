import Core
import FoundationEssentials

/// The small readings every export format needs the same way: dates in any of the spellings
/// exports use, roles mapped to the four the store knows, titles taken from a first message, ids
/// that may be strings or numbers. One place, so ChatGPT, Claude, Grok and generic transcripts
/// agree.
package enum ExportValues {
    /// Messages kept per conversation; past this the conversation is refused as a problem.
    package static let maximumMessages = 100_000
    /// Attachment names kept per message (an export listing more names the first ones).
    package static let maximumAttachments = 1_000
    /// Characters of a first message used as a title when the export has none.
    package static let titleLength = 80

    /// A date from an ISO-8601 string, epoch seconds (float), epoch milliseconds (above 1e11,
    /// as a number or a digit string), or a Mongo extended-JSON `{"$date": …}` (Grok's export).
    package static func date(_ value: JSONValue?) -> Date? {
        guard let value else { return nil }
        switch value {
        case .number(let number): return epoch(number)
        case .string(let text):
            let trimmed = text.trimmingWhitespace()
            if let date = Timestamp.parse(trimmed) { return date }
            if let number = Double(trimmed), number.isFinite { return epoch(number) }
            return nil
        case .object(let fields):
            if let inner = fields["$date"] { return date(inner) }
            if let long = fields["$numberLong"] { return date(long) }
            return nil
        default: return nil
        }
    }

    private static func epoch(_ number: Double) -> Date? {
        guard number.isFinite, number > 0 else { return nil }
        return Date(timeIntervalSince1970: number > 1e11 ? number / 1000 : number)
    }

    /// `user`, `assistant`, `system` or `tool` for an export's author name (any case); nil for a
    /// name no format uses.
    package static func role(_ name: String?) -> String? {
        guard let name else { return nil }
        switch name.trimmingWhitespace().lowercased() {
        case "user", "human": return "user"
        case "assistant", "ai", "bot", "model", "chatgpt", "claude", "grok": return "assistant"
        case "system", "developer": return "system"
        case "tool", "function": return "tool"
        default: return nil
        }
    }

    /// A string id, also when the export writes it as a number.
    package static func id(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text) where !text.isEmpty: text
        case .number: value?.intValue.map(String.init)
        default: nil
        }
    }

    /// The first non-empty string among `values`.
    package static func firstString(_ values: JSONValue?...) -> String? {
        for value in values { if let text = value?.stringValue, !text.isEmpty { return text } }
        return nil
    }

    /// A title: the export's own when it has one, else the first user message's first line, cut
    /// to `titleLength` characters; "Untitled conversation" when there is neither.
    package static func title(_ given: String?, messages: [ImportedMessage]) -> String {
        if let given = given?.trimmingWhitespace(), !given.isEmpty { return given }
        let first = messages.first { $0.role == "user" && !$0.content.isEmpty } ?? messages.first { !$0.content.isEmpty }
        guard let text = first?.content.prefix(4 * titleLength).trimmingWhitespace(), !text.isEmpty else {
            return "Untitled conversation"
        }
        let line = text.prefix { $0 != "\n" }
        return line.prefixed(titleLength)
    }

    /// Refuses a conversation with no messages or too many (the problem's title and id filled in).
    package static func check(_ conversation: ImportedConversation) throws {
        guard !conversation.messages.isEmpty else {
            throw ImportProblem(index: 0, title: conversation.title, sourceID: conversation.sourceID, reason: "no messages")
        }
        let total = conversation.messages.count + conversation.branches.reduce(0) { $0 + $1.messages.count }
        guard total <= maximumMessages else {
            throw ImportProblem(index: 0, title: conversation.title, sourceID: conversation.sourceID,
                                reason: "\(total) messages; at most \(maximumMessages) are kept per conversation")
        }
    }

    /// A message's attachment names in export order, each once, at most `maximumAttachments`
    /// (a set keeps the de-duplication linear however many names an export lists).
    package struct AttachmentNames {
        package private(set) var names: [String] = []
        private var seen: Set<String> = []

        package init() {}

        package mutating func add(_ name: String?) {
            guard let name, names.count < ExportValues.maximumAttachments, seen.insert(name).inserted else { return }
            names.append(name)
        }
    }

    /// JSON text of a value (a tool call's input) for a block's text.
    package static func text(of value: JSONValue) -> String {
        if case .string(let text) = value { return text }
        return JSONCoding.text(value)
    }
}
