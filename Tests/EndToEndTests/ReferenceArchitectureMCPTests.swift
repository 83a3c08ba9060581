import Core
import Foundation
import TestSupport
import Testing

/// `search-reference-architectures` against the loopback MCP server (the official Python SDK,
/// `Tests/Fixtures/mcp/server.py --mode architectures`) and the loopback You.com at once: pages
/// merged, only architecture and solution pages kept, each URL once, the catalogue solutions
/// named, a second search served from the cache; either provider down (or the server hanging
/// past its budget) leaves the other's results with a note; the MCP server alone over stdio; the
/// route through nginx; research carrying what the server found.
@Suite(.serialized, .enabled(if: MCPTestServer.enabled, "needs the PyPI package mcp (python3 -m pip install mcp)"))
struct ReferenceArchitectureMCPTests {
    static let input = #"{"q": "serverless order processing", "industry": "Retail", "limit": 5}"#
    let directory: TemporaryDirectory
    /// The processes' DATABASE_URL: the directory's SQLite file, or its PostgreSQL role.
    let databaseURL: String

    init() throws {
        directory = try TemporaryDirectory()
        databaseURL = try TestDatabase.url(directory.file("bundle.sqlite"))
    }

    func run(_ environment: [String: String], _ stdin: String = ReferenceArchitectureMCPTests.input) throws -> ProcessResult {
        let base = ["DATABASE_URL": databaseURL, "LLM_PROVIDER": "offline", "BUNDLE_NOW": "2026-06-01T09:00:00Z",
                    "UPSTREAM_MAX_ATTEMPTS": "1", "MCP_TIMEOUT_SECONDS": "60", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        return try Binaries.run("search-reference-architectures", stdin: stdin, environment: base.merging(environment) { $1 },
                                workingDirectory: directory.path)
    }

    static func web(_ server: LoopbackServer) -> [String: String] {
        ["SEARCH_PROVIDER": "youcom", "YOUCOM_API_KEY": "test-youcom-key", "YOUCOM_BASE_URL": server.baseURL]
    }

    @Test func bothProvidersMergedNamedAndCached() throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let calls = directory.file("calls.txt")
        let mcp = try MCPTestServer(jsonResponse: false, mode: "architectures", callsFile: calls)
        let web = try ArchitectureWebFake.start()
        let environment = Self.web(web).merging(["MCP_SERVER_URL": mcp.url]) { $1 }
        let first = try run(environment)
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.json?["providers"] == ["mcp", "web"] && first.json?["cached"] == false && first.json?["offline"] == false)
        #expect((first.json?["note"] ?? .null) == .null, "\(first.stdoutText)")
        let results = try #require(first.json?["results"]?.arrayValue)
        // Interleaved by rank; the ordinary guide and the page off AWS are dropped; the
        // order-processing architecture (found by both, and twice by the MCP server) stands once.
        #expect(results.compactMap { $0["url"]?.stringValue } == [
            "https://aws.amazon.com/solutions/implementations/serverless-order-processing/", ArchitectureWebFake.orderProcessing,
            ArchitectureWebFake.demandForecasting, ArchitectureWebFake.peakTraffic,
            "https://aws.amazon.com/blogs/architecture/serverless-order-processing-at-scale/",
        ], "\(first.stdoutText)")
        #expect(results.compactMap { $0["source"]?.stringValue } == ["mcp", "web", "web", "web", "mcp"])
        #expect(results[0]["solutions"] == ["Amazon API Gateway", "AWS Lambda", "Amazon DynamoDB"])
        #expect(results[4]["solutions"] == ["Amazon Kinesis", "Amazon S3", "Amazon Athena"], "S3 by its short form")
        #expect(results[3]["solutions"] == ["Amazon CloudFront", "Amazon ElastiCache"])
        let phrases = ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(phrases == ["serverless order processing for Retail reference architecture"])

        let again = try run(environment.merging(["BUNDLE_NOW": "2026-06-01T12:00:00Z"]) { $1 })
        #expect(again.json?["cached"] == true && again.json?["results"] == first.json?["results"])
        #expect(MCPTestServer.calls(in: calls) == 1 && web.requests.count == 2)
    }

    @Test func eitherProviderDownLeavesTheOthersResultsWithANote() throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let mcp = try MCPTestServer(jsonResponse: true, mode: "architectures")
        let down = try LoopbackServer { _ in .json(503, ["detail": "maintenance"]) }
        let webDown = try run(Self.web(down).merging(["MCP_SERVER_URL": mcp.url]) { $1 })
        #expect(webDown.exitCode == 0, "\(webDown.stderr)")
        #expect(webDown.json?["providers"] == ["mcp"])
        #expect(webDown.json?["results"]?.arrayValue?.allSatisfy { $0["source"] == "mcp" } == true)
        #expect(webDown.json?["results"]?.arrayValue?.count == 3)
        let note = webDown.json?["note"]?.stringValue ?? ""
        #expect(note.hasPrefix("web search failed (You.com search failed: maintenance)") && note.hasSuffix("results from the MCP documentation server only"),
                "\(note)")

        let web = try ArchitectureWebFake.start()
        let failing = try MCPTestServer(jsonResponse: true, mode: "protocol")
        let mcpDown = try run(Self.web(web).merging(["MCP_SERVER_URL": failing.url]) { $1 })
        #expect(mcpDown.exitCode == 0, "\(mcpDown.stderr)")
        #expect(mcpDown.json?["providers"] == ["web"] && mcpDown.json?["results"]?.arrayValue?.count == 3)
        #expect(mcpDown.json?["note"]?.stringValue?.contains("the MCP documentation server failed") == true, "\(mcpDown.stdoutText)")
        #expect(mcpDown.json?["note"]?.stringValue?.contains("-32603") == true)
        // A server that hangs is given up at MCP_TIMEOUT_SECONDS; web search's answer stands.
        let hanging = try MCPTestServer(jsonResponse: false, mode: "hang")
        let slow = try run(Self.web(web).merging(["MCP_SERVER_URL": hanging.url, "MCP_TIMEOUT_SECONDS": "2"]) { $1 })
        #expect(slow.exitCode == 0 && slow.json?["providers"] == ["web"], "\(slow.stdoutText)")
        #expect(slow.json?["note"]?.stringValue?.contains("in time") == true, "\(slow.stdoutText)")
        // Not cached: with the server back, the next search asks it.
        let healed = try run(Self.web(web).merging(["MCP_SERVER_URL": mcp.url]) { $1 })
        #expect(healed.json?["providers"] == ["mcp", "web"] && healed.json?["cached"] == false)
    }

    @Test func theMCPServerAloneOverStdioWithOfflineWebSearch() throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let result = try run(["MCP_SERVER_COMMAND": MCPTestServer.stdioCommand(mode: "prefixed"), "SEARCH_PROVIDER": "offline"],
                             #"{"q": "data lake"}"#)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.json?["providers"] == ["mcp"] && result.json?["note"] == "web search is offline (SEARCH_PROVIDER)")
        // The prefixed tool answers JSON inside text; its guides are AWS pages titled after the
        // phrase, "data lake reference architecture guide", so they count as architectures.
        let urls = result.json?["results"]?.arrayValue?.compactMap { $0["url"]?.stringValue } ?? []
        #expect(urls.count == 5 && urls.allSatisfy { $0.hasPrefix("https://docs.aws.amazon.com/test/data-lake-reference/") }, "\(result.stdoutText)")
        let architectures = try run(["MCP_SERVER_COMMAND": MCPTestServer.stdioCommand(mode: "architectures"), "SEARCH_PROVIDER": "offline"],
                                    #"{"q": "data lake", "limit": 2}"#)
        #expect(architectures.json?["results"]?.arrayValue?.compactMap { $0["url"]?.stringValue } == [
            "https://aws.amazon.com/solutions/implementations/data-lake-reference/", "https://aws.amazon.com/architecture/data-lake-reference-reference-architecture/",
        ], "\(architectures.stdoutText)")
    }

    @Test func theRouteReachesTheMCPServerThroughNginx() throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let mcp = try MCPTestServer(jsonResponse: false, mode: "architectures")
        let server = try NginxServer(mode: .direct, environment: ["LLM_PROVIDER": "offline", "MCP_SERVER_URL": mcp.url, "SEARCH_PROVIDER": "offline"])
        let key = try server.createKey()
        let found = try server.send("GET", "/api/v1/reference-architectures/search?q=event%20streaming&limit=3", headers: ["X-API-Key": key])
        #expect(found.status == 200, "\(found.text)")
        #expect(found.json?["providers"] == ["mcp"] && found.json?["results"]?.arrayValue?.count == 3)
        #expect(found.json?["results"]?.arrayValue?.first?["url"] == "https://aws.amazon.com/solutions/implementations/event-streaming-reference/")
    }

    /// Research as the worker runs it, with the MCP server live: `match_solutions` asks it for
    /// the top 3 architectures, which lead the findings' `reference_architectures`.
    @Test func researchCarriesTheArchitecturesTheMCPServerFound() throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let mcp = try MCPTestServer(jsonResponse: true, mode: "architectures")
        try SalesResearchTests.insertProspect(directory.file("bundle.sqlite"))
        let environment = ["MCP_SERVER_URL": mcp.url, "SEARCH_PROVIDER": "offline", "WORKFLOW_RETRY_BASE_SECONDS": "0"]
        let base = ["DATABASE_URL": databaseURL, "LLM_PROVIDER": "offline", "BUNDLE_NOW": "2026-03-02T10:00:00Z",
                    "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].merging(environment) { $1 }
        let requested = try Binaries.run("research-prospect", stdin: #"{"id": 1}"#, environment: base, workingDirectory: directory.path)
        #expect(requested.exitCode == 0, "\(requested.stdoutText)")
        let ran = try Binaries.run("run-research", stdin: #"{"id": 1}"#, environment: base, workingDirectory: directory.path)
        let research = try #require(ran.json?["research"], "\(ran.stdoutText) \(ran.stderr)")
        #expect(research["status"] == "succeeded", "\(research)")
        let architectures = try #require(research["reference_architectures"]?.arrayValue)
        let searched = architectures.prefix(3)
        #expect(searched.count == 3 && searched.allSatisfy { $0["source"] == "mcp" && $0["solution"] == .null }, "\(architectures)")
        #expect(searched.first?["url"]?.stringValue?.hasPrefix("https://aws.amazon.com/solutions/implementations/") == true)
        #expect(searched.first?["solutions"] == ["Amazon API Gateway", "AWS Lambda", "Amazon DynamoDB"])
        #expect(research["reference_architectures_note"] == "web search is offline (SEARCH_PROVIDER)")
        let urls = architectures.compactMap { $0["url"]?.stringValue.map(ReferenceArchitectureKey.of) }
        #expect(Set(urls).count == urls.count, "each page once: \(urls)")
    }
}

/// The URL as the search compares them (scheme and host in lower case, no trailing slash).
enum ReferenceArchitectureKey {
    static func of(_ url: String) -> String {
        var text = url.lowercased().replacingOccurrences(of: "http://", with: "https://")
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

