import Core
import FoundationEssentials
import Runtime

/// `POST /api/conversations/{id}/project-draft`: generates a draft from the conversation (and its
/// summary when ready) with the `project_draft` prompt, as a new `generated` version each time;
/// 201 when this made the draft, 200 for a later version. Offline the draft is made from the
/// conversation's own sentences and says so in `provider`.
package struct GenerateProjectDraftHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "generate-project-draft",
        summary: "Generates a project draft (title; Markdown problem, goals, scope, milestones, open questions) from a conversation and its summary, as a new version.",
        routes: [Route("POST", "/api/conversations/{id:int}/project-draft")],
        successStatus: 201,
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1)], required: ["id"]),
        output: ProjectDraftAnswer.schema,
        timeoutSeconds: 180
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ProjectDraftAnswer {
        let draft = try await ProjectDrafts(context: context).generate(input.id)
        var answer = ProjectDraftAnswer(draft)
        if draft.active.versionNumber > 1 { answer.httpStatus = 200 }
        return answer
    }
}

/// `GET /api/conversations/{id}/project-draft`: the draft with its active version.
package struct GetProjectDraftHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-project-draft",
        summary: "A conversation's project draft with its active version (404 until one is generated).",
        routes: [Route("GET", "/api/conversations/{id:int}/project-draft")],
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1)], required: ["id"]),
        output: ProjectDraftAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ProjectDraftAnswer {
        ProjectDraftAnswer(try ProjectDrafts(context: context).require(input.id))
    }
}

/// `PATCH /api/conversations/{id}/project-draft`: a person's title and/or description as a new
/// version marked `is_manual_edit`; text equal to the active version's makes no version.
package struct UpdateProjectDraftHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var title: String?
        var description: String?
    }

    package static let manifest = FunctionManifest(
        name: "update-project-draft",
        summary: "Edits a project draft's title and/or description as a new version marked is_manual_edit (unchanged text makes none).",
        routes: [Route("PATCH", "/api/conversations/{id:int}/project-draft")],
        input: Schema.object([
            "id": Schema.integer("The conversation", minimum: 1),
            "title": Schema.string("1 to \(ProjectDraftLimits.title) characters (trimmed)", minLength: 1, maxLength: ProjectDraftLimits.title),
            "description": Schema.string("Markdown, 1 to \(ProjectDraftLimits.description) characters (trimmed)", minLength: 1, maxLength: ProjectDraftLimits.description),
        ], required: ["id"]),
        output: ProjectDraftAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ProjectDraftAnswer {
        guard input.title != nil || input.description != nil else {
            throw BundleError.validation([ErrorDetail(field: "title", problem: "give a title, a description or both"),
                                          ErrorDetail(field: "description", problem: "give a title, a description or both")])
        }
        let title = try input.title.map { try Self.cleaned($0, field: "title", limit: ProjectDraftLimits.title) }
        let description = try input.description.map { try Self.cleaned($0, field: "description", limit: ProjectDraftLimits.description) }
        let drafts = try ProjectDrafts(context: context)
        guard let edited = try drafts.store.edit(conversationID: input.id, title: title, description: description,
                                                 createdBy: context.principal, now: context.clock.now()) else {
            return ProjectDraftAnswer(try drafts.require(input.id))
        }
        let (draft, changed) = edited
        context.logger.info("workspace.project_draft_edited", ["conversation": .number(Double(input.id)), "changed": .bool(changed),
                                                               "version": .number(Double(draft.active.versionNumber))])
        return ProjectDraftAnswer(draft)
    }

    static func cleaned(_ text: String, field: String, limit: Int) throws -> String {
        let cleaned = StorableText.clean(text).trimmingWhitespace()
        guard !cleaned.isEmpty else { throw BundleError.validation(field: field, "must not be blank") }
        guard cleaned.count <= limit else { throw BundleError.validation(field: field, "must be at most \(limit) characters") }
        return cleaned
    }
}

/// `GET /api/conversations/{id}/project-draft/versions`: the versions, newest first, a page at
/// a time (`limit`, default 50 and at most 200, from `offset`; `total` counts them all): each
/// carries its whole text, so the answer stays bounded however many versions a draft gathers.
package struct ListProjectDraftVersionsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var conversationID: Int
        var draftID: Int
        var activeVersionID: Int
        var versions: [ProjectDraftVersionAnswer]
        var total: Int
        var limit: Int
        var offset: Int

        enum CodingKeys: String, CodingKey {
            case versions, total, limit, offset
            case conversationID = "conversation_id"
            case draftID = "draft_id"
            case activeVersionID = "active_version_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "list-project-draft-versions",
        summary: "A project draft's versions, newest first, a page at a time: number, source, is_manual_edit, is_active, who and when.",
        routes: [Route("GET", "/api/conversations/{id:int}/project-draft/versions")],
        input: Schema.object([
            "id": Schema.integer("The conversation", minimum: 1),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many of the newest (default 0)", minimum: 0),
        ], required: ["id"]),
        output: Schema.object([
            "conversation_id": Schema.integer(minimum: 1),
            "draft_id": Schema.integer(minimum: 1),
            "active_version_id": Schema.integer(minimum: 1),
            "versions": Schema.array(ProjectDraftVersionAnswer.schema),
            "total": Schema.integer("How many versions the draft has", minimum: 1),
            "limit": Schema.integer(minimum: 1),
            "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: nil, allowed: [], limit: input.limit, offset: input.offset)
        let drafts = try ProjectDrafts(context: context)
        let draft = try drafts.require(input.id)
        let versions = try drafts.store.versions(draftID: draft.id, limit: page.limit, offset: page.offset)
        return Output(conversationID: input.id, draftID: draft.id, activeVersionID: draft.active.id,
                      versions: versions.map { ProjectDraftVersionAnswer($0, activeID: draft.active.id) },
                      total: draft.versionCount, limit: page.limit, offset: page.offset)
    }
}

/// `POST /api/conversations/{id}/project-draft/versions/{version_id}/activate`: makes an earlier
/// version the active one again (no new version is written).
package struct ActivateProjectDraftVersionHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var versionID: Int

        enum CodingKeys: String, CodingKey {
            case id
            case versionID = "version_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "activate-project-draft-version",
        summary: "Restores one of a project draft's versions as the active one.",
        routes: [Route("POST", "/api/conversations/{id:int}/project-draft/versions/{version_id:int}/activate")],
        input: Schema.object(["id": Schema.integer("The conversation", minimum: 1),
                              "version_id": Schema.integer("A version of this conversation's draft", minimum: 1)],
                             required: ["id", "version_id"]),
        output: ProjectDraftAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ProjectDraftAnswer {
        let drafts = try ProjectDrafts(context: context)
        _ = try drafts.require(input.id)
        let draft = try drafts.store.activate(conversationID: input.id, versionID: input.versionID, now: context.clock.now())
        context.logger.info("workspace.project_draft_activated", ["conversation": .number(Double(input.id)),
                                                                  "version": .number(Double(draft.active.versionNumber))])
        return ProjectDraftAnswer(draft)
    }
}
