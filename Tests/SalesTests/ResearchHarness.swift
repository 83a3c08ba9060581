import Core
import Foundation
import Jobs
import Providers
import Runtime
import Sales
import Store
import Synchronization
import TestSupport
import Workflows

/// A temporary database with one prospect, fakes for research's upstreams (web search, tier 1,
/// tier 2) and contexts that hand them in, so the research functions run as the worker runs them.
final class ResearchHarness: Sendable {
    let directory: TemporaryDirectory
    let database: any Database
    let search: ResearchFakeSearch
    let matching: ResearchFakeMatching
    let enriching: ResearchFakeEnriching

    static let newsURL = "https://news.example/acme-moves-off-mainframe"
    static let architectureURL = "https://aws.amazon.com/architecture/reference-architecture-diagrams/mainframe-modernization"
    static let docsArchitectureURL = "https://docs.aws.amazon.com/architecture/serverless-data-lake"
    static let docsURL = "https://docs.aws.amazon.com/m2/latest/userguide/what-is-m2.html"

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"),
                                      migrations: ProvidersSchema.migrations + JobsSchema.migrations + SalesSchema.migrations + WorkflowsSchema.migrations)
        search = ResearchFakeSearch(results: [
            SearchResult(url: Self.newsURL, title: "Acme Corp moves its legacy mainframe to the cloud",
                         snippet: "Acme runs Kubernetes and Oracle and wants to cut infrastructure costs."),
            SearchResult(url: Self.architectureURL, title: "Mainframe modernization reference architecture", snippet: "AWS Architecture Center"),
        ])
        matching = ResearchFakeMatching(matches: [
            SolutionMatch(solutionID: 1, name: "AWS Mainframe Modernization", category: "Migration", description: "Migrate mainframe workloads.",
                          pricingModel: "Pay as you go", docsURL: nil, score: 0.032, foundBy: ["full_text", "vector"], fullTextRank: 1, bm25: -3.1,
                          vectorRank: 2, similarity: 0.61),
            SolutionMatch(solutionID: 2, name: "Amazon EKS", category: "Containers", description: "Managed Kubernetes.",
                          pricingModel: "Pay as you go", docsURL: nil, score: 0.031, foundBy: ["vector"], vectorRank: 1, similarity: 0.66),
            SolutionMatch(solutionID: 3, name: "AWS Cost Explorer", category: "Cloud Financial Management", description: "See and manage costs.",
                          pricingModel: "Free", docsURL: nil, score: 0.016, foundBy: ["full_text"], fullTextRank: 2, bm25: -2.0),
        ])
        enriching = ResearchFakeEnriching(outcome: EnrichmentOutcome(enrichments: [
            SolutionEnrichment(solutionName: "AWS Mainframe Modernization", summary: "Refactor or replatform mainframe applications.",
                               documentation: [DocumentationLink(title: "What is AWS Mainframe Modernization?", url: Self.docsURL),
                                               DocumentationLink(title: "Serverless data lake", url: Self.docsArchitectureURL)],
                               source: "mcp", server: "http://127.0.0.1/mcp", cached: false, fetchedAt: "2026-03-02T10:00:00Z"),
        ], mcpUnavailable: false, provider: "mcp"))
        try database.write { sql in
            try sql.execute("""
                INSERT INTO sales_companies (name, name_key, industry, tech_stack, created_at, updated_at)
                VALUES ('Acme Corp', 'acme', 'Manufacturing', '["SAP"]', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """)
            try sql.execute("""
                INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, company_id, industry, status, created_at, updated_at)
                VALUES ('https://www.linkedin.com/in/jane-doe', 'Jane Doe', 'CTO', 'Acme Corp', 1, 'Manufacturing', 'new',
                        '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """)
            try sql.execute("""
                INSERT INTO sales_interactions (prospect_id, interaction_type, subject, content, interaction_date, created_at)
                VALUES (1, 'meeting', 'Intro', 'Jane said their data center lease ends next year and security audits take months.',
                        '2026-02-20T10:00:00Z', '2026-02-20T10:00:00Z')
                """)
        }
    }

    func context(llm provider: any LLMProvider = OfflineProvider(), http: JSONValue? = nil, requestID: String = "req-research",
                 services: ResearchServices? = nil) -> FunctionContext {
        let llm = LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: database), function: "run-research",
                            requestID: requestID)
        let context = FunctionContext(function: "run-research", requestID: requestID,
                                      config: Config(["WORKFLOW_RETRY_ATTEMPTS": "3", "WORKFLOW_RETRY_BASE_SECONDS": "0"]),
                                      clock: BundleClock(frozenAt: Timestamp.parse("2026-03-02T10:00:00Z")!), logger: .discarding,
                                      deadline: Deadline(seconds: 120), http: http, database: database, transport: NoNetwork(), llm: llm)
        let database = self.database
        let (search, matching, enriching) = (self.search, self.matching, self.enriching)
        context.provide(services ?? ResearchServices(
            search: { search }, matching: { matching }, enriching: { enriching }, llm: { llm },
            countLLMCalls: ResearchServices.llmCallCounter(database: { database }, requestID: requestID)))
        return context
    }

    func call<H: FunctionHandler>(_ handler: H, _ input: JSONValue, context: FunctionContext) async throws -> JSONValue {
        try JSONValue(encoding: try await handler.handle(try input.decode(as: H.Input.self), context: context))
    }

    /// Requests research on prospect 1 and runs the queued run as the worker would.
    func research(llm provider: any LLMProvider = OfflineProvider(), manualContext: String? = nil, requestID: String = "req-research") async throws -> JSONValue {
        var input: [String: JSONValue] = ["id": 1]
        if let manualContext { input["manual_context"] = .string(manualContext) }
        let queued = try await call(ResearchProspectHandler(), .object(input), context: context(llm: provider, requestID: requestID))
        guard let runID = queued["run_id"]?.intValue else { throw BundleError(.internal, "research-prospect answered no run_id: \(queued)") }
        return try await call(RunResearchHandler(), ["id": .number(Double(runID))], context: context(llm: provider, requestID: requestID))
    }

    func llmCalls(step: String) throws -> Int {
        try database.read { sql in try sql.queryOne("SELECT COUNT(*) AS n FROM llm_calls WHERE step = ?", step)?.int("n") ?? 0 }
    }
}


