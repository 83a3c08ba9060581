import Core
import FoundationEssentials
import Runtime

/// `POST /meetings/{id}/drafts`: puts the two drafts where the rep will find them. The `outbox`
/// provider (the default; Gmail and Composio come next) keeps them on the meeting, marked with
/// draft ids; running again replaces them rather than adding more. The meeting becomes `drafted`.
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
        summary: "Saves the meeting's two email drafts to the external attendee (outbox: stored on the meeting); re-running replaces them.",
        routes: [Route("POST", "/meetings/{id:int}/drafts")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Schema.object([
            "meeting_id": Schema.integer(), "provider": Schema.string(enum: ["outbox"]), "recipient": Schema.string(),
            "draft_ids": Schema.map(Schema.string()), "replaced": Schema.boolean(),
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let provider = context.config["EMAIL_DRAFT_PROVIDER"]?.lowercased() ?? "outbox"
        guard provider == "outbox" else {
            throw BundleError.misconfigured(variable: "EMAIL_DRAFT_PROVIDER", "must be outbox in this build, got \"\(provider.prefix(40))\"")
        }
        let database = try context.database()
        guard let meeting = try MeetingStore(database: database).meeting(input.id) else { throw BundleError(.notFound, "no meeting with id \(input.id)") }
        guard meeting.preMeetingDraft != nil, meeting.followUpDraft != nil else {
            throw BundleError(.conflict, "meeting \(input.id) has no drafts yet: POST /meetings/\(input.id)/synthesize first")
        }
        guard let recipient = meeting.attendees.first(where: { !$0.isOrganizer })?.email else {
            throw BundleError(.conflict, "meeting \(input.id) has no external attendee to write to")
        }
        let ids = ["pre_meeting": "outbox:\(input.id):pre_meeting", "follow_up": "outbox:\(input.id):follow_up"]
        try database.write { sql in
            try sql.execute("""
                UPDATE meetings SET draft_ids = ?, status = CASE WHEN status IN ('enriched', 'error', 'drafted') THEN 'drafted' ELSE status END,
                       error = NULL, updated_at = ? WHERE id = ?
                """, JSONValue.object(["provider": "outbox", "recipient": .string(recipient),
                                       "pre_meeting": .string(ids["pre_meeting"]!), "follow_up": .string(ids["follow_up"]!)]),
                     context.clock.now(), input.id)
        }
        return Output(meetingID: input.id, provider: "outbox", recipient: recipient, draftIDs: ids, replaced: meeting.draftIDs != nil)
    }
}

/// `POST /meetings/{id}/notion`: the meeting as a row in the team's Notion database. With no
/// Notion configured (`NOTION_PROVIDER` unset or `none`) the step records that it was skipped.
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
        let provider = context.config["NOTION_PROVIDER"]?.lowercased() ?? "none"
        guard provider == "none" else {
            throw BundleError.misconfigured(variable: "NOTION_PROVIDER", "must be none in this build (the Notion API and Composio come next), got \"\(provider.prefix(40))\"")
        }
        guard let meeting = try MeetingStore(database: try context.database()).meeting(input.id) else {
            throw BundleError(.notFound, "no meeting with id \(input.id)")
        }
        context.logger.info("notion.skipped", ["meeting": .number(Double(meeting.id))])
        return Output(meetingID: meeting.id, provider: "none", status: "skipped", pageID: meeting.notionPageID)
    }
}
