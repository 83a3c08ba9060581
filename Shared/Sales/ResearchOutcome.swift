import Core
import FoundationEssentials
import Runtime
import Store
import Workflows

/// What a successful research run changes on the record: a new prospect becomes `researched`
/// (one further along keeps its status), and the company's tech_stack and pain_points gain what
/// the research found with evidence (what was there stays).
enum ResearchOutcome {
    static func record(_ findings: ResearchFindings, prospectID: Int, database: any Database, now: Date) throws {
        try database.write { sql in
            try sql.execute("UPDATE sales_prospects SET status = 'researched', updated_at = ? WHERE id = ? AND status = 'new'", now, prospectID)
            guard let row = try sql.queryOne("""
                SELECT c.id, c.tech_stack, c.pain_points FROM sales_companies c JOIN sales_prospects p ON p.company_id = c.id WHERE p.id = ?
                """, prospectID) else { return }
            let stack = merged(ResearchContext.list(row.optionalString("tech_stack")), findings.technologies.map(\.name))
            let pains = merged(ResearchContext.list(row.optionalString("pain_points")), findings.painPoints.map(\.pain))
            try sql.execute("UPDATE sales_companies SET tech_stack = ?, pain_points = ?, updated_at = ? WHERE id = ?",
                            JSONValue.array(stack.map(JSONValue.string)), JSONValue.array(pains.map(JSONValue.string)), now, try row.int("id"))
        }
    }

    /// The stored list followed by the new items it lacks (compared without case), at most 30.
    static func merged(_ stored: [String], _ found: [String]) -> [String] {
        var seen = Set(stored.map { $0.lowercased() })
        return Array((stored + found.filter { seen.insert($0.lowercased()).inserted }).prefix(30))
    }
}

/// `GET /api/v1/prospects/{id}/research`: every research run of a prospect, newest first, each
/// with its steps.
package struct ListResearchHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var prospectID: Int
        var runs: [ResearchAnswer]
        var limit: Int
        var offset: Int

        enum CodingKeys: String, CodingKey {
            case runs, limit, offset
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
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let paging = try Paging(status: nil, allowed: [], limit: input.limit, offset: input.offset)
        let database = try context.database()
        _ = try ResearchContext.load(prospectID: input.id, manualContext: nil, database: database)
        let runs = try WorkflowStore(database: database).runs(workflow: ResearchWorkflow.name, subject: ResearchWorkflow.subject(prospectID: input.id),
                                                              limit: paging.limit, offset: paging.offset)
        return Output(prospectID: input.id, runs: runs.map(ResearchAnswer.init), limit: paging.limit, offset: paging.offset)
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
