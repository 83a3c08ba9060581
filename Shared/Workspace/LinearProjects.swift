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
/// (`status = 'creating'`, under its UNIQUE constraint); call Linear; store the id and URL and
/// set `is_locked` in one transaction. A failed call deletes the claim, so the request can be
/// made again; a claim left by a process that died is taken over after `claimLifetime`.
package enum ProjectCreation {
    /// Longer than any Linear call with its retries may take.
    package static let claimLifetime: TimeInterval = 300

    /// Creates the project, stores it and locks the conversation. One that already has a project
    /// is `conflict` naming it; a missing `LINEAR_API_KEY`/`LINEAR_TEAM_ID` is `misconfigured`.
    package static func create(conversationID: Int, title: String, description: String,
                               context: FunctionContext) async throws -> LinearProjectRecord {
        let missing = ["LINEAR_API_KEY", "LINEAR_TEAM_ID"].filter { context.config[$0] == nil }
        guard missing.isEmpty else {
            throw BundleError(.misconfigured, "\(missing.joined(separator: " and ")) \(missing.count == 1 ? "is" : "are") not set; "
                              + "they are needed for creating Linear projects",
                              details: missing.map { ErrorDetail(field: $0, problem: "is not set") })
        }
        let teamID = try context.config.require("LINEAR_TEAM_ID", for: "creating Linear projects")
        let client = try LinearClient(config: context.config, transport: try context.transport())
        let database = try context.database()
        let claimID = try claim(conversationID: conversationID, title: title, description: description, createdBy: context.principal,
                                now: context.clock.now(), database: database)
        let project: LinearClient.Project
        do {
            project = try await client.createProject(name: title, description: description, teamID: teamID, deadline: context.deadline)
        } catch {
            do {
                try database.write { sql in
                    try sql.execute("DELETE FROM workspace_projects WHERE id = ? AND status = 'creating'", [claimID])
                }
            } catch {
                context.logger.error("workspace.project_claim_not_released", ["conversation": .number(Double(conversationID))])
            }
            context.logger.warning("workspace.project_create_failed", [
                "conversation": .number(Double(conversationID)),
                "code": .string(BundleError.converting(error, otherwise: BundleError(.internal, "")).code.rawValue),
            ])
            throw error
        }
        let record = try database.write { sql -> LinearProjectRecord? in
            guard let row = try sql.queryOne("""
                UPDATE workspace_projects SET status = 'created', linear_project_id = ?, linear_url = ?, created_at = ?
                WHERE id = ? AND status = 'creating' RETURNING *
                """, [project.id, project.url, context.clock.now(), claimID]) else { return nil }
            try sql.execute("UPDATE workspace_conversations SET is_locked = 1, updated_at = ? WHERE id = ?", [context.clock.now(), conversationID])
            return try Self.record(row)
        }
        guard let record else {
            // The conversation was deleted (or the claim taken over) while Linear answered.
            context.logger.warning("workspace.project_created_unstored", ["conversation": .number(Double(conversationID)),
                                                                          "linear_project": .string(project.id)])
            throw BundleError(.conflict, "Linear created the project \(project.url), but conversation \(conversationID) changed meanwhile "
                              + "(deleted, or another request took over); it was not stored", retryable: false)
        }
        context.logger.info("workspace.project_created", ["conversation": .number(Double(conversationID)), "linear_project": .string(project.id)])
        return record
    }

    /// The conversation's project, nil when it has none (or one is still being created).
    package static func project(conversationID: Int, context: FunctionContext) throws -> LinearProjectRecord? {
        try context.database().read { sql in
            try sql.queryOne("SELECT * FROM workspace_projects WHERE conversation_id = ? AND status = 'created'", conversationID).map(record)
        }
    }

    /// Claims the conversation's project row; answers its id. `not_found` for a missing
    /// conversation; `conflict` when it has a project or another request is making one.
    static func claim(conversationID: Int, title: String, description: String, createdBy: String?, now: Date,
                      database: any Database) throws -> Int {
        try database.write { sql in
            guard try sql.queryOne("SELECT id FROM workspace_conversations WHERE id = ?", conversationID) != nil else {
                throw BundleError(.notFound, "no conversation with id \(conversationID)", retryable: false)
            }
            if let existing = try sql.queryOne("SELECT * FROM workspace_projects WHERE conversation_id = ?", conversationID) {
                if try existing.string("status") == "created" {
                    let url = existing.optionalString("linear_url") ?? existing.optionalString("linear_project_id") ?? ""
                    throw alreadyCreated(conversationID, url: url)
                }
                let claimedAt = try existing.date("claimed_at")
                guard now.timeIntervalSince(claimedAt) > claimLifetime else {
                    throw BundleError(.conflict, "the Linear project of conversation \(conversationID) is being created by another request; "
                                      + "GET /api/conversations/\(conversationID)/project shows it when done")
                }
                try sql.execute("DELETE FROM workspace_projects WHERE id = ? AND status = 'creating'", [try existing.int("id")])
            }
            guard let row = try sql.queryOne("""
                INSERT INTO workspace_projects (conversation_id, status, title, description, created_by, claimed_at, created_at)
                VALUES (?, 'creating', ?, ?, ?, ?, ?)
                ON CONFLICT (conversation_id) DO NOTHING RETURNING id
                """, [conversationID, title, description, createdBy, now, now]) else {
                throw BundleError(.conflict, "the Linear project of conversation \(conversationID) is being created by another request")
            }
            return try row.int("id")
        }
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
