import Core
import FoundationEssentials

/// A project draft as the API answers it (`GET …/project-draft`, the chat's `project_updated`
/// event and `done` payload): the draft's id, its conversation, the active version's title and
/// description, number and source. The one description of this shape.
///
/// SKELETON (drafts helper): the fields and the schema.
package struct ProjectDraftAnswer: Codable, Sendable, Hashable {
    package var id: Int
    package var conversationID: Int
    package var title: String
    package var description: String

    enum CodingKeys: String, CodingKey {
        case id, title, description
        case conversationID = "conversation_id"
    }

    package init(_ draft: ProjectDraft) {
        id = draft.id
        conversationID = draft.conversationID
        title = draft.active.title
        description = draft.active.description
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1),
        "conversation_id": Schema.integer(minimum: 1),
        "title": Schema.string(),
        "description": Schema.string(),
    ])
}
