import Core
import FoundationEssentials
import Providers
import Runtime
import Store

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
/// Three steps, so that Linear is never called inside a database transaction and two racing
/// requests never both call it: claim the conversation's one `workspace_projects` row
/// (`status = 'creating'`, under its UNIQUE constraint) with a project id chosen here (a UUID
/// v4, kept on the row as `linear_project_id`); call Linear with that id; store the URL, set
/// `status = 'created'` and `is_locked` in one transaction.
///
/// The id is what makes a call safe to repeat: the transport replays `projectCreate` after a
/// timeout, a cut connection or a 5xx, and Linear may have made the project the first time; a
/// second call with the same id cannot make another (`LinearClient.createProject` answers the
/// existing one). So a failed call never forgets the id: the claim becomes `failed`, which the
/// next request takes over at once with the same id, and a claim left `creating` by a process
/// that died (or whose final write failed) is taken over after `claimLifetime`, also with it.
package enum ProjectCreation {
    /// Longer than any Linear call with its retries may take.
    package static let claimLifetime: TimeInterval = 300
    /// Tries of the final write (after Linear made the project, losing it is what costs most).
    static let storeAttempts = 3

    /// A claim: its row and the project id Linear is asked to use.
    struct Claim: Sendable, Equatable {
        var rowID: Int
        var linearProjectID: String
    }

    /// Creates the project, stores it and locks the conversation. One that already has a project
    /// is `conflict` naming it; a missing `LINEAR_API_KEY`/`LINEAR_TEAM_ID` is `misconfigured`; a
    /// title longer than Linear takes is `validation_failed` before anything is claimed.
    package static func create(conversationID: Int, title: String, description: String,
                               context: FunctionContext) async throws -> LinearProjectRecord {
        // What the request names comes first: a missing or locked conversation is 404 or 409
        // whatever the deployment's settings (the claim below checks again, in its write).
        try context.database().read { try ConversationLock.checkUnlocked($0, conversationID: conversationID) }
        let missing = ["LINEAR_API_KEY", "LINEAR_TEAM_ID"].filter { context.config[$0] == nil }
        guard missing.isEmpty else {
            throw BundleError(.misconfigured, "\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not set; "
                              + "they are needed for creating Linear projects",
                              details: missing.map { ErrorDetail(field: $0, problem: "is not set") })
        }
        guard title.count <= LinearClient.nameLimit else {
            throw BundleError.validation(field: "title", "must be at most \(LinearClient.nameLimit) characters: Linear refuses longer project names")
        }
        let teamID = try context.config.require("LINEAR_TEAM_ID", for: "creating Linear projects")
        let client = try LinearClient(config: context.config, transport: try context.transport())
        let database = try context.database()
        let claim = try self.claim(conversationID: conversationID, title: title, description: description, createdBy: context.principal,
                                   now: context.clock.now(), database: database)
        let project: LinearClient.Project
        do {
            project = try await client.createProject(id: claim.linearProjectID, name: title, description: description, teamID: teamID,
                                                     deadline: context.deadline)
        } catch {
            release(claim, conversationID: conversationID, database: database, logger: context.logger)
            context.logger.warning("workspace.project_create_failed", [
                "conversation": .number(Double(conversationID)),
                "code": .string(BundleError.converting(error, otherwise: BundleError(.internal, "")).code.rawValue),
            ])
            throw error
        }
        let stored: LinearProjectRecord?
        do {
            stored = try store(project, claim: claim, conversationID: conversationID, now: context.clock.now(), database: database)
        } catch {
            // Linear has the project and this conversation does not know it: the claim keeps
            // the id (a later request finds the project with it), and the log says where it is.
            context.logger.error("workspace.project_created_unstored", ["conversation": .number(Double(conversationID)),
                                                                        "linear_project": .string(project.id), "url": .string(project.url)])
            throw error
        }
        guard let stored else {
            // The conversation was deleted (or the claim taken over) while Linear answered.
            context.logger.error("workspace.project_created_unstored", ["conversation": .number(Double(conversationID)),
                                                                        "linear_project": .string(project.id), "url": .string(project.url)])
            throw BundleError(.conflict, "Linear created the project \(project.url), but conversation \(conversationID) changed meanwhile "
                              + "(deleted, or another request took over); it was not stored", retryable: false)
        }
        context.logger.info("workspace.project_created", ["conversation": .number(Double(conversationID)), "linear_project": .string(project.id)])
        return stored
    }

    /// The final write, tried `storeAttempts` times: the claim becomes the project and the
    /// conversation is locked. Nil when the claim is gone or taken over.
    static func store(_ project: LinearClient.Project, claim: Claim, conversationID: Int, now: Date,
                      database: any Database) throws -> LinearProjectRecord? {
        var attempt = 1
        while true {
            do {
                return try database.write { sql -> LinearProjectRecord? in
                    guard let row = try sql.queryOne("""
                        UPDATE workspace_projects SET status = 'created', linear_project_id = ?, linear_url = ?, created_at = ?
                        WHERE id = ? AND status = 'creating' AND linear_project_id = ? RETURNING *
                        """, [project.id, project.url, now, claim.rowID, claim.linearProjectID]) else { return nil }
                    try sql.execute("UPDATE workspace_conversations SET is_locked = 1, updated_at = ? WHERE id = ?", [now, conversationID])
                    return try Self.record(row)
                }
            } catch where attempt < storeAttempts {
                attempt += 1
            }
        }
    }

    /// After a failed call: the claim becomes `failed`, keeping its id for the next request
    /// (Linear may have made the project before the failure: a timeout says nothing about that).
    static func release(_ claim: Claim, conversationID: Int, database: any Database, logger: Logger) {
        do {
            try database.write { sql in
                try sql.execute("UPDATE workspace_projects SET status = 'failed' WHERE id = ? AND status = 'creating'", [claim.rowID])
            }
        } catch {
            // It stays `creating` and is taken over after `claimLifetime`, with the same id.
            logger.error("workspace.project_claim_not_released", ["conversation": .number(Double(conversationID))])
        }
    }

    /// The conversation's project, nil when it has none (or one is still being created).
    package static func project(conversationID: Int, context: FunctionContext) throws -> LinearProjectRecord? {
        try context.database().read { sql in
            try sql.queryOne("SELECT * FROM workspace_projects WHERE conversation_id = ? AND status = 'created'", conversationID).map(record)
        }
    }

    /// Claims the conversation's project row; answers it with the project id to send. A `failed`
    /// claim, or a `creating` one older than `claimLifetime`, is taken over with its id. The
    /// transaction starts by writing the conversation's row (`ConversationLock.requireUnlocked`
    /// reads the lock that way), so it runs after any draft write in flight. `not_found` for a
    /// missing conversation; `conflict` when it has a project or another request is making one.
    static func claim(conversationID: Int, title: String, description: String, createdBy: String?, now: Date,
                      database: any Database) throws -> Claim {
        try database.write { sql in
            guard try sql.queryOne("UPDATE workspace_conversations SET is_locked = is_locked WHERE id = ? RETURNING id", conversationID) != nil else {
                throw BundleError(.notFound, "no conversation with id \(conversationID)", retryable: false)
            }
            if let existing = try sql.queryOne("SELECT * FROM workspace_projects WHERE conversation_id = ?", conversationID) {
                let status = try existing.string("status")
                if status == "created" {
                    let url = existing.optionalString("linear_url") ?? existing.optionalString("linear_project_id") ?? ""
                    throw alreadyCreated(conversationID, url: url)
                }
                let claimedAt = try existing.date("claimed_at")
                guard status == "failed" || now.timeIntervalSince(claimedAt) > claimLifetime else {
                    throw BundleError(.conflict, "the Linear project of conversation \(conversationID) is being created by another request; "
                                      + "GET /api/conversations/\(conversationID)/project shows it when done")
                }
                let id = existing.optionalString("linear_project_id") ?? newProjectID()
                guard let row = try sql.queryOne("""
                    UPDATE workspace_projects SET status = 'creating', linear_project_id = ?, title = ?, description = ?, created_by = ?,
                        claimed_at = ?
                    WHERE id = ? AND status = ? RETURNING id
                    """, [id, title, description, createdBy, now, try existing.int("id"), status]) else {
                    throw BundleError(.conflict, "the Linear project of conversation \(conversationID) is being created by another request")
                }
                return Claim(rowID: try row.int("id"), linearProjectID: id)
            }
            let id = newProjectID()
            guard let row = try sql.queryOne("""
                INSERT INTO workspace_projects (conversation_id, status, linear_project_id, title, description, created_by, claimed_at, created_at)
                VALUES (?, 'creating', ?, ?, ?, ?, ?, ?)
                ON CONFLICT (conversation_id) DO NOTHING RETURNING id
                """, [conversationID, id, title, description, createdBy, now, now]) else {
                throw BundleError(.conflict, "the Linear project of conversation \(conversationID) is being created by another request")
            }
            return Claim(rowID: try row.int("id"), linearProjectID: id)
        }
    }

    /// A project id for Linear: a random UUID v4 (Linear takes a client-chosen UUID as `id`).
    static func newProjectID() -> String {
        UUID().uuidString.lowercased()
    }

    /// The conflict of a second project for one conversation.
    package static func alreadyCreated(_ conversationID: Int, url: String) -> BundleError {
        BundleError(.conflict, "conversation \(conversationID) already has the Linear project \(url)", retryable: false)
    }

    static func record(_ row: Row) throws -> LinearProjectRecord {
        LinearProjectRecord(id: try row.int("id"), conversationID: try row.int("conversation_id"),
                            linearProjectID: try row.string("linear_project_id"), title: try row.string("title"),
                            description: try row.string("description"), url: row.optionalString("linear_url") ?? "",
                            createdBy: row.optionalString("created_by"), createdAt: try row.date("created_at"))
    }
}
