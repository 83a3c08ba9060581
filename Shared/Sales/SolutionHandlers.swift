import Core
import Jobs
import Providers
import Retrieval
import Runtime
import Store

/// `GET /api/v1/solutions`: the catalogue (loaded on first use), paged, by category and industry.
package struct ListSolutionsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var category: String?
        var industry: String?
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var solutions: [Solution]
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-solutions",
        summary: "The solution catalogue (AWS services), paged, filtered by category and industry (entries for all industries always match).",
        routes: [Route("GET", "/api/v1/solutions")],
        input: Schema.object([
            "category": Schema.string("Exact category, any case", maxLength: 100),
            "industry": Schema.string("An industry the solution serves, any case", maxLength: 100),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: []),
        output: Schema.object([
            "solutions": Schema.array(Solution.schema), "total": Schema.integer(minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: nil, allowed: [], limit: input.limit, offset: input.offset)
        try await context.ensureSolutionCatalogue()
        let (solutions, total) = try SolutionStore(database: try context.database())
            .list(.init(category: input.category, industry: input.industry), limit: page.limit, offset: page.offset)
        return Output(solutions: solutions, total: total, limit: page.limit, offset: page.offset)
    }
}

/// `POST /api/v1/solutions`: adds a solution (source `api`), embedded at once so search finds it
/// by meaning too. A name already in the catalogue is a conflict.
package struct CreateSolutionHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var name: String
        var category: String
        var description: String
        var useCases: JSONValue?
        var industries: JSONValue?
        var keywords: JSONValue?
        var pricingModel: String
        var docsURL: String?

        enum CodingKeys: String, CodingKey {
            case name, category, description, industries, keywords
            case useCases = "use_cases"
            case pricingModel = "pricing_model"
            case docsURL = "docs_url"
        }
    }

    package static let manifest = FunctionManifest(
        name: "create-solution",
        summary: "Adds a solution to the catalogue and embeds it for search; a name already taken is a conflict.",
        routes: [Route("POST", "/api/v1/solutions")],
        successStatus: 201,
        input: Schema.object([
            "name": Schema.string(minLength: 1, maxLength: 200), "category": Schema.string(minLength: 1, maxLength: 100),
            "description": Schema.string(minLength: 1, maxLength: 4_000),
            "use_cases": Schema.listOrText("A list, or one string split on semicolons, pipes or lines"),
            "industries": Schema.listOrText("Industries it serves (\"all\" for every one)"),
            "keywords": Schema.listOrText(),
            "pricing_model": Schema.string(minLength: 1, maxLength: 300),
            "docs_url": Schema.string("Its documentation page (http or https)", maxLength: 2_000),
        ], required: ["name", "category", "description", "pricing_model"]),
        output: Solution.schema,
        timeoutSeconds: 60
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Solution {
        let draft = SolutionDraft(name: input.name, category: input.category, description: input.description,
                                  useCases: Self.list(input.useCases), industries: Self.list(input.industries),
                                  keywords: Self.list(input.keywords), pricingModel: input.pricingModel, docsURL: input.docsURL).cleaned()
        let problems = draft.problems()
        guard problems.isEmpty else { throw BundleError.validation(problems) }
        try await context.ensureSolutionCatalogue()
        let database = try context.database()
        let embedder = try context.embedder()
        // Embedded before it is stored: a failing embedder leaves nothing half-stored.
        let vector = try await embedder.embed([draft.searchText], deadline: context.deadline).first ?? []
        let now = context.clock.now()
        let index = VectorIndex(database: database, collection: SolutionVectors.collection)
        let solution = try database.write { sql in
            let solution = try SolutionStore(database: database).create(draft, now: now, in: sql)
            try index.store([(VectorIndex.Item(id: solution.id, text: draft.searchText), vector)], model: embedder.model, now: now, in: sql)
            return solution
        }
        context.logger.info("sales.solution_created", ["id": .number(Double(solution.id))])
        return solution
    }

    static func list(_ value: JSONValue?) -> [String] {
        switch value {
        case .array(let items): return items.compactMap(\.stringValue)
        case .string(let text): return text.split(whereSeparator: { $0 == ";" || $0 == "|" || $0 == "\n" }).map(String.init)
        default: return []
        }
    }
}

