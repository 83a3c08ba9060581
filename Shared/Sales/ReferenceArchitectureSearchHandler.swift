import Core
import Providers
import Runtime

/// `GET /api/v1/reference-architectures/search?q&industry&limit`: AWS reference architectures
/// for a question, found on demand by the MCP documentation server and web search at once,
/// cached a day, each naming the catalogue solutions it uses; from the shipped catalogue (and
/// saying so) when neither is live.
package struct SearchReferenceArchitecturesHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var q: String
        var industry: String?
        var limit: Int?
    }

    package struct Output: Codable, Sendable {
        var query: String
        var industry: String?
        var results: [ArchitectureResult]
        var total: Int
        var providers: [String]
        var cached: Bool
        var offline: Bool
        var note: String?
    }

    static let defaultLimit = 5

    static let resultSchema = Schema.object([
        "title": Schema.string(), "url": Schema.string(), "summary": Schema.string(),
        "solutions": Schema.array(Schema.string(), "Catalogue solutions named in its title or summary"),
        "source": Schema.string("Which provider found it", enum: ["mcp", "web", "catalogue"]),
    ])

    package static let manifest = FunctionManifest(
        name: "search-reference-architectures",
        summary: "AWS reference architectures for a question, from the MCP documentation server and web search at once (cached a day), or from the catalogue offline.",
        routes: [Route("GET", "/api/v1/reference-architectures/search")],
        input: Schema.object([
            "q": Schema.string("What the architecture is for, in words", minLength: 1, maxLength: 500),
            "industry": Schema.string("The prospect's industry, to focus the search", maxLength: 100),
            "limit": Schema.integer("At most this many (default 5)", minimum: 1, maximum: 20),
        ], required: ["q"]),
        output: Schema.object([
            "query": Schema.string(), "industry": Schema.nullable(Schema.string()),
            "results": Schema.array(resultSchema), "total": Schema.integer(minimum: 0),
            "providers": Schema.array(Schema.string(enum: ["mcp", "web", "catalogue"]), "The providers that answered"),
            "cached": Schema.boolean("true when served from the day-long cache"),
            "offline": Schema.boolean("true when answered from the catalogue: no MCP server and offline web search"),
            "note": Schema.nullable(Schema.string("What was not asked or failed, and what the results are then")),
        ], required: ["query", "results", "total", "providers", "cached", "offline"]),
        timeoutSeconds: 60
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let text = input.q.trimmingWhitespace()
        guard !text.isEmpty else { throw BundleError.validation(field: "q", "must not be empty") }
        let industry = input.industry?.trimmingWhitespace()
        let limit = input.limit ?? Self.defaultLimit
        guard (1...20).contains(limit) else { throw BundleError.validation(field: "limit", "must be 1 to 20") }
        let query = ArchitectureQuery(text: text, industry: industry?.isEmpty == false ? industry : nil, limit: limit)
        let answer = try await context.referenceArchitectureSearching().search(query, deadline: context.deadline)
        return Output(query: text, industry: query.industry, results: answer.results, total: answer.results.count, providers: answer.providers,
                      cached: answer.cached, offline: answer.offline, note: answer.note)
    }
}
