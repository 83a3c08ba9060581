import Core
import FoundationEssentials

/// A chat pasted or saved as text (BranchPrompt, a copied transcript): speaker markers at the
/// start of a line, in any case — `User:`, `Assistant:`, `Human:`, `AI:`, `**User**:`,
/// `**User:**`, `## User`, `## User: hi` — each starting a message that runs to the next marker.
/// A `# Title` first line is the title; text before the first marker is kept as a `system`
/// message so nothing is dropped unseen.
///
/// Which names are markers: the user and assistant aliases (`speakers`) in every form; the other
/// roles (`System`, `Developer`, `Tool`, `Function`, `Model`) only as a heading (`## System`) or
/// in bold (`**Tool:**`), since a plain line "System: …" or "Model: …" is as likely a line of
/// the message itself (a log, a spec). One lazy pass over the lines; no array of all lines.
package enum MarkdownTranscript {
    /// Names that start a user or assistant message in any form (lower case).
    static let speakers: [String: String] = [
        "user": "user", "human": "user", "you": "user", "me": "user",
        "assistant": "assistant", "ai": "assistant", "chatgpt": "assistant", "claude": "assistant",
        "grok": "assistant", "gemini": "assistant", "bot": "assistant",
    ]
    /// Names that start a message only as a heading or in bold (lower case).
    static let formattedOnly: [String: String] = [
        "system": "system", "developer": "system", "tool": "tool", "function": "tool", "model": "assistant",
    ]

    /// Throws an `ImportProblem` when the text has no speaker marker at all.
    package static func conversation(from text: String) throws -> ImportedConversation {
        var title: String?
        var messages: [ImportedMessage] = []
        var role: String?
        var body = ""
        var preamble = ""
        func flush() {
            let content = body.trimmingWhitespace()
            if let role, !content.isEmpty { messages.append(ImportedMessage(role: role, content: content)) }
            body = ""
        }
        var first = true
        forEachLine(Substring(text)) { line in
            if first {
                first = false
                let trimmed = line.trimmingWhitespace()
                if trimmed.hasPrefix("# ") {
                    title = String(trimmed.dropFirst(2)).trimmingWhitespace()
                    return true
                }
            }
            if let (speaker, rest) = marker(line) {
                flush()
                role = speaker
                if !rest.isEmpty { body += rest; body += "\n" }
            } else if role == nil {
                preamble += line
                preamble += "\n"
            } else {
                body += line
                body += "\n"
            }
            return true
        }
        flush()
        guard role != nil else {
            throw ImportProblem(index: 0, title: title, reason: "no speaker markers (a line starting \"User:\", \"Assistant:\", \"## User\", …)")
        }
        let before = preamble.trimmingWhitespace()
        if !before.isEmpty { messages.insert(ImportedMessage(role: "system", content: before), at: 0) }
        let result = ImportedConversation(source: .generic, title: ExportValues.title(title, messages: messages), messages: messages)
        try ExportValues.check(result)
        return result
    }

    /// Whether the text has at least one speaker marker (for detection), looking at most at the
    /// first `lineLimit` non-empty lines and stopping at the first marker.
    package static func hasMarker(_ text: Substring, lineLimit: Int = 200) -> Bool {
        var found = false
        var seen = 0
        forEachLine(text) { line in
            guard !line.isEmpty else { return true }
            seen += 1
            if marker(line) != nil { found = true; return false }
            return seen < lineLimit
        }
        return found
    }

    /// Calls `body` with each line (without its `\n` or `\r\n`) until it returns false; finds
    /// line ends in the UTF-8 view, so nothing but the current line is looked at.
    static func forEachLine(_ text: Substring, _ body: (Substring) -> Bool) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        while true {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            var line = text[start..<end]
            if line.utf8.last == UInt8(ascii: "\r") { line = text[start..<utf8.index(before: end)] }
            guard body(line), end < utf8.endIndex else { return }
            start = utf8.index(after: end)
        }
    }

    /// The role and the rest of the line when `line` starts with a speaker marker.
    static func marker(_ line: Substring) -> (String, Substring)? {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        var heading = false
        var bold = false
        if rest.hasPrefix("#") {
            rest = rest.drop { $0 == "#" }
            guard rest.first == " " else { return nil }
            rest = rest.drop { $0 == " " }
            heading = true
        } else if rest.hasPrefix("**") {
            rest = rest.dropFirst(2)
            bold = true
        }
        let name = rest.prefix { $0.isLetter || $0 == " " }
        let key = name.trimmingWhitespace().lowercased()
        guard !key.isEmpty, key.count <= 12,
              let role = speakers[key] ?? ((heading || bold) ? formattedOnly[key] : nil) else { return nil }
        rest = rest.dropFirst(name.count)
        if bold {
            // `**User**:` or `**User:**`
            if rest.hasPrefix("**:") { rest = rest.dropFirst(3) } else if rest.hasPrefix(":**") { rest = rest.dropFirst(3) }
            else if rest.hasPrefix("**") { rest = rest.dropFirst(2); guard rest.isEmpty || rest.first == " " else { return nil } }
            else { return nil }
        } else if heading {
            // `## User` alone, or `## User: hi` with the message starting on the same line.
            if rest.hasPrefix(":") { rest = rest.dropFirst() } else { guard rest.trimmingWhitespace().isEmpty else { return nil } }
        } else {
            guard rest.hasPrefix(":") else { return nil }
            rest = rest.dropFirst()
        }
        return (role, rest.drop { $0 == " " || $0 == "\t" })
    }
}
