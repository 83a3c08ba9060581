import Core
import FoundationEssentials

/// One Claude conversation (an element of Claude's `conversations.json`, or what a share page
/// carries) to the imported shape. A message's `content` text blocks are what it says; `thinking`,
/// `tool_use` and `tool_result` blocks are kept as blocks, not in the text; `text` is the fallback
/// for exports without `content`. Claude exports name no model.
package enum ClaudeExport {
    /// Throws an `ImportProblem` (index 0; the caller sets the position) saying what is wrong.
    package static func conversation(from json: JSONValue) throws -> ImportedConversation {
        guard let fields = json.objectValue else { throw ImportProblem(index: 0, reason: "a Claude conversation must be an object") }
        let name = fields["name"]?.stringValue
        let sourceID = ExportValues.id(fields["uuid"])
        guard let list = fields["chat_messages"]?.arrayValue else {
            throw ImportProblem(index: 0, title: name, sourceID: sourceID, reason: "no \"chat_messages\" list")
        }
        var messages: [ImportedMessage] = []
        messages.reserveCapacity(list.count)
        for (position, item) in list.enumerated() {
            guard item.objectValue != nil else { continue }
            guard let role = ExportValues.role(item["sender"]?.stringValue ?? item["role"]?.stringValue) else {
                throw ImportProblem(index: 0, title: name, sourceID: sourceID,
                                    reason: "message \(position) has no known sender (human or assistant)")
            }
            if let message = message(item, role: role) { messages.append(message) }
        }
        let result = ImportedConversation(
            source: .claude, sourceID: sourceID, title: ExportValues.title(name, messages: messages),
            createdAt: ExportValues.date(fields["created_at"]), updatedAt: ExportValues.date(fields["updated_at"]),
            messages: messages)
        try ExportValues.check(result)
        return result
    }

    /// The message: text blocks joined are its content; when it also has other blocks, `blocks`
    /// keeps all of them in export order (text included), so the structure survives.
    private static func message(_ item: JSONValue, role: String) -> ImportedMessage? {
        let all = (item["content"]?.arrayValue ?? []).compactMap(block)
        var text = all.filter { $0.type == "text" }.map(\.text)
        let hasStructure = all.contains { $0.type != "text" }
        if text.isEmpty, let fallback = item["text"]?.stringValue, !fallback.isEmpty { text.append(fallback) }
        var names = ExportValues.AttachmentNames()
        for list in [item["attachments"]?.arrayValue ?? [], item["files"]?.arrayValue ?? []] {
            for attachment in list { names.add(ExportValues.firstString(attachment["file_name"], attachment["name"])) }
        }
        let attachments = names.names
        let content = text.joined(separator: "\n\n")
        guard !content.isEmpty || hasStructure || !attachments.isEmpty else { return nil }
        return ImportedMessage(id: ExportValues.id(item["uuid"]), role: role, content: content, blocks: hasStructure ? all : [],
                               createdAt: ExportValues.date(item["created_at"]), attachments: attachments)
    }

    private static func block(_ block: JSONValue) -> MessageBlock? {
        let type = block["type"]?.stringValue ?? "text"
        let name = block["name"]?.stringValue
        switch type {
        case "text":
            return block["text"]?.stringValue.flatMap { $0.isEmpty ? nil : MessageBlock(type: "text", text: $0) }
        case "thinking":
            return ExportValues.firstString(block["thinking"], block["text"]).map { MessageBlock(type: "thinking", text: $0) }
        case "tool_use":
            return MessageBlock(type: "tool_use", text: block["input"].map { ExportValues.text(of: $0) } ?? "", name: name)
        case "tool_result":
            return MessageBlock(type: "tool_result", text: resultText(block["content"]) ?? block["text"]?.stringValue ?? "", name: name)
        default:
            return ExportValues.firstString(block["text"], block["content"]).map { MessageBlock(type: type, text: $0, name: name) }
        }
    }

    /// A tool result's content: a string, or a list of `{type: text, text}` blocks.
    private static func resultText(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text): text
        case .array(let items): items.compactMap { $0["text"]?.stringValue ?? $0.stringValue }.joined(separator: "\n")
        case .some(let other) where other != .null: ExportValues.text(of: other)
        default: nil
        }
    }
}
