import Core
import Jobs
import Runtime

/// `GET /candidates/status?upload_id=` (and `GET /api/pluto/status`): where an upload's processing
/// stands, read from the upload, its candidates and its job (never from memory, so any process can
/// answer); the latest upload when no id is given. The original's field names (`status`,
/// `message`, `candidates_total`, `candidates_extracted`, `candidates_scored`) are answered too.
package struct CandidateStatusHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var uploadID: Int?

        enum CodingKeys: String, CodingKey { case uploadID = "upload_id" }
    }

    package struct Totals: Codable, Sendable {
        var rows: Int
        var accepted: Int
        var rejected: Int
        var duplicates: Int
        var candidates: Int
        var extracted: Int
        var scored: Int
        var aiFailed: Int

        enum CodingKeys: String, CodingKey {
            case rows, accepted, rejected, duplicates, candidates, extracted, scored
            case aiFailed = "ai_failed"
        }
    }

    package struct Output: Codable, Sendable {
        var uploadID: Int
        var roleID: Int
        var state: String
        var progress: Int
        var progressMessage: String?
        var totals: Totals
        var job: Job?
        var rejected: [CandidateSheet.RowNote]
        // The original's names for the same facts.
        var status: String
        var message: String?
        var candidatesTotal: Int
        var candidatesExtracted: Int
        var candidatesScored: Int

        enum CodingKeys: String, CodingKey {
            case state, progress, totals, job, rejected, status, message
            case uploadID = "upload_id"
            case roleID = "role_id"
            case progressMessage = "progress_message"
            case candidatesTotal = "candidates_total"
            case candidatesExtracted = "candidates_extracted"
            case candidatesScored = "candidates_scored"
        }
    }

    package static let states = ["queued", "scoring", "retrying", "completed", "failed", "nothing_to_score"]

    package static let manifest = FunctionManifest(
        name: "candidate-status",
        summary: "An upload's processing status: state, progress, and totals of rows, extracted and scored candidates.",
        routes: [status, .alias("/api/pluto/status", of: status)],
        input: Schema.object(["upload_id": Schema.integer("The upload (default: the latest)", minimum: 1)], required: []),
        output: Schema.object([
            "upload_id": Schema.integer(minimum: 1), "role_id": Schema.integer(minimum: 1), "state": Schema.string(enum: states),
            "progress": Schema.integer(minimum: 0, maximum: 100), "progress_message": Schema.nullable(Schema.string()),
            "totals": Schema.object([
                "rows": Schema.integer(minimum: 0), "accepted": Schema.integer(minimum: 0), "rejected": Schema.integer(minimum: 0),
                "duplicates": Schema.integer(minimum: 0), "candidates": Schema.integer(minimum: 0), "extracted": Schema.integer(minimum: 0),
                "scored": Schema.integer(minimum: 0), "ai_failed": Schema.integer(minimum: 0),
            ]),
            "job": Schema.nullable(Schema.any), "rejected": Schema.array(CandidateSheet.RowNote.schema),
            "status": Schema.string("The same as state (the original's name)", enum: states),
            "message": Schema.nullable(Schema.string("The same as progress_message")),
            "candidates_total": Schema.integer("The same as totals.candidates", minimum: 0),
            "candidates_extracted": Schema.integer("The same as totals.extracted", minimum: 0),
            "candidates_scored": Schema.integer("The same as totals.scored", minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    static let status = Route("GET", "/candidates/status")

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let store = CandidateStore(database: database)
        let found = try input.uploadID.map { try store.upload($0) } ?? store.latestUpload()
        guard let upload = found else {
            throw BundleError(.notFound, input.uploadID.map { "no upload with id \($0)" } ?? "no upload yet; POST /candidates/upload first")
        }
        let counts = try store.uploadProgress(upload.id)
        let job = try upload.jobID.flatMap { try JobQueue(database: database).job($0) }
        let candidates = upload.createdCandidates + upload.updatedCandidates
        var state: String
        switch job?.status {
        case nil: state = upload.accepted == 0 ? "nothing_to_score" : "queued"
        case .queued?: state = (job?.attempts ?? 0) > 0 ? "retrying" : "queued"
        case .running?: state = "scoring"
        case .succeeded?: state = "completed"
        case .failed?: state = "retrying"
        case .dead?: state = "failed"
        }
        // Another run may have scored this upload's candidates (one run per role at a time), so
        // the counts have the last word.
        if upload.accepted > 0, counts.scored >= candidates { state = "completed" }
        let progress = state == "completed" || state == "nothing_to_score" ? 100 : job?.progress ?? 0
        let totals = Totals(rows: upload.rows, accepted: upload.accepted, rejected: upload.rejected.count, duplicates: upload.duplicates.count,
                            candidates: candidates, extracted: counts.extracted, scored: counts.scored, aiFailed: counts.aiFailed)
        return Output(uploadID: upload.id, roleID: upload.roleID, state: state, progress: progress, progressMessage: job?.progressMessage,
                      totals: totals, job: job, rejected: upload.rejected, status: state, message: job?.progressMessage,
                      candidatesTotal: totals.candidates, candidatesExtracted: totals.extracted, candidatesScored: totals.scored)
    }
}

/// `GET /candidates?role_id=&tier=&limit=&offset=` (and `GET /api/pluto/results`): ranked by combined score.
package struct ListCandidatesHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var roleID: Int?
        var tier: String?
        var limit: Int?
        var offset: Int?

        enum CodingKeys: String, CodingKey {
            case tier, limit, offset
            case roleID = "role_id"
        }
    }

    package struct Ranked: Codable, Sendable {
        var rank: Int
        var candidate: Candidate
    }

    package struct Output: Codable, Sendable {
        var candidates: [Ranked]
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-candidates",
        summary: "Candidates ranked by combined score (unscored last, ties by algorithmic score then id), by role and tier.",
        routes: [Route("GET", "/candidates"), .alias("/api/pluto/results", of: Route("GET", "/candidates"))],
        input: Schema.object([
            "role_id": Schema.integer(minimum: 1), "tier": Schema.string(enum: Role.Tiers.names),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: []),
        output: Schema.object([
            "candidates": Schema.array(Schema.object(["rank": Schema.integer(minimum: 1), "candidate": Candidate.schema])),
            "total": Schema.integer(minimum: 0), "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.tier, allowed: Role.Tiers.names, limit: input.limit, offset: input.offset, field: "tier")
        let (candidates, total) = try CandidateStore(database: try context.database())
            .list(roleID: input.roleID, tier: input.tier, limit: page.limit, offset: page.offset)
        let ranked = candidates.enumerated().map { Ranked(rank: page.offset + $0.offset + 1, candidate: $0.element) }
        return Output(candidates: ranked, total: total, limit: page.limit, offset: page.offset)
    }
}

/// `GET /candidates/{id}`: the whole record, with the score breakdown and rationale.
package struct GetCandidateHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-candidate",
        summary: "One candidate: profile, scores with their per-criterion breakdown and AI rationale, red flags, interview.",
        routes: [Route("GET", "/candidates/{id:int}"), .alias("/api/pluto/candidates/{id:int}", of: Route("GET", "/candidates/{id:int}"))],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Candidate.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Candidate {
        guard let candidate = try CandidateStore(database: try context.database()).candidate(input.id) else {
            throw BundleError(.notFound, "no candidate with id \(input.id)")
        }
        return candidate
    }
}

/// `PATCH /candidates/{id}`: edits profile or interview fields (see `CandidateEdit`).
package struct UpdateCandidateHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "update-candidate",
        summary: "Edits a candidate's profile or interview fields; unknown fields are refused, and scored fields mark it for rescoring.",
        routes: [Route("PATCH", "/candidates/{id:int}"), .alias("/api/pluto/candidates/{id:int}", of: Route("PATCH", "/candidates/{id:int}"))],
        input: CandidateEdit.schema,
        output: Candidate.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: JSONValue, context: FunctionContext) async throws -> Candidate {
        guard let id = input["id"]?.intValue, id >= 1 else { throw BundleError.validation(field: "id", "is required: the candidate's id") }
        let edit = try CandidateEdit(input)
        let candidate = try CandidateStore(database: try context.database()).edit(id, edit, now: context.clock.now())
        context.logger.info("candidate.updated", ["candidate": .number(Double(id)), "fields": .array(edit.fields.map(JSONValue.string)),
                                                  "rescore": .bool(candidate.needsScoring)])
        return candidate
    }
}
