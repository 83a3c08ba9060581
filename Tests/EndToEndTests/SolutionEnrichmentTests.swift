import Core
import Foundation
import HTTPTransport
import Providers
import Runtime
import Sales
import Store
import TestSupport
import Testing

/// Tier 2 against the loopback MCP server (the official Python SDK): live
/// enrichment, the database cache (a second call served from it, expiry after 24 h with an
/// injected clock), and every way the server can fail becoming `mcp_unavailable`, never a throw.
@Suite(.serialized, .enabled(if: MCPTestServer.enabled, "needs the PyPI package mcp (python3 -m pip install mcp)")) struct SolutionEnrichmentTests {
    static let names = ["Amazon S3", "AWS Lambda", "Amazon DynamoDB", "Amazon SageMaker", "AWS Glue", "Amazon Redshift"]
    static let matches = names.enumerated().map { index, name in
        SolutionMatch(solutionID: index + 1, name: name, category: "Analytics", description: "\(name) does things.",
                      pricingModel: "Pay-as-you-go", docsURL: "https://aws.amazon.com/\(index)/", score: 1 / Double(61 + index),
                      foundBy: ["full_text"])
    }
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + SalesSchema.migrations)
    }

    func enricher(_ config: [String: String], at date: Date = SolutionEnrichmentTests.start) throws -> any SolutionEnriching {
        let context = FunctionContext(function: "research", requestID: "test", config: Config(config), clock: BundleClock(frozenAt: date),
                                      logger: .discarding, deadline: Deadline(seconds: 120), database: database, transport: CurlTransport())
        return try context.solutionEnriching()
    }

    @Test func enrichesTheTopFiveLiveThenServesThemFromTheCacheUntilTheyExpire() async throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let calls = directory.file("calls.txt")
        let server = try MCPTestServer(jsonResponse: false, callsFile: calls)
        let config = ["MCP_SERVER_URL": server.url, "MCP_TIMEOUT_SECONDS": "60"]

        let first = try await enricher(config).enrich(Self.matches, usagePattern: "nightly backups  of sales data", deadline: Deadline(seconds: 90))
        #expect(!first.mcpUnavailable && first.reason == nil && first.provider == "mcp")
        #expect(first.enrichments.map(\.solutionName) == Array(Self.names.prefix(5)))
        let s3 = try #require(first.enrichments.first)
        #expect(s3.source == "mcp" && s3.server == server.url && !s3.cached)
        #expect(s3.documentation.count == 3 && s3.documentation[0].title == "Amazon S3 guide, part 1")
        #expect(s3.summary == "How to use Amazon S3 for nightly backups of sales data. Excerpt 1.")
        #expect(MCPTestServer.calls(in: calls) == 5)

        // Same solutions, the same pattern spelled differently, an hour later: all from the database.
        let second = try await enricher(config, at: Self.start.addingTimeInterval(3600))
            .enrich(Self.matches, usagePattern: "Nightly Backups of sales data", deadline: Deadline(seconds: 90))
        #expect(second.enrichments.allSatisfy(\.cached) && second.enrichments.count == 5 && !second.mcpUnavailable)
        #expect(second.enrichments.map(\.documentation) == first.enrichments.map(\.documentation))
        #expect(MCPTestServer.calls(in: calls) == 5)

        // A different pattern is a different key.
        _ = try await enricher(config).enrich(Array(Self.matches.prefix(1)), usagePattern: "data lake", deadline: Deadline(seconds: 90))
        #expect(MCPTestServer.calls(in: calls) == 6)

        // 25 hours later the entries have expired: asked again, and stored again (one row per key).
        let later = try await enricher(config, at: Self.start.addingTimeInterval(25 * 3600))
            .enrich(Self.matches, usagePattern: "nightly backups of sales data", deadline: Deadline(seconds: 90))
        #expect(later.enrichments.allSatisfy { !$0.cached } && MCPTestServer.calls(in: calls) == 11)
        let rows = try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM sales_enrichment_cache") }
        #expect(rows?.optionalInt("n") == 6)
    }

    @Test func aHangingServerIsUnavailableAtTheBudgetAndTheCacheIsStillUsed() async throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        // Cache one solution while the server is healthy; then it starts hanging.
        let hangFile = directory.file("hang")
        let command = MCPTestServer.stdioCommand(hangIfExists: hangFile)
        _ = try await enricher(["MCP_SERVER_COMMAND": command]).enrich(Array(Self.matches.prefix(1)), usagePattern: "backups",
                                                                      deadline: Deadline(seconds: 90))
        try directory.write("hang", "")
        let outcome = try await enricher(["MCP_SERVER_COMMAND": command, "MCP_TIMEOUT_SECONDS": "4"], at: Self.start.addingTimeInterval(60))
            .enrich(Array(Self.matches.prefix(3)), usagePattern: "backups", deadline: Deadline(seconds: 90))
        #expect(outcome.mcpUnavailable && outcome.reason?.contains("in time") == true, "\(outcome.reason ?? "no reason")")
        #expect(outcome.enrichments.map(\.solutionName) == ["Amazon S3"] && outcome.enrichments[0].cached)
    }

    @Test func aServerThatHangsMidwayKeepsWhatItAnsweredAndCachesIt() async throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let server = try MCPTestServer(jsonResponse: false, mode: "hang-after-2")
        let config = ["MCP_SERVER_URL": server.url, "MCP_TIMEOUT_SECONDS": "4"]
        let outcome = try await enricher(config).enrich(Self.matches, usagePattern: "x", deadline: Deadline(seconds: 60))
        #expect(outcome.mcpUnavailable && outcome.reason?.contains("in time") == true, "\(outcome.reason ?? "")")
        // The searches ran at once: which two the server answered is its choice.
        #expect(outcome.enrichments.count == 2 && outcome.enrichments.allSatisfy { !$0.cached })
        let answered = Self.matches.filter { match in outcome.enrichments.contains { $0.solutionName == match.name } }
        let cachedNow = try await enricher(["MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "MCP_TIMEOUT_SECONDS": "3"])
            .enrich(Self.matches, usagePattern: "x", deadline: Deadline(seconds: 60))
        #expect(cachedNow.enrichments.isEmpty, "the cache is per server")
        let again = try await enricher(config).enrich(answered, usagePattern: "x", deadline: Deadline(seconds: 60))
        #expect(!again.mcpUnavailable && again.enrichments.allSatisfy(\.cached))
    }

    @Test func absentAndFailingServersAreUnavailableNeverThrown() async throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        // Nothing listens on port 9 of the loopback: connection refused.
        let absent = try await enricher(["MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "MCP_TIMEOUT_SECONDS": "5"])
            .enrich(Self.matches, usagePattern: "x", deadline: Deadline(seconds: 30))
        #expect(absent.mcpUnavailable && absent.enrichments.isEmpty && absent.reason?.contains("cannot reach") == true)
        // An answer two days old is past its day, but with the server down it is still the best there is.
        let old = SolutionEnrichment(solutionName: "AWS Glue", summary: "old", documentation: [], source: "mcp",
                                     server: "http://127.0.0.1:9/mcp", cached: false, fetchedAt: "2026-05-26T20:26:40Z")
        try EnrichmentCache(database: database).store(old, patternHash: EnrichmentCache.patternHash("x"), server: "http://127.0.0.1:9/mcp",
                                                      now: Self.start.addingTimeInterval(-2 * 86_400))
        let stale = try await enricher(["MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "MCP_TIMEOUT_SECONDS": "5"])
            .enrich(Self.matches, usagePattern: "x", deadline: Deadline(seconds: 30))
        #expect(stale.mcpUnavailable && stale.enrichments.map(\.summary) == ["old"] && stale.enrichments[0].cached)

        let protocolFailure = try MCPTestServer(jsonResponse: true, mode: "protocol")
        let refused = try await enricher(["MCP_SERVER_URL": protocolFailure.url])
            .enrich(Self.matches, usagePattern: "x", deadline: Deadline(seconds: 60))
        #expect(refused.mcpUnavailable && refused.reason?.contains("JSON-RPC error -32603") == true, "\(refused.reason ?? "")")

        let toolFailure = try await enricher(["MCP_SERVER_COMMAND": MCPTestServer.stdioCommand(mode: "tool-error")])
            .enrich(Self.matches, usagePattern: "x", deadline: Deadline(seconds: 60))
        #expect(toolFailure.mcpUnavailable && toolFailure.reason?.contains("refused the query") == true, "\(toolFailure.reason ?? "")")

        let missingTool = try await enricher(["MCP_SERVER_URL": protocolFailure.url, "MCP_SEARCH_TOOL": "find_docs"])
            .enrich(Self.matches, usagePattern: "x", deadline: Deadline(seconds: 60))
        #expect(missingTool.mcpUnavailable && missingTool.reason?.contains("MCP_SEARCH_TOOL") == true)
    }

    @Test func findsPrefixedToolsAnsweringJSONInTextOverStdio() async throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let outcome = try await enricher(["MCP_SERVER_COMMAND": MCPTestServer.stdioCommand(mode: "prefixed"), "AWS_REGION": "eu-west-1"])
            .enrich(Array(Self.matches.prefix(2)), usagePattern: "", deadline: Deadline(seconds: 60))
        #expect(!outcome.mcpUnavailable, "\(outcome.reason ?? "")")
        #expect(outcome.enrichments.map { $0.documentation.first?.title } == ["Amazon S3 guide, part 1", "AWS Lambda guide, part 1"])
        #expect(outcome.enrichments.first?.server == "python3")
        #expect(outcome.enrichments.first?.regionalAvailability?["region"] == "eu-west-1")
    }
}
