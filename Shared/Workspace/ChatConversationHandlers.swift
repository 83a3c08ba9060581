import Core
import FoundationEssentials
import Runtime

/// `GET /api/conversations`: imported conversations, newest import first, paged; `q` filters
/// titles (case-insensitive substring), `source` the tool they came from.
package struct ListChatsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var q: String?
        var source: String?
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var conversations: [ChatConversation]
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-chats",
        summary: "Imported conversations, newest import first; filters: q (title contains, any case), source.",
        routes: [Route("GET", "/api/conversations")],
        input: Schema.object([
            "q": Schema.string("Text the title contains, or words its words begin with (any case, accents ignored)", maxLength: 300),
            "source": Schema.string(enum: ChatSource.allCases.map(\.rawValue)),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: []),
        output: Schema.object([
            "conversations": Schema.array(ChatConversation.schema), "total": Schema.integer(minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.source, allowed: ChatSource.allCases.map(\.rawValue), limit: input.limit, offset: input.offset,
                              field: "source")
        let store = ConversationStore(database: try context.database())
        let (conversations, total) = try store.list(ConversationStore.ListFilter(query: input.q, source: input.source),
                                                    limit: page.limit, offset: page.offset)
        return Output(conversations: conversations, total: total, limit: page.limit, offset: page.offset)
    }
}

/// `GET /api/conversations/{id}`: the conversation with its transcript (`messages`, in order),
/// `imported_chat` (the same as `{role, content}` pairs, the original system's field) and, with
/// `include_branches=true`, the other branches of a branching chat.
package struct GetChatHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var includeBranches: Bool?

        enum CodingKeys: String, CodingKey {
            case id
            case includeBranches = "include_branches"
        }
    }

    package static let manifest = FunctionManifest(
        name: "get-chat",
        summary: "One imported conversation with its messages in order (and its other branches with include_branches=true).",
        routes: [Route("GET", "/api/conversations/{id:int}")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "include_branches": Schema.boolean("Also answer the branches that are not the transcript (default false)"),
        ], required: ["id"]),
        output: GetChatHandler.outputSchema,
        timeoutSeconds: 10
    )

    static var outputSchema: JSONValue {
        guard case .object(var fields) = ChatConversation.schema, case .object(var properties)? = fields["properties"] else {
            return ChatConversation.schema
        }
        properties["messages"] = Schema.array(ChatMessage.schema)
        properties["branches"] = Schema.array(ChatBranch.schema)
        properties["imported_chat"] = Schema.array(Schema.object(["role": Schema.string(), "content": Schema.string()]),
                                                   "The transcript as {role, content} (the original system's field)")
        fields["properties"] = .object(properties)
        fields["required"] = .array((fields["required"]?.arrayValue ?? []) + ["messages", "imported_chat"])
        return .object(fields)
    }

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        let store = ConversationStore(database: try context.database())
        let includeBranches = input.includeBranches ?? false
        guard let found = try store.detail(input.id, includeBranches: includeBranches) else {
            throw BundleError(.notFound, "no conversation with id \(input.id)")
        }
        guard case .object(var answer) = try JSONValue(encoding: found.conversation) else {
            throw BundleError(.internal, "the conversation could not be encoded")
        }
        answer["messages"] = try JSONValue(encoding: found.messages)
        answer["imported_chat"] = .array(found.messages.map { ["role": .string($0.role), "content": .string($0.content)] })
        if includeBranches { answer["branches"] = try JSONValue(encoding: found.branches) }
        return .object(answer)
    }
}

/// `PATCH /api/conversations/{id}`: a person's title (1–300 characters after trimming), which
/// later re-imports of the same chat keep.
package struct UpdateChatHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var title: String
    }

    package static let manifest = FunctionManifest(
        name: "update-chat",
        summary: "Renames an imported conversation (re-imports keep the new title).",
        routes: [Route("PATCH", "/api/conversations/{id:int}")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "title": Schema.string("1 to 300 characters (trimmed)", minLength: 1, maxLength: 300),
        ], required: ["id", "title"]),
        output: ChatConversation.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ChatConversation {
        let title = StorableText.clean(input.title).trimmingWhitespace()
        guard (1...300).contains(title.count) else {
            throw BundleError.validation(field: "title", title.isEmpty ? "must not be blank" : "must be at most 300 characters")
        }
        let store = ConversationStore(database: try context.database())
        guard let conversation = try store.rename(input.id, title: title, now: context.clock.now()) else {
            throw BundleError(.notFound, "no conversation with id \(input.id)")
        }
        context.logger.info("workspace.chat_renamed", ["conversation": .number(Double(input.id))])
        return conversation
    }
}

/// `DELETE /api/conversations/{id}`: the conversation and everything derived from it (messages,
/// chunks and their search rows, vectors, summaries, attached files' rows), in one transaction;
/// then the files' bytes from storage (best-effort, see `ConversationFileCleanup`).
package struct DeleteChatHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Output: Codable, Sendable {
        var deleted: Bool
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "delete-chat",
        summary: "Deletes an imported conversation with its messages, search index, vectors and summaries.",
        routes: [Route("DELETE", "/api/conversations/{id:int}")],
        input: Schema.object(["id": Schema.integer(minimum: 1)], required: ["id"]),
        output: Schema.object(["deleted": Schema.boolean(), "id": Schema.integer(minimum: 1)]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        guard let fileKeys = try ConversationStore(database: try context.database()).deleteReturningFileKeys(input.id) else {
            throw BundleError(.notFound, "no conversation with id \(input.id)")
        }
        context.logger.info("workspace.chat_deleted", ["conversation": .number(Double(input.id))])
        await ConversationFileCleanup.removeStored(fileKeys, context: context)
        return Output(deleted: true, id: input.id)
    }
}
