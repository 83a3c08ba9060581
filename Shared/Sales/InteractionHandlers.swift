import Core
import Runtime

/// `POST /api/v1/prospects/{id}/interactions` (201): records a touchpoint; `interaction_date`
/// defaults to now and moves the prospect's `last_contacted` forward.
package struct CreateInteractionHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var interactionType: String
        var subject: String?
        var content: String
        var sentiment: String?
        var outcome: String?
        var interactionDate: String?

        enum CodingKeys: String, CodingKey {
            case id, subject, content, sentiment, outcome
            case interactionType = "interaction_type"
            case interactionDate = "interaction_date"
        }
    }

    package static let manifest = FunctionManifest(
        name: "create-interaction",
        summary: "Records an interaction with a prospect (email, meeting, call, event, linkedin); the date defaults to now.",
        routes: [Route("POST", "/api/v1/prospects/{id:int}/interactions")],
        successStatus: 201,
        input: Schema.object([
            "id": Schema.integer("The prospect", minimum: 1),
            "interaction_type": Schema.string(enum: Interaction.types),
            "subject": Schema.nullable(Schema.string(maxLength: 500)),
            "content": Schema.string(minLength: 1, maxLength: 20_000),
            "sentiment": Schema.nullable(Schema.string(maxLength: 100)),
            "outcome": Schema.nullable(Schema.string(maxLength: 2_000)),
            "interaction_date": Schema.string("ISO-8601 time or YYYY-MM-DD (default: now)"),
        ], required: ["id", "interaction_type", "content"]),
        output: Interaction.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Interaction {
        let now = context.clock.now()
        let content = input.content.trimmingWhitespace()
        guard !content.isEmpty else { throw BundleError.validation(field: "content", "must not be blank") }
        var date = now
        if let text = input.interactionDate?.trimmingWhitespace(), !text.isEmpty {
            guard let parsed = Timestamp.parse(text) else {
                throw BundleError.validation(field: "interaction_date", "must be an ISO-8601 time or YYYY-MM-DD, got \"\(text.prefix(40))\"")
            }
            date = parsed
        }
        func optional(_ text: String?) -> String? { text?.trimmingWhitespace().isEmpty == false ? text?.trimmingWhitespace() : nil }
        let interaction = try ProspectStore(database: try context.database())
            .addInteraction(prospectID: input.id, type: input.interactionType, subject: optional(input.subject), content: content,
                            sentiment: optional(input.sentiment), outcome: optional(input.outcome), date: date, now: now)
        context.logger.info("interaction.created", ["prospect": .number(Double(input.id)), "interaction": .number(Double(interaction.id))])
        return interaction
    }
}

/// `GET /api/v1/prospects/{id}/interactions`: newest first, paged.
package struct ListInteractionsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var interactions: [Interaction]
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-interactions",
        summary: "A prospect's interactions, newest first, paged.",
        routes: [Route("GET", "/api/v1/prospects/{id:int}/interactions")],
        input: Schema.object([
            "id": Schema.integer("The prospect", minimum: 1),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: ["id"]),
        output: Schema.object([
            "interactions": Schema.array(Interaction.schema), "total": Schema.integer(minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: nil, allowed: [], limit: input.limit, offset: input.offset)
        let (interactions, total) = try ProspectStore(database: try context.database())
            .interactions(prospectID: input.id, limit: page.limit, offset: page.offset)
        return Output(interactions: interactions, total: total, limit: page.limit, offset: page.offset)
    }
}
