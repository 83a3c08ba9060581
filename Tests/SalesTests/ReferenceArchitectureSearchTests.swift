import Core
import Foundation
import Providers
import Runtime
import Sales
import Store
import Synchronization
import TestSupport
import Testing

/// Reference-architecture search with fake providers: the merge (architecture pages only, each
/// URL once, solutions named), the day-long cache (served, then refreshed when expired), one
/// provider down, both down, and the offline catalogue answer.
@Suite struct ReferenceArchitectureSearchTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)
    static let names = ["Amazon S3", "AWS Lambda", "Amazon DynamoDB", "Amazon EKS", "Amazon Route 53", "Amazon Connect", "AWS Glue",
                        "Amazon OpenSearch Service", "Amazon API Gateway"]

    static let mcpHits = [
        ArchitectureHit(title: "Serverless web application | Solutions Library", url: "https://aws.amazon.com/solutions/implementations/serverless-web/",
                        summary: "Uses Amazon API Gateway, AWS Lambda and DynamoDB."),
        ArchitectureHit(title: "Lambda developer guide", url: "https://docs.aws.amazon.com/lambda/latest/dg/welcome.html", summary: "Not an architecture."),
        ArchitectureHit(title: "Order processing reference architecture", url: "https://aws.amazon.com/architecture/order-processing/",
                        summary: "Amazon EKS   behind Route 53."),
    ]
    static let webHits = [
        ArchitectureHit(title: "Reference architecture for retail search", url: "https://docs.aws.amazon.com/whitepapers/latest/retail-search.html",
                        summary: "Amazon OpenSearch Service with S3; connect your glue code."),
        ArchitectureHit(title: "Some blog", url: "https://blog.example/aws-architecture", summary: "Not AWS's."),
        ArchitectureHit(title: "Order processing (copy)", url: "http://AWS.amazon.com/architecture/order-processing#diagram", summary: "Same page."),
    ]

    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + SalesSchema.migrations)
    }

    func search(_ sources: [any ArchitectureSource], skipped: [String] = [], at date: Date = start,
                catalogue: [SolutionMatch] = []) -> ReferenceArchitectureSearch {
        ReferenceArchitectureSearch(sources: sources, skipped: skipped, catalogue: { FixedMatching(matches: catalogue) },
                                    names: { ArchitectureSolutionNames(names: Self.names) }, cache: ReferenceArchitectureCache(database: database),
                                    clock: BundleClock(frozenAt: date), logger: .discarding)
    }

    @Test func mergesBothProvidersKeepingArchitecturePagesOnceWithTheirSolutions() async throws {
        let mcp = FakeArchitectureSource(name: "mcp", hits: Self.mcpHits)
        let web = FakeArchitectureSource(name: "web", hits: Self.webHits)
        let answer = try await search([mcp, web]).search(ArchitectureQuery(text: "order processing", industry: "Retail", limit: 5),
                                                          deadline: Deadline(seconds: 10))
        #expect(answer.providers == ["mcp", "web"] && !answer.cached && !answer.offline && answer.note == nil)
        // Interleaved by rank; the second spelling of the order-processing page is dropped.
        #expect(answer.results.map(\.url) == ["https://aws.amazon.com/solutions/implementations/serverless-web/",
                                              "https://docs.aws.amazon.com/whitepapers/latest/retail-search.html",
                                              "https://aws.amazon.com/architecture/order-processing/"])
        #expect(answer.results.map(\.source) == ["mcp", "web", "mcp"])
        #expect(answer.results[0].solutions == ["Amazon API Gateway", "AWS Lambda", "Amazon DynamoDB"])
        #expect(answer.results[1].solutions == ["Amazon OpenSearch Service", "Amazon S3"], "not Connect or Glue: ordinary words there")
        #expect(answer.results[2].solutions == ["Amazon EKS", "Amazon Route 53"] && answer.results[2].summary == "Amazon EKS behind Route 53.")
        #expect(mcp.asked.withLock { $0 } == [ArchitectureQuery(text: "order processing", industry: "Retail", limit: 5)])

        let two = try await search([mcp, web]).search(ArchitectureQuery(text: "order processing", limit: 2), deadline: Deadline(seconds: 10))
        #expect(two.results.count == 2)
    }

    @Test func aSecondSearchIsServedFromTheCacheUntilItExpires() async throws {
        let mcp = FakeArchitectureSource(name: "mcp", hits: Self.mcpHits)
        let web = FakeArchitectureSource(name: "web", hits: Self.webHits)
        let query = ArchitectureQuery(text: "Order  Processing", industry: "retail", limit: 5)
        let first = try await search([mcp, web]).search(query, deadline: Deadline(seconds: 10))
        // The same question spelled differently, an hour later: from the database.
        let again = try await search([mcp, web], at: Self.start.addingTimeInterval(3600))
            .search(ArchitectureQuery(text: "order processing", industry: "Retail", limit: 5), deadline: Deadline(seconds: 10))
        #expect(again.cached && again.results == first.results && again.providers == first.providers)
        #expect(mcp.calls == 1 && web.calls == 1)
        // Another limit, or another provider set, is another question.
        _ = try await search([mcp, web], at: Self.start.addingTimeInterval(3600)).search(ArchitectureQuery(text: "order processing", limit: 4),
                                                                                      deadline: Deadline(seconds: 10))
        _ = try await search([mcp], at: Self.start.addingTimeInterval(3600)).search(query, deadline: Deadline(seconds: 10))
        #expect(mcp.calls == 3 && web.calls == 2)
        let rows = try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM sales_architecture_cache")?.int("n") }
        #expect(rows == 3)
        // 25 hours on, the entry has expired: asked again and stored again (one row per key); the
        // two stored an hour in have expired too and are deleted in the same write.
        let later = try await search([mcp, web], at: Self.start.addingTimeInterval(25 * 3600)).search(query, deadline: Deadline(seconds: 10))
        #expect(!later.cached && mcp.calls == 4 && web.calls == 3)
        let left = try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM sales_architecture_cache")?.int("n") }
        #expect(left == 1, "expired answers are deleted, not kept forever")
        let refreshed = try database.read { sql in
            try sql.queryOne("SELECT fetched_at FROM sales_architecture_cache WHERE query = 'order processing' AND industry = 'retail' AND result_limit = 5 AND providers = 'mcp,web'")?
                .string("fetched_at")
        }
        #expect(refreshed == Timestamp.format(Self.start.addingTimeInterval(25 * 3600), milliseconds: true))
    }

    @Test func oneProviderDownGivesTheOthersResultsWithANoteAndIsNotCached() async throws {
        let mcp = FakeArchitectureSource(name: "mcp", failure: BundleError(.unavailable, "cannot reach the MCP server"))
        let web = FakeArchitectureSource(name: "web", hits: Self.webHits)
        let query = ArchitectureQuery(text: "order processing", limit: 5)
        let answer = try await search([mcp, web]).search(query, deadline: Deadline(seconds: 10))
        #expect(answer.providers == ["web"] && answer.results.map(\.source) == ["web", "web"])
        #expect(answer.note == "the MCP documentation server failed (cannot reach the MCP server): results from web search only")
        _ = try await search([mcp, web]).search(query, deadline: Deadline(seconds: 10))
        #expect(web.calls == 2, "a partial answer is not cached: the next search asks both again")
    }

    /// Outcomes pair with their provider by position, not by who finished first: the MCP server
    /// failing at once while web search answers late is still the MCP server's failure.
    @Test func outcomesKeepTheirProviderWhateverFinishesFirst() async throws {
        let mcp = FakeArchitectureSource(name: "mcp", failure: BundleError(.unavailable, "cannot reach the MCP server"))
        let web = FakeArchitectureSource(name: "web", hits: Self.webHits, delay: .milliseconds(200))
        let answer = try await search([mcp, web]).search(ArchitectureQuery(text: "order processing", limit: 5), deadline: Deadline(seconds: 10))
        #expect(answer.providers == ["web"] && answer.results.map(\.source) == ["web", "web"])
        #expect(answer.note == "the MCP documentation server failed (cannot reach the MCP server): results from web search only")

        let slowMCP = FakeArchitectureSource(name: "mcp", hits: Self.mcpHits, delay: .milliseconds(200))
        let both = try await search([slowMCP, FakeArchitectureSource(name: "web", hits: Self.webHits)])
            .search(ArchitectureQuery(text: "order processing", industry: "Retail", limit: 5), deadline: Deadline(seconds: 10))
        #expect(both.results.map(\.source) == ["mcp", "web", "mcp"], "the first provider's best still leads")
    }

    /// Web search's two scoped queries interleave in the queries' order (Architecture Center
    /// first) even when the Solutions Library query answers first.
    @Test func webQueriesInterleaveInTheirOrderWhateverAnswersFirst() async throws {
        let provider = ScopedSearch()
        let hits = try await WebArchitectureSource(provider: provider).find(ArchitectureQuery(text: "order processing", limit: 5),
                                                                            deadline: Deadline(seconds: 10))
        #expect(hits.map(\.url) == ["https://aws.amazon.com/architecture/a1", "https://aws.amazon.com/solutions/s1",
                                    "https://aws.amazon.com/architecture/a2"])
        #expect(provider.asked.withLock { $0.map(\.freshness) } == [.anyTime, .anyTime], "older Architecture Center pages count too")
    }

    @Test func everyProviderDownIsUpstreamFailedNamingEach() async throws {
        let mcp = FakeArchitectureSource(name: "mcp", failure: BundleError(.timeout, "the MCP server did not answer in time"))
        let web = FakeArchitectureSource(name: "web", failure: BundleError(.rateLimited, "You.com search failed: slow down"))
        do {
            _ = try await search([mcp, web]).search(ArchitectureQuery(text: "x"), deadline: Deadline(seconds: 10))
            Issue.record("every provider down must throw")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(error.message.contains("in time") && error.message.contains("slow down"), "\(error.message)")
        }
    }

    @Test func withNoLiveProviderTheCatalogueAnswersAndSaysSo() async throws {
        let catalogue = [
            SolutionMatch(solutionID: 1, name: "AWS Lambda", category: "Compute", description: "Run code without servers.", pricingModel: "Pay per use",
                          docsURL: "https://aws.amazon.com/lambda/", score: 0.03, foundBy: ["full_text"]),
            SolutionMatch(solutionID: 2, name: "In-house tool", category: "Other", description: "No page.", pricingModel: "Free", docsURL: nil,
                          score: 0.02, foundBy: ["full_text"]),
        ]
        let answer = try await search([], skipped: ["no MCP server is configured (MCP_PROVIDER is offline)", "web search is offline (SEARCH_PROVIDER)"],
                                      catalogue: catalogue).search(ArchitectureQuery(text: "serverless"), deadline: Deadline(seconds: 10))
        #expect(answer.offline && answer.providers == ["catalogue"] && !answer.cached)
        #expect(answer.results == [ArchitectureResult(title: "AWS Lambda", url: "https://aws.amazon.com/lambda/", summary: "Run code without servers.",
                                                      solutions: ["AWS Lambda"], source: "catalogue")], "no URL made up for the one without a page")
        #expect(answer.note?.hasPrefix("offline: no MCP server is configured (MCP_PROVIDER is offline) and web search is offline") == true)

        // No solution listed for the industry: those for any industry, and the note says so.
        let energy = try await search([], skipped: ["no MCP server is configured (MCP_PROVIDER is offline)"], catalogue: catalogue)
            .search(ArchitectureQuery(text: "serverless", industry: "Energy"), deadline: Deadline(seconds: 10))
        #expect(energy.results.map(\.title) == ["AWS Lambda"])
        #expect(energy.note?.hasSuffix("(none is listed for Energy, so these are for any industry)") == true, "\(energy.note ?? "")")
    }

    @Test func solutionNamesAreWholeWordsOrUnmistakableShortForms() {
        let names = ArchitectureSolutionNames(names: Self.names)
        #expect(names.solutions(in: "Streams into S3 and DynamoDB via Amazon Route 53") == ["Amazon S3", "Amazon DynamoDB", "Amazon Route 53"])
        #expect(names.solutions(in: "Connect the lambda glue") == [])
        #expect(names.solutions(in: "AWS Lambda, then AWS Lambda again") == ["AWS Lambda"])
        #expect(names.solutions(in: "Amazon OpenSearch Service") == ["Amazon OpenSearch Service"])
    }

    @Test func architecturePagesAndURLKeys() {
        #expect(ReferenceArchitecture.isArchitecture(url: "http://aws.amazon.com/architecture/x", title: "x"))
        #expect(ReferenceArchitecture.isArchitecture(url: "https://docs.aws.amazon.com/solutions/latest/guide/", title: "Guide"))
        #expect(ReferenceArchitecture.isArchitecture(url: "https://docs.aws.amazon.com/whitepapers/x.html", title: "A Reference Architecture for y"))
        #expect(!ReferenceArchitecture.isArchitecture(url: "https://docs.aws.amazon.com/lambda/latest/dg/", title: "Developer guide"))
        #expect(!ReferenceArchitecture.isArchitecture(url: "https://aws.amazon.com.evil.example/architecture/", title: "reference architecture"))
        #expect(!ReferenceArchitecture.isArchitecture(url: "https://blog.example/reference-architecture", title: "Reference architecture"))
        #expect(ReferenceArchitecture.key("HTTP://AWS.Amazon.com/architecture/Order/#top") == "https://aws.amazon.com/architecture/Order")
    }
}

