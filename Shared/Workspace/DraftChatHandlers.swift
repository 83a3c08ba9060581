import Core
import Runtime

/// `GET /api/conversations/{id}/project-draft/chat`: the chat about the draft, oldest first (a
/// page: `limit`, default and most 500, from `offset`), with whether the conversation is locked.
package struct GetDraftChatHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var limit: Int?
        var offset: Int?
    }

    static let maximumLimit = 500

    package static let manifest = FunctionManifest(
        name: "get-draft-chat",
        summary: "The chat about a conversation's project draft, oldest first (pages of up to 500), with the conversation's locked state.",
        routes: [Route("GET", "/api/conversations/{id:int}/project-draft/chat")],
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1),
                              "limit": Schema.integer("At most this many messages (default and most 500)", minimum: 1, maximum: maximumLimit),
                              "offset": Schema.integer("Skip this many of the oldest (default 0)", minimum: 0)],
                             required: ["id"]),
        output: DraftChatHistoryAnswer.schema,
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> DraftChatHistoryAnswer {
        let store = DraftChatStore(database: try context.database())
        guard try store.conversationExists(input.id) else { throw BundleError(.notFound, "conversation \(input.id) does not exist") }
        let limit = input.limit ?? Self.maximumLimit
        let offset = input.offset ?? 0
        let page = try store.messages(conversationID: input.id, limit: limit, offset: offset)
        let project = try ProjectCreation.project(conversationID: input.id, context: context)
        let locked = try store.database.read { try ConversationLock.isLocked($0, conversationID: input.id) }
        return DraftChatHistoryAnswer(conversationID: input.id, messages: page.messages, total: page.total, limit: limit, offset: offset,
                                      conversationLocked: locked || project != nil, project: project.map(LinearProjectAnswer.init))
    }
}

/// `POST /api/conversations/{id}/project-draft/chat/stream`: one message to the assistant about
/// the draft, answered as Server-Sent Events (`status`, `content`, `project_updated`,
/// `conversation_locked`, then `done` with this function's document or `error`) when asked for
/// `text/event-stream`, else as that one document. See `DraftChatTurn`.
package struct StreamDraftChatHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var message: String
    }

    static let maximumMessage = 10_000

    package static let manifest = FunctionManifest(
        name: "stream-draft-chat",
        summary: "Sends a message about a conversation's project draft; the assistant answers (streamed as Server-Sent Events when asked) and may rename or rewrite the draft or create the Linear project with tools.",
        routes: [Route("POST", "/api/conversations/{id:int}/project-draft/chat/stream")],
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1),
                              "message": Schema.string("What the person says (1–10,000 characters)", minLength: 1, maxLength: maximumMessage)]),
        output: DraftChatTurnAnswer.schema,
        timeoutSeconds: 300,
        streams: true
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> DraftChatTurnAnswer {
        let message = StorableText.clean(input.message).trimmingWhitespace()
        guard !message.isEmpty else { throw BundleError.validation(field: "message", "must not be blank") }
        let turn = DraftChatTurn(context: context, store: DraftChatStore(database: try context.database()), drafts: try DraftChatDrafts.live(context))
        return try await turn.run(conversationID: input.id, message: message)
    }
}
