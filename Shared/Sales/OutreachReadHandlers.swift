import Core
import Runtime
import Workflows

/// `GET /api/v1/prospects/{id}/outreach`: the prospect's drafts, newest first, paged (optionally
/// one event's), with the latest outreach run so a run that failed (or is still going) is visible.
package struct ListOutreachHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var eventID: Int?
        var limit: Int?
        var offset: Int?

        enum CodingKeys: String, CodingKey {
            case id, limit, offset
            case eventID = "event_id"
        }
    }

    package struct Output: Codable, Sendable {
        var prospectID: Int
        var drafts: [OutreachDraft]
        var total: Int
        var limit: Int
        var offset: Int
        var latestRun: OutreachRunAnswer?

        enum CodingKeys: String, CodingKey {
            case drafts, total, limit, offset
            case prospectID = "prospect_id"
            case latestRun = "latest_run"
        }
    }

    package static let manifest = FunctionManifest(
        name: "list-outreach",
        summary: "A prospect's outreach drafts, newest first, with the latest outreach run's status (and why it failed).",
        routes: [Route("GET", "/api/v1/prospects/{id:int}/outreach")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "event_id": Schema.integer("Only the invitations to this event", minimum: 1),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer(minimum: 0),
        ], required: ["id"]),
        output: Schema.object([
            "prospect_id": Schema.integer(minimum: 1), "drafts": Schema.array(OutreachDraft.schema),
            "total": Schema.integer(minimum: 0), "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
            "latest_run": Schema.nullable(OutreachRunAnswer.schema),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let paging = try Paging(status: nil, allowed: [], limit: input.limit, offset: input.offset)
        let database = try context.database()
        _ = try ResearchContext.load(prospectID: input.id, manualContext: nil, database: database)  // not_found
        let store = OutreachStore(database: database)
        let (drafts, total) = try store.drafts(prospectID: input.id, eventID: input.eventID, limit: paging.limit, offset: paging.offset)
        let latest = try store.latestRunID(prospectID: input.id).flatMap { try WorkflowStore(database: database).run($0) }
        return Output(prospectID: input.id, drafts: drafts, total: total, limit: paging.limit, offset: paging.offset,
                      latestRun: latest.map(OutreachRunAnswer.init))
    }
}

/// `GET /api/v1/outreach/{draft_id}`: one draft.
package struct GetOutreachHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var draftID: Int

        enum CodingKeys: String, CodingKey {
            case draftID = "draft_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "get-outreach",
        summary: "One outreach draft with the context it was written from.",
        routes: [Route("GET", "/api/v1/outreach/{draft_id:int}")],
        input: Schema.object(["draft_id": Schema.integer(minimum: 1)]),
        output: OutreachDraft.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> OutreachDraft {
        guard let draft = try OutreachStore(database: try context.database()).draft(input.draftID) else {
            throw BundleError(.notFound, "no outreach draft with id \(input.draftID)")
        }
        return draft
    }
}

/// `PATCH /api/v1/outreach/{draft_id}`: edits the subject or body (the checks run again and come
/// back as `warnings`, never refusing the edit) or marks the draft sent with `sent_at` (an
/// `email` interaction recorded and the prospect moved to `contacted`, in one transaction). A
/// sent draft's text is a conflict to change; unknown fields are refused with a did-you-mean.
package struct UpdateOutreachHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "update-outreach",
        summary: "Edits an outreach draft's subject or body (checks returned as warnings) or marks it sent (sent_at: an email interaction, the prospect contacted).",
        routes: [Route("PATCH", "/api/v1/outreach/{draft_id:int}")],
        input: OutreachEdit.schema,
        output: OutreachDraft.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: JSONValue, context: FunctionContext) async throws -> OutreachDraft {
        guard let id = input["draft_id"]?.intValue, id >= 1 else { throw BundleError.validation(field: "draft_id", "is required: the draft's id") }
        var fields = input.objectValue ?? [:]
        fields["draft_id"] = nil
        fields["_http"] = nil
        let now = context.clock.now()
        let edit = try OutreachEdit(.object(fields), now: now)
        let draft = try OutreachStore(database: try context.database())
            .update(id, edit, disallowedClaims: OutreachChecks.disallowedClaims(config: context.config), now: now)
        context.logger.info("outreach.updated", ["draft": .number(Double(id)), "sent": .bool(edit.sentAt != nil),
                                                 "warnings": .number(Double(draft.warnings.count))])
        return draft
    }
}