/// A provider that answers fixed pages (or fails) and counts what it was asked.
final class FakeArchitectureSource: ArchitectureSource, Sendable {
    let name: String
    let outcome: Result<[ArchitectureHit], BundleError>
    let asked = Mutex<[ArchitectureQuery]>([])

    /// How long it takes to answer.
    let delay: Duration

    init(name: String, hits: [ArchitectureHit], delay: Duration = .zero) {
        self.name = name
        outcome = .success(hits)
        self.delay = delay
    }

    init(name: String, failure: BundleError) {
        self.name = name
        outcome = .failure(failure)
        delay = .zero
    }

    var identity: String { "fake:" + name }
    var calls: Int { asked.withLock { $0.count } }

    func find(_ query: ArchitectureQuery, deadline: Deadline) async throws -> [ArchitectureHit] {
        asked.withLock { $0.append(query) }
        if delay > .zero { try await Task.sleep(for: delay) }
        return try outcome.get()
    }
}

/// Web search answering the Architecture Center query late with two pages and the Solutions
/// Library query at once with one, and recording what it was asked.
final class ScopedSearch: SearchProvider, Sendable {
    let name = "scoped"
    let asked = Mutex<[(query: String, freshness: Freshness)]>([])

    func search(_ query: String, freshness: Freshness, count: Int, deadline: Deadline) async throws -> [SearchResult] {
        asked.withLock { $0.append((query, freshness)) }
        guard query.hasSuffix("site:aws.amazon.com/architecture") else {
            return [SearchResult(url: "https://aws.amazon.com/solutions/s1", title: "S1", snippet: "")]
        }
        try await Task.sleep(for: .milliseconds(200))
        return [SearchResult(url: "https://aws.amazon.com/architecture/a1", title: "A1", snippet: ""),
                SearchResult(url: "https://aws.amazon.com/architecture/a2", title: "A2", snippet: "")]
    }
}

/// Tier 1 answering fixed matches, none when asked for the Energy industry (none listed for it).
struct FixedMatching: SolutionMatching {
    let matches: [SolutionMatch]
    func match(_ query: SolutionQuery, deadline: Deadline) async throws -> [SolutionMatch] {
        query.industry == "Energy" ? [] : Array(matches.prefix(query.limit))
    }
}
