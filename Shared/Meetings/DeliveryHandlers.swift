import Core
import FoundationEssentials
import Providers
import Runtime
import Store

/// `POST /meetings/{id}/drafts`: puts the two drafts where the rep will find them: Gmail drafts
/// (`GMAIL_TOKEN`), or the `outbox` default, which keeps them on the meeting. Running again
/// replaces them rather than adding more. The meeting becomes `drafted`.
package struct DraftEmailsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int

        package init(id: Int) { self.id = id }
    }

    package struct Output: Codable, Sendable {
        var meetingID: Int
        var provider: String
        var recipient: String
        var draftIDs: [String: String]
        var replaced: Bool

        enum CodingKeys: String, CodingKey {
            case provider, recipient, replaced
            case meetingID = "meeting_id"
            case draftIDs = "draft_ids"
        }
    }

    package static let manifest = FunctionManifest(
        name: "draft-emails",
        summary: "Saves the meeting's two email drafts to the external attendee (Gmail, or outbox: stored on the meeting); re-running replaces them.",
        routes: [Route("POST", "/meetings/{id:int}/drafts")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Schema.object([
            "meeting_id": Schema.integer(), "provider": Schema.string(enum: ["outbox", "gmail", "composio"]), "recipient": Schema.string(),
            "draft_ids": Schema.map(Schema.string()), "replaced": Schema.boolean(),
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        try await PipelineStep.draftEmails.recordingFailure(meeting: input.id, context: context) { try await draft(input, context: context) }
    }

    private func draft(_ input: Input, context: FunctionContext) async throws -> Output {
        let drafts = try context.emailDrafts()
        let database = try context.database()
        guard let meeting = try MeetingStore(database: database).meeting(input.id) else { throw BundleError(.notFound, "no meeting with id \(input.id)") }
        guard let pre = meeting.preMeetingDraft, let followUp = meeting.followUpDraft else {
            throw BundleError(.conflict, "meeting \(input.id) has no drafts yet: POST /meetings/\(input.id)/synthesize first")
        }
        guard let recipient = meeting.attendees.first(where: { !$0.isOrganizer })?.email else {
            throw BundleError(.conflict, "meeting \(input.id) has no external attendee to write to")
        }
        return try await save(meeting, pre: pre, followUp: followUp, recipient: recipient, drafts: drafts, context: context)
    }

    /// Saves through `drafts`, or keeps the drafts on the meeting (`outbox`) when there is none.
    private func save(_ meeting: Meeting, pre: JSONValue, followUp: JSONValue, recipient: String, drafts: (any EmailDrafts)?,
                      context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let provider = drafts?.name ?? "outbox"
        let previous = meeting.draftIDs
        var ids = ["pre_meeting": "outbox:\(meeting.id):pre_meeting", "follow_up": "outbox:\(meeting.id):follow_up"]
        if let drafts {
            // Drafts made before through the same provider are replaced, never duplicated.
            let earlier = previous?["provider"] == .string(provider) ? previous : nil
            var saved: [String: String] = [:]
            do {
                for (key, draft) in [("pre_meeting", pre), ("follow_up", followUp)] {
                    saved[key] = try await drafts.save(to: recipient, subject: draft["subject"]?.stringValue ?? meeting.title,
                                                       body: draft["body"]?.stringValue ?? "", existingID: earlier?[key]?.stringValue,
                                                       deadline: context.deadline)
                }
            } catch {
                // Keep the ids of what was saved so the next run replaces it instead of adding another, flagged stale.
                if !saved.isEmpty {
                    var partial: [String: JSONValue] = ["provider": .string(provider), "recipient": .string(recipient), "stale": true]
                    for key in ["pre_meeting", "follow_up"] {
                        partial[key] = (saved[key] ?? earlier?[key]?.stringValue).map(JSONValue.string) ?? .null
                    }
                    _ = try? database.write { sql in
                        try sql.execute("UPDATE meetings SET draft_ids = ? WHERE id = ?", JSONValue.object(partial), meeting.id)
                    }
                }
                throw error
            }
            ids.merge(saved) { $1 }
        }
        try database.write { sql in
            try sql.execute("""
                UPDATE meetings SET draft_ids = ?, status = CASE WHEN status IN ('enriched', 'error', 'drafted') THEN 'drafted' ELSE status END,
                       error = NULL, updated_at = ? WHERE id = ?
                """, JSONValue.object(["provider": .string(provider), "recipient": .string(recipient),
                                       "pre_meeting": .string(ids["pre_meeting"]!), "follow_up": .string(ids["follow_up"]!)]),
                     context.clock.now(), meeting.id)
        }
        return Output(meetingID: meeting.id, provider: provider, recipient: recipient, draftIDs: ids, replaced: previous != nil)
    }
}

/// `POST /meetings/{id}/notion`: the meeting as a row in the team's Notion database, created once
/// and updated after. With no Notion configured (no `NOTION_TOKEN`, or `NOTION_PROVIDER=none`) the
/// step records that it was skipped.
package struct SyncNotionHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int

        package init(id: Int) { self.id = id }
    }

    package struct Output: Codable, Sendable {
        var meetingID: Int
        var provider: String
        var status: String
        var pageID: String?

        enum CodingKeys: String, CodingKey {
            case provider, status
            case meetingID = "meeting_id"
            case pageID = "page_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "sync-notion",
        summary: "Creates or updates the meeting's row in Notion; with no Notion configured, records that the step was skipped.",
        routes: [Route("POST", "/meetings/{id:int}/notion")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Schema.object([
            "meeting_id": Schema.integer(), "provider": Schema.string(), "status": Schema.string(enum: ["skipped", "created", "updated"]),
            "page_id": Schema.nullable(Schema.string()),
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        try await PipelineStep.syncNotion.recordingFailure(meeting: input.id, context: context) {
            let notion = try context.notion()
            guard let meeting = try MeetingStore(database: try context.database()).meeting(input.id) else {
                throw BundleError(.notFound, "no meeting with id \(input.id)")
            }
            return try await sync(meeting, notion: notion, context: context)
        }
    }

    private func sync(_ meeting: Meeting, notion: (any NotionRows)?, context: FunctionContext) async throws -> Output {
        guard let notion else {
            context.logger.info("notion.skipped", ["meeting": .number(Double(meeting.id))])
            return Output(meetingID: meeting.id, provider: "none", status: "skipped", pageID: meeting.notionPageID)
        }
        let (pageID, created) = try await notion.upsert(meeting.notionRow, pageID: meeting.notionPageID, deadline: context.deadline)
        try saved(pageID, meeting: meeting.id, database: try context.database(), now: context.clock.now())
        return Output(meetingID: meeting.id, provider: notion.name, status: created ? "created" : "updated", pageID: pageID)
    }

    /// Stores the page id; a meeting whose last failure was this step is back to `enriched` (its
    /// drafts step has not run since).
    private func saved(_ pageID: String, meeting id: Int, database: any Database, now: Date) throws {
        try database.write { sql in
            try sql.execute("""
                UPDATE meetings SET notion_page_id = ?, updated_at = ?,
                       status = CASE WHEN status = 'error' AND error LIKE 'sync-notion:%' THEN 'enriched' ELSE status END,
                       error = CASE WHEN error LIKE 'sync-notion:%' THEN NULL ELSE error END
                WHERE id = ?
                """, pageID, now, id)
        }
    }
}
