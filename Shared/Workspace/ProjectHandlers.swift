import Core
import FoundationEssentials
import Runtime

/// A conversation's Linear project as the API answers it.
package struct LinearProjectAnswer: Codable, Sendable, Hashable {
    package var id: Int
    package var conversationID: Int
    package var linearProjectID: String
    package var title: String
    package var description: String
    package var linearURL: String
    package var createdBy: String?
    package var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, description
        case conversationID = "conversation_id"
        case linearProjectID = "linear_project_id"
        case linearURL = "linear_url"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    package init(_ record: LinearProjectRecord) {
        id = record.id
        conversationID = record.conversationID
        linearProjectID = record.linearProjectID
        title = record.title
        description = record.description
        linearURL = record.url
        createdBy = record.createdBy
        createdAt = Timestamp.format(record.createdAt)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(linearProjectID, forKey: .linearProjectID)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(linearURL, forKey: .linearURL)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(createdAt, forKey: .createdAt)
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1),
        "conversation_id": Schema.integer(minimum: 1),
        "linear_project_id": Schema.string("Linear's id of the project"),
        "title": Schema.string(),
        "description": Schema.string("The Markdown sent as the project's content"),
        "linear_url": Schema.string("The project in Linear"),
        "created_by": Schema.nullable(Schema.string()),
        "created_at": Schema.string(format: "date-time"),
    ])
}

/// `GET /api/conversations/{id}/project`: the conversation's Linear project.
package struct GetProjectHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-project",
        summary: "The Linear project made from a conversation (404 when it has none).",
        routes: [Route("GET", "/api/conversations/{id:int}/project")],
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1)], required: ["id"]),
        output: LinearProjectAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> LinearProjectAnswer {
        guard let record = try ProjectCreation.project(conversationID: input.id, context: context) else {
            throw BundleError(.notFound, "conversation \(input.id) has no Linear project (or it does not exist); "
                              + "POST /api/conversations/\(input.id)/project (create-project) makes one", retryable: false)
        }
        return LinearProjectAnswer(record)
    }
}

/// `POST /api/conversations/{id}/project`: creates the Linear project (title and description
/// default to the active draft's), stores it and locks the conversation.
package struct CreateProjectHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var title: String?
        var description: String?
    }

    package static let manifest = FunctionManifest(
        name: "create-project",
        summary: "Creates the conversation's Linear project (projectCreate; title and description default to the active draft's) and locks the conversation.",
        routes: [Route("POST", "/api/conversations/{id:int}/project")],
        successStatus: 201,
        input: Schema.object([
            "id": Schema.integer("The conversation", minimum: 1),
            "title": Schema.string("Default: the active draft's title", minLength: 1, maxLength: ProjectDraftLimits.title),
            "description": Schema.string("Markdown; default: the active draft's description", minLength: 1,
                                         maxLength: ProjectDraftLimits.description),
        ], required: ["id"]),
        output: LinearProjectAnswer.schema,
        timeoutSeconds: 60
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> LinearProjectAnswer {
        var title = try input.title.map { try UpdateProjectDraftHandler.cleaned($0, field: "title", limit: ProjectDraftLimits.title) }
        var description = try input.description.map {
            try UpdateProjectDraftHandler.cleaned($0, field: "description", limit: ProjectDraftLimits.description)
        }
        if title == nil || description == nil {
            guard let draft = try ProjectDraftStore(database: try context.database()).draft(conversationID: input.id) else {
                if let existing = try ProjectCreation.project(conversationID: input.id, context: context) {
                    throw ProjectCreation.alreadyCreated(input.id, url: existing.url)
                }
                guard try ConversationStore(database: try context.database()).conversation(input.id) != nil else {
                    throw BundleError(.notFound, "no conversation with id \(input.id)", retryable: false)
                }
                throw BundleError.validation(field: title == nil ? "title" : "description",
                                             "is needed: conversation \(input.id) has no project draft to take it from")
            }
            title = title ?? draft.active.title
            description = description ?? draft.active.description
        }
        let record = try await ProjectCreation.create(conversationID: input.id, title: title ?? "", description: description ?? "",
                                                      context: context)
        return LinearProjectAnswer(record)
    }
}
