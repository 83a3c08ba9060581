import Core
import FoundationEssentials

/// A project draft as the API answers it (`GET …/project-draft`, the chat's `project_updated`
/// event and `done` payload): the draft's id, its conversation, the active version's title and
/// description, number and source, how many versions there are and whether the conversation is
/// locked; a generated active version also names the provider, model and prompt version. The one
/// description of this shape.
package struct ProjectDraftAnswer: Codable, Sendable, Hashable {
    package var id: Int
    package var conversationID: Int
    package var title: String
    package var description: String
    package var activeVersionID: Int
    package var versionNumber: Int
    package var isManualEdit: Bool
    package var source: String
    package var versionCount: Int
    package var isLocked: Bool
    package var provider: String?
    package var model: String?
    package var promptVersion: String?
    package var createdAt: String
    package var updatedAt: String
    /// The HTTP status when it is not the route's own (`_http`; the gateway strips it): 201 when
    /// generating made the draft, 200 for a later version.
    package var httpStatus: Int?

    enum CodingKeys: String, CodingKey {
        case id, title, description, source, provider, model
        case conversationID = "conversation_id"
        case activeVersionID = "active_version_id"
        case versionNumber = "version_number"
        case isManualEdit = "is_manual_edit"
        case versionCount = "version_count"
        case isLocked = "is_locked"
        case promptVersion = "prompt_version"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case http = "_http"
    }

    package init(_ draft: ProjectDraft) {
        id = draft.id
        conversationID = draft.conversationID
        title = draft.active.title
        description = draft.active.description
        activeVersionID = draft.active.id
        versionNumber = draft.active.versionNumber
        isManualEdit = draft.active.isManualEdit
        source = draft.active.source.rawValue
        versionCount = draft.versionCount
        isLocked = draft.isLocked
        provider = draft.active.generation?.provider
        model = draft.active.generation?.model
        promptVersion = draft.active.generation?.promptVersion
        createdAt = Timestamp.format(draft.createdAt)
        updatedAt = Timestamp.format(draft.updatedAt)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        conversationID = try container.decode(Int.self, forKey: .conversationID)
        title = try container.decode(String.self, forKey: .title)
        description = try container.decode(String.self, forKey: .description)
        activeVersionID = try container.decode(Int.self, forKey: .activeVersionID)
        versionNumber = try container.decode(Int.self, forKey: .versionNumber)
        isManualEdit = try container.decode(Bool.self, forKey: .isManualEdit)
        source = try container.decode(String.self, forKey: .source)
        versionCount = try container.decode(Int.self, forKey: .versionCount)
        isLocked = try container.decode(Bool.self, forKey: .isLocked)
        provider = try container.decodeIfPresent(String.self, forKey: .provider)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        promptVersion = try container.decodeIfPresent(String.self, forKey: .promptVersion)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        updatedAt = try container.decode(String.self, forKey: .updatedAt)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(activeVersionID, forKey: .activeVersionID)
        try container.encode(versionNumber, forKey: .versionNumber)
        try container.encode(isManualEdit, forKey: .isManualEdit)
        try container.encode(source, forKey: .source)
        try container.encode(versionCount, forKey: .versionCount)
        try container.encode(isLocked, forKey: .isLocked)
        try container.encode(provider, forKey: .provider)
        try container.encode(model, forKey: .model)
        try container.encode(promptVersion, forKey: .promptVersion)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        if let httpStatus { try container.encode(["status": JSONValue.number(Double(httpStatus))] as JSONValue, forKey: .http) }
    }

    static let sources = ProjectDraftVersion.Source.allCases.map(\.rawValue)

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1),
        "conversation_id": Schema.integer(minimum: 1),
        "title": Schema.string(),
        "description": Schema.string("Markdown: problem, goals, scope, milestones, open questions"),
        "active_version_id": Schema.integer(minimum: 1),
        "version_number": Schema.integer("The active version's number (1, 2, …)", minimum: 1),
        "is_manual_edit": Schema.boolean("The active version is a person's edit"),
        "source": Schema.string("How the active version came to be", enum: sources),
        "version_count": Schema.integer(minimum: 1),
        "is_locked": Schema.boolean("The conversation has a Linear project: the draft no longer changes"),
        "provider": Schema.nullable(Schema.string("The provider that generated the active version (offline: rules, no model)")),
        "model": Schema.nullable(Schema.string()),
        "prompt_version": Schema.nullable(Schema.string()),
        "created_at": Schema.string(format: "date-time"),
        "updated_at": Schema.string(format: "date-time"),
        "_http": Schema.object(["status": Schema.integer()], "HTTP status override (201 when generating made the draft); stripped over HTTP"),
    ], required: ["id", "conversation_id", "title", "description", "active_version_id", "version_number", "is_manual_edit", "source",
                  "version_count", "is_locked", "provider", "model", "prompt_version", "created_at", "updated_at"])
}

/// One version in `GET …/project-draft/versions`.
package struct ProjectDraftVersionAnswer: Codable, Sendable, Hashable {
    package var id: Int
    package var draftID: Int
    package var versionNumber: Int
    package var title: String
    package var description: String
    package var source: String
    package var isManualEdit: Bool
    package var isActive: Bool
    package var provider: String?
    package var model: String?
    package var promptVersion: String?
    package var createdBy: String?
    package var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, description, source, provider, model
        case draftID = "draft_id"
        case versionNumber = "version_number"
        case isManualEdit = "is_manual_edit"
        case isActive = "is_active"
        case promptVersion = "prompt_version"
        case createdBy = "created_by"
        case createdAt = "created_at"
    }

    package init(_ version: ProjectDraftVersion, activeID: Int) {
        id = version.id
        draftID = version.draftID
        versionNumber = version.versionNumber
        title = version.title
        description = version.description
        source = version.source.rawValue
        isManualEdit = version.isManualEdit
        isActive = version.id == activeID
        provider = version.generation?.provider
        model = version.generation?.model
        promptVersion = version.generation?.promptVersion
        createdBy = version.createdBy
        createdAt = Timestamp.format(version.createdAt)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(draftID, forKey: .draftID)
        try container.encode(versionNumber, forKey: .versionNumber)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(source, forKey: .source)
        try container.encode(isManualEdit, forKey: .isManualEdit)
        try container.encode(isActive, forKey: .isActive)
        try container.encode(provider, forKey: .provider)
        try container.encode(model, forKey: .model)
        try container.encode(promptVersion, forKey: .promptVersion)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(createdAt, forKey: .createdAt)
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1),
        "draft_id": Schema.integer(minimum: 1),
        "version_number": Schema.integer(minimum: 1),
        "title": Schema.string(),
        "description": Schema.string(),
        "source": Schema.string(enum: ProjectDraftAnswer.sources),
        "is_manual_edit": Schema.boolean(),
        "is_active": Schema.boolean(),
        "provider": Schema.nullable(Schema.string()),
        "model": Schema.nullable(Schema.string()),
        "prompt_version": Schema.nullable(Schema.string()),
        "created_by": Schema.nullable(Schema.string()),
        "created_at": Schema.string(format: "date-time"),
    ])
}