/// Web search that answers every query with the same results and keeps the queries.
final class ResearchFakeSearch: SearchProvider, Sendable {
    let name = "fake"
    let results: [SearchResult]
    let queries = Mutex<[String]>([])
    init(results: [SearchResult]) { self.results = results }
    func search(_ query: String, freshness: Freshness, count: Int, deadline: Deadline) async throws -> [SearchResult] {
        queries.withLock { $0.append(query) }
        return results
    }
}

/// Tier 1 that answers with fixed matches and keeps the queries.
final class ResearchFakeMatching: SolutionMatching, Sendable {
    let matches: [SolutionMatch]
    let queries = Mutex<[SolutionQuery]>([])
    init(matches: [SolutionMatch]) { self.matches = matches }
    func match(_ query: SolutionQuery, deadline: Deadline) async throws -> [SolutionMatch] {
        queries.withLock { $0.append(query) }
        return Array(matches.prefix(query.limit))
    }
}

/// Tier 2 that answers with a settable outcome and keeps what it was asked to enrich.
final class ResearchFakeEnriching: SolutionEnriching, Sendable {
    let outcome: Mutex<EnrichmentOutcome>
    let asked = Mutex<[[String]]>([])
    init(outcome: EnrichmentOutcome) { self.outcome = Mutex(outcome) }
    func enrich(_ solutions: [SolutionMatch], usagePattern: String, deadline: Deadline) async -> EnrichmentOutcome {
        asked.withLock { $0.append(solutions.map(\.name)) }
        return outcome.withLock { $0 }
    }
}
