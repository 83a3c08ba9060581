import Core
import Providers
import Runtime

/// `GET /api/v1/solutions/search?q&industry&category&limit`: hybrid search over the catalogue.
/// Each hit says which lists found it (`full_text`, `vector`) with its rank and raw score in
/// each; the answer names the embedder (`offline` when no embeddings server is configured) and
/// whether vectors were used.
package struct SearchSolutionsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var q: String
        var industry: String?
        var category: String?
        var limit: Int?
    }

    package struct Output: Codable, Sendable {
        var query: String
        var results: [SolutionMatch]
        var total: Int
        /// `hybrid`, or `full_text` when vectors could not be used (see `notice`).
        var mode: String
        var notice: String?
        var reembedJobID: Int?
        var embeddings: Embeddings

        struct Embeddings: Codable, Sendable {
            var provider: String
            var model: String
        }

        enum CodingKeys: String, CodingKey {
            case query, results, total, mode, notice, embeddings
            case reembedJobID = "reembed_job_id"
        }
    }

    static let matchSchema = Schema.object([
        "solution_id": Schema.integer(minimum: 1), "name": Schema.string(), "category": Schema.string(), "description": Schema.string(),
        "pricing_model": Schema.string(), "docs_url": Schema.nullable(Schema.string()),
        "score": Schema.number("Reciprocal rank fusion (k = 60) of the lists that found it"),
        "found_by": Schema.array(Schema.string(enum: ["full_text", "vector"])),
        "full_text_rank": Schema.nullable(Schema.integer(minimum: 1)),
        "bm25": Schema.nullable(Schema.number("BM25 relevance (FTS5's bm25() negated: higher is better)")),
        "vector_rank": Schema.nullable(Schema.integer(minimum: 1)),
        "similarity": Schema.nullable(Schema.number("Cosine similarity to the query")),
    ], required: ["solution_id", "name", "category", "description", "pricing_model", "score", "found_by"])

    package static let manifest = FunctionManifest(
        name: "search-solutions",
        summary: "Hybrid search of the solution catalogue (full text and embeddings, fused by reciprocal rank), with industry and category filters.",
        routes: [Route("GET", "/api/v1/solutions/search")],
        input: Schema.object([
            "q": Schema.string("What the prospect needs, in words", minLength: 1, maxLength: 2_000),
            "industry": Schema.string("Only solutions for this industry (or for all)", maxLength: 100),
            "category": Schema.string("Only this category, any case", maxLength: 100),
            "limit": Schema.integer("At most this many (default 10)", minimum: 1, maximum: 50),
        ], required: ["q"]),
        output: Schema.object([
            "query": Schema.string(), "results": Schema.array(matchSchema), "total": Schema.integer(minimum: 0),
            "mode": Schema.string(enum: ["hybrid", "full_text"]), "notice": Schema.nullable(Schema.string()),
            "reembed_job_id": Schema.nullable(Schema.integer(minimum: 1)),
            "embeddings": Schema.object(["provider": Schema.string(), "model": Schema.string()]),
        ], required: ["query", "results", "total", "mode", "embeddings"]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let text = input.q.trimmingWhitespace()
        guard !text.isEmpty else { throw BundleError.validation(field: "q", "must not be empty") }
        let limit = input.limit ?? 10
        guard (1...50).contains(limit) else { throw BundleError.validation(field: "limit", "must be 1 to 50") }
        try await context.ensureSolutionCatalogue()
        let search = try context.solutionSearch()
        let result = try await search.search(SolutionQuery(text: text, industry: input.industry, category: input.category, limit: limit),
                                             deadline: context.deadline)
        context.logger.info("sales.solutions_searched", ["mode": .string(result.mode), "hits": .number(Double(result.matches.count))])
        return Output(query: text, results: result.matches, total: result.matches.count, mode: result.mode, notice: result.notice,
                      reembedJobID: result.reembedJobID,
                      embeddings: .init(provider: search.embedder.provider, model: search.embedder.model))
    }
}
