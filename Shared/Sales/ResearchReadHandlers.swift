import Core
import Runtime
import Workflows

/// `GET /api/v1/prospects/{id}/research`: every research run of a prospect, newest first, each
/// with its steps, a page at a time (`total` counts them all).
package struct ListResearchHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var prospectID: Int
        var runs: [ResearchAnswer]
        var total: Int
        var limit: Int
        var offset: Int

        enum CodingKeys: String, CodingKey {
            case runs, total, limit, offset
            case prospectID = "prospect_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "list-research",
        summary: "A prospect's research runs, newest first, each with its recorded steps.",
        routes: [Route("GET", "/api/v1/prospects/{id:int}/research")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer(minimum: 0),
        ], required: ["id"]),
        output: Schema.object([
            "prospect_id": Schema.integer(minimum: 1), "runs": Schema.array(ResearchAnswer.schema),
            "total": Schema.integer("How many runs the prospect has in all", minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let paging = try Paging(status: nil, allowed: [], limit: input.limit, offset: input.offset)
        let database = try context.database()
        _ = try ResearchContext.load(prospectID: input.id, manualContext: nil, database: database)
        let store = WorkflowStore(database: database)
        let subject = ResearchWorkflow.subject(prospectID: input.id)
        let runs = try store.runs(workflow: ResearchWorkflow.name, subject: subject, limit: paging.limit, offset: paging.offset)
        let total = try store.count(workflow: ResearchWorkflow.name, subject: subject)
        return Output(prospectID: input.id, runs: runs.map(ResearchAnswer.init), total: total, limit: paging.limit, offset: paging.offset)
    }
}

/// `GET /api/v1/prospects/{id}/research/latest`: the newest succeeded run, or the newest run when
/// none succeeded; 404 when the prospect was never researched.
package struct LatestResearchHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "latest-research",
        summary: "A prospect's latest research: the newest succeeded run, else the newest run (404 when none).",
        routes: [Route("GET", "/api/v1/prospects/{id:int}/research/latest")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: ResearchAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ResearchAnswer {
        let store = WorkflowStore(database: try context.database())
        guard let run = try store.latest(workflow: ResearchWorkflow.name, subject: ResearchWorkflow.subject(prospectID: input.id)) else {
            throw BundleError(.notFound, "prospect \(input.id) has no research yet (POST /api/v1/prospects/\(input.id)/research starts it)")
        }
        return ResearchAnswer(run)
    }
}
