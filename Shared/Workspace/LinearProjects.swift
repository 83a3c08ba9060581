import Core
import FoundationEssentials
import Runtime

/// The Linear project made from a conversation's draft.
package struct LinearProjectRecord: Sendable, Hashable {
    package var id: Int
    package var conversationID: Int
    package var linearProjectID: String
    package var title: String
    package var description: String
    package var url: String
    package var createdBy: String?
    package var createdAt: Date

    package init(id: Int, conversationID: Int, linearProjectID: String, title: String, description: String, url: String,
                 createdBy: String?, createdAt: Date) {
        self.id = id
        self.conversationID = conversationID
        self.linearProjectID = linearProjectID
        self.title = title
        self.description = description
        self.url = url
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// Making a conversation's Linear project (the `create_linear_project` chat tool and
/// `POST /api/conversations/{id}/project`): Linear's `projectCreate`, the project stored, the
/// conversation locked.
///
/// SKELETON (drafts helper).
package enum ProjectCreation {
    /// Creates the project, stores it and locks the conversation. One that already has a project
    /// is `conflict` naming it; a missing `LINEAR_API_KEY`/`LINEAR_TEAM_ID` is `misconfigured`.
    package static func create(conversationID: Int, title: String, description: String,
                               context: FunctionContext) async throws -> LinearProjectRecord {
        throw BundleError(.internal, "Linear projects are not built yet")
    }

    /// The conversation's project, nil when it has none.
    package static func project(conversationID: Int, context: FunctionContext) throws -> LinearProjectRecord? {
        nil
    }
}
