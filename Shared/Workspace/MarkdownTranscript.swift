import Core
import FoundationEssentials

/// A chat pasted or saved as text (BranchPrompt, a copied transcript): speaker markers at the
/// start of a line, in any case — `User:`, `Assistant:`, `Human:`, `AI:`, `**User**:`,
/// `**User:**`, `## User` — each starting a message that runs to the next marker. A `# Title`
/// first line is the title; text before the first marker is kept as a `system` message so
/// nothing is dropped unseen. One pass over the lines.
package enum MarkdownTranscript {
    /// Throws an `ImportProblem` when the text has no speaker marker at all.
    package static func conversation(from text: String) throws -> ImportedConversation {
        var title: String?
        var messages: [ImportedMessage] = []
        var role: String?
        var lines: [Substring] = []
        var preamble: [Substring] = []
        func flush() {
            let content = lines.joined(separator: "\n").trimmingWhitespace()
            if let role, !content.isEmpty { messages.append(ImportedMessage(role: role, content: content)) }
            lines.removeAll(keepingCapacity: true)
        }
        var first = true
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if first {
                first = false
                let trimmed = line.trimmingWhitespace()
                if trimmed.hasPrefix("# ") {
                    title = String(trimmed.dropFirst(2)).trimmingWhitespace()
                    continue
                }
            }
            if let (speaker, rest) = marker(line) {
                flush()
                role = speaker
                if !rest.isEmpty { lines.append(rest) }
            } else if role == nil {
                preamble.append(line)
            } else {
                lines.append(line)
            }
        }
        flush()
        guard role != nil else {
            throw ImportProblem(index: 0, title: title, reason: "no speaker markers (a line starting \"User:\", \"Assistant:\", \"## User\", …)")
        }
        let before = preamble.joined(separator: "\n").trimmingWhitespace()
        if !before.isEmpty { messages.insert(ImportedMessage(role: "system", content: before), at: 0) }
        let result = ImportedConversation(source: .generic, title: ExportValues.title(title, messages: messages), messages: messages)
        try ExportValues.check(result)
        return result
    }

    /// Whether the text has at least one speaker marker (for detection), looking at most at the
    /// first `lineLimit` lines.
    package static func hasMarker(_ text: Substring, lineLimit: Int = 200) -> Bool {
        text.split(separator: "\n", maxSplits: lineLimit, omittingEmptySubsequences: true).prefix(lineLimit).contains { marker($0) != nil }
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
        let trimmedName = name.trimmingWhitespace()
        guard trimmedName.count <= 12, let role = ExportValues.role(trimmedName), !trimmedName.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        if bold {
            // `**User**:` or `**User:**`
            if rest.hasPrefix("**:") { rest = rest.dropFirst(3) } else if rest.hasPrefix(":**") { rest = rest.dropFirst(3) }
            else if rest.hasPrefix("**") { rest = rest.dropFirst(2); guard rest.isEmpty || rest.first == " " else { return nil } }
            else { return nil }
        } else if heading {
            if rest.hasPrefix(":") { rest = rest.dropFirst() }
            guard rest.trimmingWhitespace().isEmpty else { return nil }
        } else {
            guard rest.hasPrefix(":") else { return nil }
            rest = rest.dropFirst()
        }
        return (role, rest.drop { $0 == " " || $0 == "\t" })
    }
}
