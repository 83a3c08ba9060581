import Core
import FoundationEssentials

/// A transcript in the plain shape other tools (BranchPrompt, scripts, other assistants) write:
/// a list of `{role, content, created_at?}` or an object `{title?, messages: […]}`. Roles are
/// mapped (`human` → user; `ai`, `bot`, `model` → assistant); `content` may be a string or a list
/// of `{type: "text", text}` parts.
package enum GenericTranscript {
    /// Throws an `ImportProblem` (index 0; the caller sets the position) saying what is wrong.
    package static func conversation(from json: JSONValue) throws -> ImportedConversation {
        let title: String?
        let list: [JSONValue]
        let head: JSONValue?
        switch json {
        case .array(let items):
            (title, list, head) = (nil, items, nil)
        case .object:
            guard let items = json["messages"]?.arrayValue else { throw ImportProblem(index: 0, reason: "no \"messages\" list") }
            (title, list, head) = (ExportValues.firstString(json["title"], json["name"]), items, json)
        default:
            throw ImportProblem(index: 0, reason: "a transcript must be a list of messages or an object with \"messages\"")
        }
        let sourceID = head.flatMap { ExportValues.id($0["id"]) }
        var messages: [ImportedMessage] = []
        messages.reserveCapacity(list.count)
        for (position, item) in list.enumerated() {
            let name = ExportValues.firstString(item["role"], item["sender"], item["author"], item["from"])
            guard let role = ExportValues.role(name) else {
                throw ImportProblem(index: 0, title: title, sourceID: sourceID,
                                    reason: "message \(position) has no known role (user, assistant, system or tool)")
            }
            guard let content = text(item["content"] ?? item["text"] ?? item["message"]) else {
                throw ImportProblem(index: 0, title: title, sourceID: sourceID, reason: "message \(position) has no text content")
            }
            if content.isEmpty { continue }
            messages.append(ImportedMessage(id: ExportValues.id(item["id"]), role: role, content: content,
                                            createdAt: ExportValues.date(item["created_at"] ?? item["timestamp"] ?? item["createdAt"]),
                                            model: role == "assistant" ? item["model"]?.stringValue : nil))
        }
        let result = ImportedConversation(
            source: .generic, sourceID: sourceID, title: ExportValues.title(title, messages: messages),
            model: head?["model"]?.stringValue ?? messages.last { $0.model != nil }?.model,
            createdAt: head.flatMap { ExportValues.date($0["created_at"]) } ?? messages.first?.createdAt,
            updatedAt: head.flatMap { ExportValues.date($0["updated_at"]) } ?? messages.last?.createdAt,
            messages: messages)
        try ExportValues.check(result)
        return result
    }

    /// Whether a message list element looks like a generic message (for detection).
    package static func looksLikeMessage(_ value: JSONValue) -> Bool {
        guard value.objectValue != nil else { return false }
        let name = ExportValues.firstString(value["role"], value["sender"], value["author"], value["from"])
        return ExportValues.role(name) != nil && (value["content"] ?? value["text"] ?? value["message"]) != nil
    }

    /// A string, or the texts of a list of parts (`{type: "text", text}` or plain strings).
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): return text
        case .array(let parts):
            return parts.compactMap { part -> String? in
                if let text = part.stringValue { return text }
                guard (part["type"]?.stringValue ?? "text") == "text" else { return nil }
                return part["text"]?.stringValue
            }.joined(separator: "\n")
        case .null: return ""
        default: return nil
        }
    }
}
