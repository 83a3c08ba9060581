import Core
import FoundationEssentials

/// Where an imported conversation came from. The raw value is stored and answered as `source`.
package enum ChatSource: String, Codable, Sendable, CaseIterable {
    case chatgpt, claude, grok, generic, slack
}

/// One conversation as an importer read it (an export file, a share page, a Slack thread), before
/// it is stored: the one shape every importer produces and `ConversationStore.save` takes.
/// `messages` is the active branch in order (the transcript); `branches` keeps the other paths of
/// a branching chat (edited prompts, regenerated answers), each hanging off a message of the
/// transcript (or the root).
package struct ImportedConversation: Sendable, Equatable {
    package var source: ChatSource
    /// The export's own id (ChatGPT `id`/`conversation_id`, Claude `uuid`, Grok `conversationId`,
    /// Slack `channel:thread_ts`); re-importing the same id updates the stored conversation.
    package var sourceID: String?
    /// The share URL it was fetched from, if any (also a re-import key when there is no id).
    package var url: String?
    package var title: String
    /// The conversation's model when the export names one for the whole chat.
    package var model: String?
    package var createdAt: Date?
    package var updatedAt: Date?
    package var messages: [ImportedMessage]
    package var branches: [ImportedBranch]

    package init(source: ChatSource, sourceID: String? = nil, url: String? = nil, title: String, model: String? = nil,
                 createdAt: Date? = nil, updatedAt: Date? = nil, messages: [ImportedMessage], branches: [ImportedBranch] = []) {
        self.source = source
        self.sourceID = sourceID
        self.url = url
        self.title = title
        self.model = model
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.messages = messages
        self.branches = branches
    }
}

/// One message of an imported transcript. `content` is what a reader sees (the text blocks);
/// `blocks` keeps the structure when the message had more than text (Claude's `thinking`,
/// `tool_use`, `tool_result`; ChatGPT's code and tool output), in order.
package struct ImportedMessage: Sendable, Equatable {
    /// The export's node or message id (ChatGPT node id, Claude/Grok message uuid).
    package var id: String?
    /// `user`, `assistant`, `system` or `tool` (importers map their own names: `human` → `user`).
    package var role: String
    package var content: String
    package var blocks: [MessageBlock]
    package var createdAt: Date?
    package var model: String?
    /// The names of attached files, as the export gives them.
    package var attachments: [String]
    /// True when the export marks the message unfinished (interrupted, `partial`, in progress).
    package var partial: Bool

    package init(id: String? = nil, role: String, content: String, blocks: [MessageBlock] = [], createdAt: Date? = nil,
                 model: String? = nil, attachments: [String] = [], partial: Bool = false) {
        self.id = id
        self.role = role
        self.content = content
        self.blocks = blocks
        self.createdAt = createdAt
        self.model = model
        self.attachments = attachments
        self.partial = partial
    }
}

/// A structured part of a message: `text`, `thinking`, `tool_use` (name and input as text),
/// `tool_result`, `code`, or another type the export names.
package struct MessageBlock: Codable, Sendable, Equatable {
    package var type: String
    package var text: String
    package var name: String?

    package init(type: String, text: String, name: String? = nil) {
        self.type = type
        self.text = text
        self.name = name
    }

    package static let schema: JSONValue = Schema.object([
        "type": Schema.string(), "text": Schema.string(), "name": Schema.nullable(Schema.string()),
    ], required: ["type", "text"])
}

/// A path of a branching chat that is not the transcript: the messages from the fork to a leaf.
/// `forksFrom` is the id of the transcript message it continues from (nil: from the root).
package struct ImportedBranch: Sendable, Equatable {
    package var forksFrom: String?
    package var messages: [ImportedMessage]

    package init(forksFrom: String?, messages: [ImportedMessage]) {
        self.forksFrom = forksFrom
        self.messages = messages
    }
}

/// An entry of an export that was not imported, with where it sits in the file and why: an
/// entry with no messages, a cycle or a missing parent, a corrupted file in a ZIP.
package struct ImportProblem: Codable, Sendable, Equatable, Error {
    /// The entry's position in the export (0-based, in file order; for a ZIP, across its files).
    package var index: Int
    package var title: String?
    package var sourceID: String?
    /// The file inside a ZIP the entry came from.
    package var file: String?
    package var reason: String

    package init(index: Int, title: String? = nil, sourceID: String? = nil, file: String? = nil, reason: String) {
        self.index = index
        self.title = title
        self.sourceID = sourceID
        self.file = file
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case index, title, file, reason
        case sourceID = "source_id"
    }

    package static let schema: JSONValue = Schema.object([
        "index": Schema.integer(minimum: 0), "title": Schema.nullable(Schema.string()), "source_id": Schema.nullable(Schema.string()),
        "file": Schema.nullable(Schema.string()), "reason": Schema.string(),
    ], required: ["index", "reason"])
}
