import Core
import Providers

/// The chat's answer without a model (`LLMChatRequest.offlineReply`): plain rules, the same
/// answer every time. A message that plainly asks for a change gets the tool call ("rename it to
/// X", "call it X", "change the title to X"; "add a milestone X"; "create the Linear project");
/// after a tool result, a short confirmation; anything else, advice built from the draft (which
/// sections are missing or thin), saying it is the offline assistant.
package enum OfflineDraftChat {
    package static let model = "offline-draft-chat"

    static let renamePhrases = ["rename it to ", "rename the project to ", "rename the draft to ", "call it ", "change the title to "]
    static let milestonePhrases = ["add a milestone", "add milestone"]
    static let createPhrases = ["create the linear project", "create a linear project", "create the project in linear"]
    /// The sections a draft is expected to have (`ProjectDraftPrompt`).
    static let expectedSections = ["Problem", "Goals", "Scope", "Milestones", "Open questions"]
    /// Below this many characters a section counts as thin.
    static let thinSection = 60
    static let maximumArgument = 200

    package static func reply(to messages: [LLMChatMessage], title: String, description: String) -> LLMChatCompletion {
        guard let last = messages.last else { return text(advice(title: title, description: description)) }
        if last.role == .tool {
            return text("Done. \(last.content)")
        }
        let message = last.content
        let callNumber = messages.filter { $0.role == .tool }.count + 1
        if let name = argument(after: renamePhrases, in: message) {
            return call("Renaming the draft to \"\(name)\".", id: callNumber, updateTitle(name))
        }
        if let milestone = argument(after: milestonePhrases, in: message) {
            let updated = addingMilestone(milestone, to: description)
            return call("Adding the milestone \"\(milestone)\".", id: callNumber,
                        LLMToolCall(id: "", name: DraftChatTools.updateDraft, arguments: JSONValue.object(["description": .string(updated)]).jsonText))
        }
        if createPhrases.contains(where: { position(of: $0, in: message) != nil }) {
            return call("Creating the Linear project from the draft.", id: callNumber,
                        LLMToolCall(id: "", name: DraftChatTools.createProject,
                                    arguments: JSONValue.object(["title": .string(title), "description": .string(description)]).jsonText))
        }
        return text(advice(title: title, description: description))
    }

    /// `description` with `- milestone` added at the end of its Milestones section, which is
    /// appended when the description has none.
    package static func addingMilestone(_ milestone: String, to description: String) -> String {
        var lines = description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let heading = lines.firstIndex(where: { isHeading($0) && headingTitle($0).lowercased().hasPrefix("milestone") }) else {
            let base = description.trimmingWhitespace()
            return (base.isEmpty ? "" : base + "\n\n") + "## Milestones\n- \(milestone)"
        }
        let sectionEnd = lines[(heading + 1)...].firstIndex(where: isHeading) ?? lines.count
        var insertAt = sectionEnd
        while insertAt > heading + 1, lines[insertAt - 1].trimmingWhitespace().isEmpty { insertAt -= 1 }
        lines.insert("- \(milestone)", at: insertAt)
        return lines.joined(separator: "\n")
    }

    /// Advice from the draft: which expected sections are missing and which are thin.
    static func advice(title: String, description: String) -> String {
        let sections = self.sections(of: description)
        let missing = expectedSections.filter { expected in !sections.keys.contains { $0.hasPrefix(expected.lowercased()) } }
        let thin = expectedSections.filter { expected in
            sections.first { $0.key.hasPrefix(expected.lowercased()) }.map { $0.value < thinSection } ?? false
        }
        var parts = ["I am the offline assistant (no language model is configured), so I follow plain rules."]
        if !missing.isEmpty { parts.append("The draft \"\(title)\" has no \(list(missing)) section.") }
        if !thin.isEmpty { parts.append("These sections look thin: \(list(thin)).") }
        if missing.isEmpty, thin.isEmpty { parts.append("Every section of \"\(title)\" has some substance.") }
        parts.append("I can rename the draft (\"rename it to …\"), add a milestone (\"add a milestone …\") or create the Linear project (\"create the Linear project\").")
        return parts.joined(separator: " ")
    }

    /// Section headings (lower-cased) and how many characters of text each holds.
    private static func sections(of description: String) -> [String: Int] {
        var sections: [String: Int] = [:]
        var current: String?
        for line in description.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = String(line)
            if isHeading(text) {
                current = headingTitle(text).lowercased()
                sections[current!, default: 0] += 0
            } else if let current {
                sections[current, default: 0] += text.trimmingWhitespace().count
            }
        }
        return sections
    }

    private static func isHeading(_ line: String) -> Bool { line.hasPrefix("#") }

    private static func headingTitle(_ line: String) -> String {
        String(line.drop { $0 == "#" }).trimmingWhitespace()
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    private static func updateTitle(_ title: String) -> LLMToolCall {
        LLMToolCall(id: "", name: DraftChatTools.updateDraft, arguments: JSONValue.object(["title": .string(title)]).jsonText)
    }

    private static func text(_ text: String) -> LLMChatCompletion {
        LLMChatCompletion(text: text, model: model, finishReason: "stop")
    }

    private static func call(_ text: String, id: Int, _ call: LLMToolCall) -> LLMChatCompletion {
        var call = call
        call.id = "offline-call-\(id)"
        return LLMChatCompletion(text: text, toolCalls: [call], model: model, finishReason: "tool_calls")
    }

    /// What follows the first of `phrases` in `message` (case-insensitive): its first line,
    /// without quotes or closing punctuation, at most `maximumArgument` characters; nil when no
    /// phrase occurs or nothing follows it.
    static func argument(after phrases: [String], in message: String) -> String? {
        for phrase in phrases {
            guard let end = position(of: phrase, in: message) else { continue }
            let rest = message[end...].prefix { $0 != "\n" }
            let trimmed = String(rest).trimmingWhitespace()
            let unquoted = trimmed.strippingCharacters("\"'“”‘’`.!?,;: ")
            if !unquoted.isEmpty { return String(unquoted.prefix(maximumArgument)) }
        }
        return nil
    }

    /// Where `phrase` (lower-case) ends in `text`, compared case-insensitively character by
    /// character (bounded: the message is at most 10,000 characters, a phrase a few dozen).
    static func position(of phrase: String, in text: String) -> String.Index? {
        let wanted = Array(phrase)
        var start = text.startIndex
        while start < text.endIndex {
            var index = start
            var matched = 0
            while matched < wanted.count, index < text.endIndex, text[index].lowercased() == String(wanted[matched]) {
                matched += 1
                index = text.index(after: index)
            }
            if matched == wanted.count { return index }
            start = text.index(after: start)
        }
        return nil
    }
}

private extension String {
    func strippingCharacters(_ characters: String) -> String {
        let set = Set(characters)
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
