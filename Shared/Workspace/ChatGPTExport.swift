import Core
import FoundationEssentials

/// One ChatGPT conversation (an element of `conversations.json`, a file of the 2026 ZIP export,
/// or what a share page carries) to the imported shape. The transcript is the path from the root
/// to `current_node`, found by walking `parent` links back (children lists are incomplete in some
/// exports and keys are in no order); every other leaf becomes a branch of the nodes no earlier
/// path holds, hanging off the nearest message of that path. A missing parent or a cycle on the
/// transcript is a problem; one elsewhere drops only the side nodes that cannot be walked. Linear
/// in the nodes.
package enum ChatGPTExport {
    /// Branches kept per conversation (the most recent leaves first); older ones are dropped (a
    /// chat regenerated hundreds of times keeps its 50 latest alternatives).
    package static let maximumBranches = 50

    /// Throws an `ImportProblem` (index 0; the caller sets the position) saying what is wrong.
    package static func conversation(from json: JSONValue) throws -> ImportedConversation {
        guard let fields = json.objectValue else { throw ImportProblem(index: 0, reason: "a ChatGPT conversation must be an object") }
        let title = fields["title"]?.stringValue
        let sourceID = ExportValues.id(fields["id"]) ?? ExportValues.id(fields["conversation_id"])
        func problem(_ reason: String) -> ImportProblem { ImportProblem(index: 0, title: title, sourceID: sourceID, reason: reason) }
        guard let mapping = fields["mapping"]?.objectValue else { throw problem("no \"mapping\" of messages") }
        let defaultModel = fields["default_model_slug"]?.stringValue

        // Every node yields at most one message, so a mapping within the cap cannot exceed it later.
        guard mapping.count <= ExportValues.maximumMessages else {
            throw problem("\(mapping.count) nodes; at most \(ExportValues.maximumMessages) messages are kept per conversation")
        }
        var parent: [String: String] = [:]
        parent.reserveCapacity(mapping.count)
        var hasChild: Set<String> = []
        for (key, node) in mapping {
            guard let parentID = node["parent"]?.stringValue else { continue }
            parent[key] = parentID
            if mapping[parentID] != nil { hasChild.insert(parentID) }
        }

        let leaves = mapping.keys.filter { !hasChild.contains($0) }
        let currentNode = fields["current_node"]?.stringValue.flatMap { mapping[$0] != nil ? $0 : nil }
            ?? leaves.max { nodeTime(mapping[$0]) < nodeTime(mapping[$1]) || (nodeTime(mapping[$0]) == nodeTime(mapping[$1]) && $0 > $1) }
        guard let activeLeaf = currentNode else { throw problem("no messages") }

        // The active path must be whole: a missing parent or a cycle on it refuses the conversation.
        var activePath: [String] = []
        var emitted: Set<String> = []
        var current: String? = activeLeaf
        while let node = current {
            guard emitted.insert(node).inserted else { throw problem("cycle through node \"\(node.prefixed(60))\"") }
            activePath.append(node)
            current = parent[node]
            if let up = current, mapping[up] == nil {
                throw problem("missing parent \"\(up.prefixed(60))\" of node \"\(node.prefixed(60))\"")
            }
        }
        activePath.reverse()
        let messages = activePath.compactMap { message(mapping[$0], key: $0, defaultModel: defaultModel) }

        // Other leaves, newest first. Each walk goes up only to the first node already emitted (the
        // active path or an earlier branch), so a branch holds only its new nodes and every node is
        // walked once. A side walk that meets a missing parent or a cycle is dropped (its nodes are
        // remembered as broken), the transcript is kept.
        let otherLeaves = leaves.filter { !emitted.contains($0) }
            .sorted { nodeTime(mapping[$0]) > nodeTime(mapping[$1]) || (nodeTime(mapping[$0]) == nodeTime(mapping[$1]) && $0 < $1) }
        var broken: Set<String> = []
        var branches: [ImportedBranch] = []
        for leaf in otherLeaves.prefix(maximumBranches) {
            var path: [String] = []
            var onPath: Set<String> = []
            var node: String? = leaf
            var intact = true
            while let id = node, !emitted.contains(id) {
                guard mapping[id] != nil, !broken.contains(id), onPath.insert(id).inserted else { intact = false; break }
                path.append(id)
                node = parent[id]
            }
            guard intact else { broken.formUnion(path); continue }
            emitted.formUnion(path)
            let branchMessages = path.reversed().compactMap { message(mapping[$0], key: $0, defaultModel: defaultModel) }
            guard !branchMessages.isEmpty else { continue }
            let fork = node.flatMap { forkPoint(from: $0, parent: parent, mapping: mapping, defaultModel: defaultModel) }
            branches.append(ImportedBranch(forksFrom: fork, messages: branchMessages))
        }

        let result = ImportedConversation(
            source: .chatgpt, sourceID: sourceID, title: ExportValues.title(title, messages: messages),
            model: defaultModel ?? messages.last { $0.model != nil }?.model,
            createdAt: ExportValues.date(fields["create_time"]), updatedAt: ExportValues.date(fields["update_time"]),
            messages: messages, branches: branches)
        try ExportValues.check(result)
        return result
    }

    /// The id of the nearest transcript message at or above `node` (hidden and empty nodes are
    /// not in the transcript, so a branch hangs off the closest visible one; nil: the root).
    private static func forkPoint(from node: String, parent: [String: String], mapping: [String: JSONValue], defaultModel: String?) -> String? {
        var current: String? = node
        while let id = current {
            if let message = message(mapping[id], key: id, defaultModel: defaultModel) { return message.id }
            current = parent[id]
        }
        return nil
    }

    private static func nodeTime(_ node: JSONValue?) -> Double {
        node?["message"]?["create_time"]?.doubleValue ?? 0
    }

    /// The node's message as imported; nil for nodes that are not shown (no message, hidden
    /// system or context messages, empty content).
    private static func message(_ node: JSONValue?, key: String, defaultModel: String?) -> ImportedMessage? {
        guard let node, let message = node["message"], message.objectValue != nil else { return nil }
        let metadata = message["metadata"]
        if metadata?["is_visually_hidden_from_conversation"]?.boolValue == true { return nil }
        let contentValue = message["content"]
        let contentType = contentValue?["content_type"]?.stringValue ?? "text"
        if contentType == "user_editable_context" || contentType == "model_editable_context" { return nil }
        guard let role = ExportValues.role(message["author"]?["role"]?.stringValue) else { return nil }

        var names = ExportValues.AttachmentNames()
        var text: [String] = []
        for part in contentValue?["parts"]?.arrayValue ?? [] {
            switch part {
            case .string(let string): if !string.isEmpty { text.append(string) }
            case .object:
                let name = part["name"]?.stringValue
                if part["content_type"]?.stringValue == "image_asset_pointer" || part["asset_pointer"] != nil {
                    text.append("[image]")
                } else if let partText = part["text"]?.stringValue, !partText.isEmpty {
                    text.append(partText)
                }
                names.add(name)
            default: break
            }
        }
        if text.isEmpty, let whole = contentValue?["text"]?.stringValue, !whole.isEmpty { text.append(whole) }
        for attachment in metadata?["attachments"]?.arrayValue ?? [] { names.add(attachment["name"]?.stringValue) }
        let attachments = names.names
        var blocks: [MessageBlock] = []
        switch contentType {
        case "text", "multimodal_text": break
        case "thoughts":
            let thoughts = (contentValue?["thoughts"]?.arrayValue ?? []).compactMap { $0["content"]?.stringValue }
            if !thoughts.isEmpty { blocks.append(MessageBlock(type: "thinking", text: thoughts.joined(separator: "\n\n"))) }
            text = []
        case "reasoning_recap":
            if let recap = contentValue?["content"]?.stringValue { blocks.append(MessageBlock(type: "thinking", text: recap)) }
            text = []
        case "code":
            blocks.append(MessageBlock(type: "code", text: text.joined(separator: "\n"), name: contentValue?["language"]?.stringValue))
        case "execution_output":
            blocks.append(MessageBlock(type: "tool_result", text: text.joined(separator: "\n")))
        default:
            if !text.isEmpty { blocks.append(MessageBlock(type: contentType, text: text.joined(separator: "\n"))) }
        }
        let content = text.joined(separator: "\n")
        guard !content.isEmpty || !blocks.isEmpty || !attachments.isEmpty else { return nil }
        if role == "system", content.isEmpty { return nil }
        let status = message["status"]?.stringValue
        let finish = metadata?["finish_details"]?["type"]?.stringValue
        return ImportedMessage(
            id: message["id"]?.stringValue ?? node["id"]?.stringValue ?? key, role: role, content: content, blocks: blocks,
            createdAt: ExportValues.date(message["create_time"]),
            model: role == "assistant" ? (metadata?["model_slug"]?.stringValue ?? defaultModel) : nil,
            attachments: attachments, partial: finish == "interrupted" || status == "in_progress")
    }
}
