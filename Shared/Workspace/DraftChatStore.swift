import Core
import FoundationEssentials
import Store

/// One message of the chat about a project draft, as stored and answered.
package struct DraftChatMessage: Codable, Sendable, Hashable {
    package enum Role: String, Codable, Sendable { case user, assistant }
    /// `partial`: the stream failed after some text (kept, with `error`); `failed`: nothing arrived.
    package enum Status: String, Codable, Sendable { case complete, partial, failed }

    package var id: Int
    package var conversationID: Int
    package var sequenceNumber: Int
    package var role: Role
    package var content: String
    package var status: Status
    package var error: String?
    /// What tools ran for this answer: `[{id, name, arguments, result, ok}]`; empty for none.
    package var toolCalls: [JSONValue]
    package var provider: String?
    package var model: String?
    package var promptVersion: String?
    package var sentBy: String?
    package var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, role, content, status, error, provider, model
        case conversationID = "conversation_id"
        case sequenceNumber = "sequence_number"
        case toolCalls = "tool_calls"
        case promptVersion = "prompt_version"
        case sentBy = "sent_by"
        case createdAt = "created_at"
    }

    /// Every key is written, absent values as null (the schema lists them all).
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(sequenceNumber, forKey: .sequenceNumber)
        try container.encode(role, forKey: .role)
        try container.encode(content, forKey: .content)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(toolCalls, forKey: .toolCalls)
        try container.encode(provider, forKey: .provider)
        try container.encode(model, forKey: .model)
        try container.encode(promptVersion, forKey: .promptVersion)
        try container.encode(sentBy, forKey: .sentBy)
        try container.encode(createdAt, forKey: .createdAt)
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1),
        "conversation_id": Schema.integer(minimum: 1),
        "sequence_number": Schema.integer("1, 2, 3… in the order the messages were written", minimum: 1),
        "role": Schema.string(enum: ["user", "assistant"]),
        "content": Schema.string(),
        "status": Schema.string("partial: the answer stopped early (see error); failed: no text arrived", enum: ["complete", "partial", "failed"]),
        "error": Schema.nullable(Schema.string()),
        "tool_calls": Schema.array(Schema.object([
            "id": Schema.string(), "name": Schema.string(enum: DraftChatTools.names), "arguments": Schema.any,
            "result": Schema.string("What the tool answered the model (or its error)"), "ok": Schema.boolean(),
        ]), "The tools the assistant ran for this answer, in order"),
        "provider": Schema.nullable(Schema.string()),
        "model": Schema.nullable(Schema.string()),
        "prompt_version": Schema.nullable(Schema.string()),
        "sent_by": Schema.nullable(Schema.string("The principal that sent a user message")),
        "created_at": Schema.string(),
    ])
}

/// The chat messages in the database (`DraftChatSchema`).
package struct DraftChatStore: Sendable {
    package let database: any Database

    /// How often an append retries when a racing writer took the same sequence number (possible
    /// on PostgreSQL under read committed; SQLite serialises writers).
    static let appendAttempts = 3

    package init(database: any Database) {
        self.database = database
    }

    /// What a new message holds besides its place in the chat.
    package struct NewMessage: Sendable {
        package var role: DraftChatMessage.Role
        package var content: String
        package var status: DraftChatMessage.Status = .complete
        package var error: String?
        package var toolCalls: [JSONValue] = []
        package var provider: String?
        package var model: String?
        package var promptVersion: String?
        package var sentBy: String?

        package init(role: DraftChatMessage.Role, content: String, status: DraftChatMessage.Status = .complete, error: String? = nil,
                     toolCalls: [JSONValue] = [], provider: String? = nil, model: String? = nil, promptVersion: String? = nil,
                     sentBy: String? = nil) {
            self.role = role
            self.content = content
            self.status = status
            self.error = error
            self.toolCalls = toolCalls
            self.provider = provider
            self.model = model
            self.promptVersion = promptVersion
            self.sentBy = sentBy
        }
    }

    package func conversationExists(_ id: Int) throws -> Bool {
        try database.read { sql in try sql.queryOne("SELECT id FROM workspace_conversations WHERE id = ?", id) != nil }
    }

    /// Appends a message numbered one past the conversation's highest, in one statement inside one
    /// write transaction; `requireUnlocked` also refuses a locked conversation in that transaction
    /// (a person's message; the assistant's answer is saved even when its own tool locked it).
    package func append(_ message: NewMessage, conversationID: Int, requireUnlocked: Bool, now: Date) throws -> DraftChatMessage {
        var attempt = 1
        while true {
            do {
                return try database.write { sql in
                    if requireUnlocked { try ConversationLock.requireUnlocked(sql, conversationID: conversationID) }
                    guard let row = try sql.queryOne("""
                        INSERT INTO workspace_chat_messages (conversation_id, sequence_number, role, content, status, error, tool_calls,
                            provider, model, prompt_version, sent_by, created_at)
                        SELECT ?, COALESCE(MAX(sequence_number), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
                        FROM workspace_chat_messages WHERE conversation_id = ?
                        RETURNING *
                        """, [conversationID, message.role.rawValue, message.content, message.status.rawValue,
                              message.error.map { String($0.prefix(1_000)) }, JSONValue.array(message.toolCalls),
                              message.provider, message.model, message.promptVersion, message.sentBy, now, conversationID])
                    else { throw BundleError(.internal, "the chat message was not stored") }
                    return try Self.message(row)
                }
            } catch let error as DatabaseError where error.kind == .uniqueViolation && attempt < Self.appendAttempts {
                attempt += 1
            }
        }
    }

    /// The conversation's messages in order: `limit` from `offset`, and how many there are.
    package func messages(conversationID: Int, limit: Int, offset: Int) throws -> (messages: [DraftChatMessage], total: Int) {
        try database.read { sql in
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM workspace_chat_messages WHERE conversation_id = ?", conversationID)?
                .int("n") ?? 0
            let rows = try sql.query("""
                SELECT * FROM workspace_chat_messages WHERE conversation_id = ? ORDER BY sequence_number LIMIT ? OFFSET ?
                """, conversationID, limit, offset)
            return (try rows.map(Self.message), total)
        }
    }

    /// The newest `count` messages, oldest first (the history a turn sends the model).
    package func recent(conversationID: Int, count: Int) throws -> [DraftChatMessage] {
        try database.read { sql in
            try sql.query("""
                SELECT * FROM workspace_chat_messages WHERE conversation_id = ? ORDER BY sequence_number DESC LIMIT ?
                """, conversationID, count).map(Self.message).reversed()
        }
    }

    private static func message(_ row: Row) throws -> DraftChatMessage {
        let calls = try row.optionalJSON("tool_calls")?.arrayValue ?? []
        return DraftChatMessage(id: try row.int("id"), conversationID: try row.int("conversation_id"), sequenceNumber: try row.int("sequence_number"),
                                role: DraftChatMessage.Role(rawValue: try row.string("role")) ?? .assistant, content: try row.string("content"),
                                status: DraftChatMessage.Status(rawValue: try row.string("status")) ?? .failed, error: row.optionalString("error"),
                                toolCalls: calls, provider: row.optionalString("provider"), model: row.optionalString("model"),
                                promptVersion: row.optionalString("prompt_version"), sentBy: row.optionalString("sent_by"),
                                createdAt: try row.string("created_at"))
    }
}
