import Core
import FoundationEssentials

/// One Grok conversation to the imported shape: an element of the export's `conversations` list
/// (`{conversation, responses: [{response: {…}}]}`, snake_case, Mongo-style dates) or the share
/// API's answer (`{conversation, responses: […]}`, camelCase). Responses may branch through their
/// parent ids: the transcript is the chain ending at the latest response, other leaves are branches
/// of the responses no earlier path holds, forking from the nearest non-empty response above them.
package enum GrokExport {
    /// Branches kept per conversation (most recent leaves first).
    package static let maximumBranches = 50

    /// Throws an `ImportProblem` (index 0; the caller sets the position) saying what is wrong.
    package static func conversation(from json: JSONValue) throws -> ImportedConversation {
        guard json.objectValue != nil else { throw ImportProblem(index: 0, reason: "a Grok conversation must be an object") }
        let head = json["conversation"] ?? json
        let title = head["title"]?.stringValue
        let sourceID = ExportValues.id(head["id"]) ?? ExportValues.id(head["conversationId"]) ?? ExportValues.id(head["conversation_id"])
        func problem(_ reason: String) -> ImportProblem { ImportProblem(index: 0, title: title, sourceID: sourceID, reason: reason) }
        guard let list = json["responses"]?.arrayValue else { throw problem("no \"responses\" list") }
        guard list.count <= ExportValues.maximumMessages else {
            throw problem("\(list.count) responses; at most \(ExportValues.maximumMessages) messages are kept per conversation")
        }

        struct Node { var message: ImportedMessage; var parent: String?; var order: Int }
        var nodes: [String: Node] = [:]
        var order: [String] = []
        for (position, item) in list.enumerated() {
            let response = item["response"] ?? item
            guard response.objectValue != nil else { continue }
            guard let role = ExportValues.role(response["sender"]?.stringValue) else {
                throw problem("response \(position) has no known sender (human or assistant)")
            }
            let id = ExportValues.id(response["_id"]) ?? ExportValues.id(response["responseId"]) ?? ExportValues.id(response["id"])
                ?? "response-\(position)"
            let text = response["message"]?.stringValue ?? ""
            let message = ImportedMessage(
                id: id, role: role, content: text,
                createdAt: ExportValues.date(response["create_time"] ?? response["createTime"]),
                model: role == "assistant" ? response["model"]?.stringValue : nil,
                partial: response["partial"]?.boolValue ?? false)
            let parent = ExportValues.id(response["parent_response_id"]) ?? ExportValues.id(response["parentResponseId"])
            if nodes.updateValue(Node(message: message, parent: parent, order: position), forKey: id) == nil { order.append(id) }
        }
        // A parent that is not in the list starts a chain of its own (share pages cut history).
        var parent: [String: String] = [:]
        var hasChild: Set<String> = []
        for (id, node) in nodes {
            if let up = node.parent, up != id, nodes[up] != nil { parent[id] = up; hasChild.insert(up) }
        }
        let linear = parent.isEmpty
        func later(_ a: String, _ b: String) -> Bool {
            let (x, y) = (nodes[a]!, nodes[b]!)
            let (tx, ty) = (x.message.createdAt ?? .distantPast, y.message.createdAt ?? .distantPast)
            return tx != ty ? tx > ty : x.order > y.order
        }
        var messages: [ImportedMessage] = []
        var branches: [ImportedBranch] = []
        if linear {
            messages = order.map { nodes[$0]!.message }.filter { !$0.content.isEmpty }
        } else {
            // Cycle check: every walk up must end within the node count.
            var depthKnown: Set<String> = []
            for start in order where !depthKnown.contains(start) {
                var seen: Set<String> = []
                var current: String? = start
                while let id = current, !depthKnown.contains(id) {
                    guard seen.insert(id).inserted else { throw problem("cycle through response \"\(id.prefixed(60))\"") }
                    current = parent[id]
                }
                depthKnown.formUnion(seen)
            }
            let leaves = order.filter { !hasChild.contains($0) }.sorted(by: later)
            guard let latest = leaves.first else { throw problem("no messages") }
            var active: [String] = []
            var current: String? = latest
            while let id = current { active.append(id); current = parent[id] }
            active.reverse()
            var emitted = Set(active)
            messages = active.map { nodes[$0]!.message }.filter { !$0.content.isEmpty }
            // Each branch is the nodes no earlier path holds; it forks from the nearest kept
            // (non-empty) response above them, so every node is walked once.
            func forkPoint(_ start: String?) -> String? {
                var current = start
                while let id = current, nodes[id]!.message.content.isEmpty { current = parent[id] }
                return current
            }
            for leaf in leaves.dropFirst().prefix(maximumBranches) {
                var path: [String] = []
                var node: String? = leaf
                while let id = node, !emitted.contains(id) { path.append(id); node = parent[id] }
                emitted.formUnion(path)
                let branchMessages = path.reversed().map { nodes[$0]!.message }.filter { !$0.content.isEmpty }
                if !branchMessages.isEmpty { branches.append(ImportedBranch(forksFrom: forkPoint(node), messages: branchMessages)) }
            }
        }
        let result = ImportedConversation(
            source: .grok, sourceID: sourceID, title: ExportValues.title(title, messages: messages),
            model: messages.last { $0.model != nil }?.model,
            createdAt: ExportValues.date(head["create_time"] ?? head["createTime"]),
            updatedAt: ExportValues.date(head["modify_time"] ?? head["modifyTime"]),
            messages: messages, branches: branches)
        try ExportValues.check(result)
        return result
    }
}
