import Core
import FoundationEssentials
import Store

/// A stored conversation as every workspace answer shows it (lists, one conversation, imports):
/// described once here, with its schema, so the answers cannot drift apart. Field names are the
/// original system's where it had them (`import_date`, `url`, `title`, `is_locked`);
/// `created_at` is the export's own start time, `updated_at` the last import or edit.
package struct ChatConversation: Codable, Sendable, Equatable {
    package var id: Int
    package var title: String
    package var source: String
    package var sourceID: String?
    package var url: String?
    package var model: String?
    package var messageCount: Int
    package var branchCount: Int
    package var createdAt: String?
    package var updatedAt: String
    package var importDate: String
    package var isLocked: Bool
    /// True once a person renamed it: re-imports keep their title.
    package var titleEdited: Bool

    enum CodingKeys: String, CodingKey {
        case id, title, source, url, model
        case sourceID = "source_id"
        case messageCount = "message_count"
        case branchCount = "branch_count"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case importDate = "import_date"
        case isLocked = "is_locked"
        case titleEdited = "title_edited"
    }

    /// The columns `init(row:)` reads, from `workspace_conversations`.
    package static let selectColumns = """
        id, title, source, source_id, url, model, message_count, branch_count, started_at, updated_at, imported_at, is_locked, title_edited
        """

    package init(row: Row) throws {
        id = try row.int("id")
        title = try row.string("title")
        source = try row.string("source")
        sourceID = row.optionalString("source_id")
        url = row.optionalString("url")
        model = row.optionalString("model")
        messageCount = try row.int("message_count")
        branchCount = try row.int("branch_count")
        createdAt = row.optionalDate("started_at").map { Timestamp.format($0) }
        updatedAt = Timestamp.format(try row.date("updated_at"))
        importDate = Timestamp.format(try row.date("imported_at"))
        isLocked = row.bool("is_locked")
        titleEdited = row.bool("title_edited")
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "title": Schema.string(),
        "source": Schema.string(enum: ChatSource.allCases.map(\.rawValue)),
        "source_id": Schema.nullable(Schema.string()), "url": Schema.nullable(Schema.string()), "model": Schema.nullable(Schema.string()),
        "message_count": Schema.integer(minimum: 0), "branch_count": Schema.integer(minimum: 0),
        "created_at": Schema.nullable(Schema.string(format: "date-time")), "updated_at": Schema.string(format: "date-time"),
        "import_date": Schema.string(format: "date-time"), "is_locked": Schema.boolean(), "title_edited": Schema.boolean(),
    ], required: ["id", "title", "source", "message_count", "branch_count", "updated_at", "import_date", "is_locked"])
}

/// One stored message as `get-chat` answers it, in transcript (or branch) order.
package struct ChatMessage: Codable, Sendable, Equatable {
    package var nodeID: String?
    package var role: String
    package var content: String
    package var blocks: [MessageBlock]
    package var createdAt: String?
    package var model: String?
    package var attachments: [String]
    package var partial: Bool

    enum CodingKeys: String, CodingKey {
        case role, content, blocks, model, attachments, partial
        case nodeID = "node_id"
        case createdAt = "created_at"
    }

    package init(row: Row) throws {
        nodeID = row.optionalString("node_id")
        role = try row.string("role")
        content = try row.string("content")
        blocks = try (row.json("blocks").arrayValue ?? []).map { block in
            MessageBlock(type: block["type"]?.stringValue ?? "text", text: block["text"]?.stringValue ?? "", name: block["name"]?.stringValue)
        }
        createdAt = row.optionalDate("created_at").map { Timestamp.format($0) }
        model = row.optionalString("model")
        attachments = try row.decode("attachments", as: [String].self)
        partial = row.bool("partial")
    }

    package static let schema: JSONValue = Schema.object([
        "node_id": Schema.nullable(Schema.string()), "role": Schema.string(), "content": Schema.string(),
        "blocks": Schema.array(MessageBlock.schema), "created_at": Schema.nullable(Schema.string(format: "date-time")),
        "model": Schema.nullable(Schema.string()), "attachments": Schema.array(Schema.string()), "partial": Schema.boolean(),
    ], required: ["role", "content", "blocks", "attachments", "partial"])
}

/// A path of a branching chat that is not the transcript, as `get-chat` answers it on request:
/// `forks_from` is the node id of the transcript message it continues from (null: the root).
package struct ChatBranch: Codable, Sendable, Equatable {
    package var forksFrom: String?
    package var messages: [ChatMessage]

    enum CodingKeys: String, CodingKey {
        case messages
        case forksFrom = "forks_from"
    }

    package static let schema: JSONValue = Schema.object([
        "forks_from": Schema.nullable(Schema.string()), "messages": Schema.array(ChatMessage.schema),
    ], required: ["messages"])
}
