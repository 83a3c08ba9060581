import Core
import Runtime
import Store

/// `GET /campaigns/{id}/conversations`: the campaign's conversations, by status, paged.
package struct ListConversationsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var status: String?
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var campaignID: Int
        var conversations: [Conversation]
        var total: Int
        var limit: Int
        var offset: Int

        enum CodingKeys: String, CodingKey {
            case conversations, total, limit, offset
            case campaignID = "campaign_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "list-conversations",
        summary: "Lists a campaign's conversations (status, turns, extracted data), optionally by status.",
        routes: [Route("GET", "/campaigns/{id:int}/conversations")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1), "status": Schema.string(enum: Conversation.statuses),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200), "offset": Schema.integer(minimum: 0),
        ], required: ["id"]),
        output: Schema.object([
            "campaign_id": Schema.integer(), "conversations": Schema.array(Conversation.schema), "total": Schema.integer(minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.status, allowed: Conversation.statuses, limit: input.limit, offset: input.offset)
        return try context.database().read { sql in
            guard try sql.queryOne("SELECT 1 FROM campaigns WHERE id = ?", input.id) != nil else {
                throw BundleError(.notFound, "no campaign with id \(input.id)")
            }
            var filter = "WHERE c.campaign_id = ?"
            var arguments: [any SQLBindable] = [input.id]
            if let status = input.status {
                filter += " AND c.status = ?"
                arguments.append(status)
            }
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM conversations c \(filter)", arguments)?.int("n") ?? 0
            let rows = try sql.query("\(Conversation.selectSQL) \(filter) ORDER BY c.id LIMIT ? OFFSET ?", arguments + [page.limit, page.offset])
            return Output(campaignID: input.id, conversations: try rows.map { try Conversation(row: $0) }, total: total,
                          limit: page.limit, offset: page.offset)
        }
    }
}

/// `GET /conversations/{id}`: one conversation with its whole transcript.
package struct GetConversationHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-conversation",
        summary: "One conversation: status, extracted data, missing fields and the full transcript.",
        routes: [Route("GET", "/conversations/{id:int}")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Conversation.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Conversation {
        try context.database().read { sql in
            guard let row = try sql.queryOne("\(Conversation.selectSQL) WHERE c.id = ?", input.id) else {
                throw BundleError(.notFound, "no conversation with id \(input.id)")
            }
            let messages = try sql.query("SELECT * FROM messages WHERE conversation_id = ? \(Message.threadOrder)", input.id).map(Message.init(row:))
            return try Conversation(row: row, messages: messages)
        }
    }
}