/// `POST /api/v1/solutions/reload`: reads the catalogue again (bundled or `SALES_SOLUTIONS_CSV`),
/// adds new solutions, updates changed ones by name, and re-embeds what changed. When the
/// embedder fails the saved catalogue stays (nothing is lost) and the error says what was and was
/// not re-embedded; search embeds the rest (their vectors' text no longer matches) later.
package struct ReloadSolutionsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {}

    package struct Output: Codable, Sendable {
        var source: String
        var added: Int
        var updated: Int
        var unchanged: Int
        var embedded: Int
        var provider: String
        var model: String
    }

    package static let manifest = FunctionManifest(
        name: "reload-solutions",
        summary: "Re-reads the solution catalogue CSV, upserts it by name and re-embeds the solutions whose text changed.",
        routes: [Route("POST", "/api/v1/solutions/reload")],
        input: Schema.object([:], required: []),
        output: Schema.object([
            "source": Schema.string("bundled, or the SALES_SOLUTIONS_CSV path"), "added": Schema.integer(minimum: 0),
            "updated": Schema.integer(minimum: 0), "unchanged": Schema.integer(minimum: 0), "embedded": Schema.integer(minimum: 0),
            "provider": Schema.string(), "model": Schema.string(),
        ]),
        timeoutSeconds: 300
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let drafts = try SolutionCatalogue.load(context.config)
        let database = try context.database()
        let summary = try SolutionStore(database: database).upsertCatalogue(drafts, now: context.clock.now())
        let embedder = try context.embedder()
        let report = try await SolutionVectors(database: database, embedder: embedder).syncReport(deadline: context.deadline, now: context.clock.now())
        context.logger.info("sales.catalogue_reloaded", ["added": .number(Double(summary.added)), "updated": .number(Double(summary.updated)),
                                                         "embedded": .number(Double(report.embedded.count)), "pending": .number(Double(report.pending.count))])
        if let failure = report.failure { throw try Self.embeddingFailed(failure, summary: summary, report: report, database: database) }
        return Output(source: SolutionCatalogue.source(context.config), added: summary.added, updated: summary.updated,
                      unchanged: summary.unchanged, embedded: report.embedded.count, provider: embedder.provider, model: embedder.model)
    }

    /// The embedder's error (its code, so a retry is tried when one can help), saying that the
    /// catalogue step succeeded and the embedding step did not, and which solutions still have
    /// no vector of their current text (search embeds them on its next call).
    static func embeddingFailed(_ failure: BundleError, summary: SolutionStore.UpsertSummary, report: SolutionVectors.SyncReport,
                                database: any Database) throws -> BundleError {
        let solutions = try SolutionStore(database: database).solutions(report.pending)
        let names = report.pending.compactMap { solutions[$0]?.name }
        let listed = names.prefix(20).joined(separator: ", ") + (names.count > 20 ? ", and \(names.count - 20) more" : "")
        let total = report.embedded.count + report.pending.count
        return BundleError(failure.code, """
            the catalogue was saved (\(summary.added) added, \(summary.updated) updated, \(summary.unchanged) unchanged) but embedding failed \
            after \(report.embedded.count) of \(total) solutions: \(failure.message); search re-embeds the rest on its next call
            """, details: [
                ErrorDetail(field: "embedding", problem: failure.message),
                ErrorDetail(field: "embedded", problem: "\(report.embedded.count) of \(total) solutions"),
                ErrorDetail(field: "not_embedded", problem: listed),
            ])
    }
}

/// `reembed-solutions`: the job search queues when the stored vectors are of another model
/// (the embeddings model changed): embeds every stale solution with the current model, in
/// batches. Run again, it only embeds what is still stale. `POST /api/v1/solutions/reembed`
/// queues it and answers 202, like search does.
package struct ReembedSolutionsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var model: String?
    }

    package struct Output: Codable, Sendable {
        var queued: Bool
        var jobID: Int?
        var embedded: Int
        var provider: String
        var model: String

        enum CodingKeys: String, CodingKey {
            case queued, embedded, provider, model
            case jobID = "job_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "reembed-solutions",
        summary: "Embeds the solution catalogue with the configured model (a job, queued by search after a model change or by the route).",
        routes: [Route("POST", "/api/v1/solutions/reembed")],
        successStatus: 202,
        input: Schema.object(["model": Schema.string("The model the caller saw configured (informational)", maxLength: 300)], required: []),
        output: Schema.object([
            "queued": Schema.boolean("true when the call queued a job instead of embedding"), "job_id": Schema.nullable(Schema.integer(minimum: 1)),
            "embedded": Schema.integer(minimum: 0), "provider": Schema.string(), "model": Schema.string(),
        ]),
        timeoutSeconds: 900
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let embedder = try context.embedder()
        if context.http != nil {
            let vectors = SolutionVectors(database: try context.database(), embedder: embedder)
            let job = try context.solutionSearch().onModelChange?(try vectors.state())
            return Output(queued: true, jobID: job, embedded: 0, provider: embedder.provider, model: embedder.model)
        }
        if let model = input.model, model != embedder.model {
            context.logger.warning("sales.reembed_model_differs", ["queued_for": .string(model), "configured": .string(embedder.model)])
        }
        try await context.ensureSolutionCatalogue()
        let embedded = try await SolutionVectors(database: try context.database(), embedder: embedder)
            .sync(deadline: context.deadline, now: context.clock.now())
        context.logger.info("sales.catalogue_reembedded", ["embedded": .number(Double(embedded))])
        return Output(queued: false, jobID: context.jobID, embedded: embedded, provider: embedder.provider, model: embedder.model)
    }
}
