import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// `search-reference-architectures` as a binary and through nginx, without an MCP server: the
/// fixture answered offline from the shipped catalogue (saying so, inventing no URL), web search
/// alone (a loopback You.com speaking its wire format) with the day-long cache, and every
/// provider down as `upstream_failed`. The MCP server's part is in ReferenceArchitectureMCPTests.
@Suite(.serialized) struct ReferenceArchitectureTests {
    static let function = "search-reference-architectures"
    let directory: TemporaryDirectory
    /// The processes' DATABASE_URL: the directory's SQLite file, or its PostgreSQL role.
    let databaseURL: String

    init() throws {
        directory = try TemporaryDirectory()
        databaseURL = try TestDatabase.url(directory.file("bundle.sqlite"))
    }

    var environment: [String: String] {
        ["DATABASE_URL": databaseURL, "LLM_PROVIDER": "offline", "BUNDLE_NOW": "2026-06-01T09:00:00Z",
         "MCP_PROVIDER": "offline", "SEARCH_PROVIDER": "offline", "UPSTREAM_MAX_ATTEMPTS": "1"]
    }

    func run(_ stdin: String, _ extra: [String: String] = [:]) throws -> ProcessResult {
        try Binaries.run(Self.function, stdin: stdin, environment: environment.merging(extra) { $1 }, workingDirectory: directory.path)
    }

    @Test func theFixtureIsAnsweredOfflineFromTheCatalogue() throws {
        let result = try run(try Fixtures.text("\(Self.function)/serverless-retail.json"))
        #expect(result.exitCode == 0, "\(result.stderr)")
        let answer = try #require(result.json)
        #expect(answer["offline"] == true && answer["providers"] == ["catalogue"] && answer["cached"] == false)
        #expect(answer["note"]?.stringValue?.contains("MCP_PROVIDER is offline") == true)
        let results = try #require(answer["results"]?.arrayValue)
        #expect((1...3).contains(results.count))
        // Every URL is a catalogue solution's own page, and the solution it names is that one.
        let listed = try Binaries.run("list-solutions", stdin: #"{"limit": 200}"#, environment: environment, workingDirectory: directory.path)
        let pages = Dictionary((listed.json?["solutions"]?.arrayValue ?? []).compactMap { solution in
            solution["docs_url"]?.stringValue.map { ($0, solution["name"]?.stringValue ?? "") }
        }, uniquingKeysWith: { first, _ in first })
        for item in results {
            let url = try #require(item["url"]?.stringValue)
            #expect(pages[url] != nil && item["solutions"] == [.string(pages[url] ?? "")] && item["source"] == "catalogue", "\(item)")
        }
        let manifest = try #require(Catalog.manifest(named: Self.function))
        #expect(SchemaValidator.validate(answer, against: manifest.outputSchema).isEmpty)

        let bad = try run(#"{"q": "x", "limit": 50}"#)
        #expect(bad.errorCode == "validation_failed" && bad.exitCode == 65)
        #expect(try run(#"{"industry": "Retail"}"#).errorCode == "validation_failed")
    }

    @Test func webSearchAloneIsScopedToArchitecturePagesAndCachedForADay() throws {
        let web = try ArchitectureWebFake.start()
        let live = ["SEARCH_PROVIDER": "youcom", "YOUCOM_API_KEY": "test-youcom-key", "YOUCOM_BASE_URL": web.baseURL]
        let input = #"{"q": "serverless order processing", "industry": "Retail", "limit": 5}"#
        let first = try run(input, live)
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(first.json?["providers"] == ["web"] && first.json?["offline"] == false && first.json?["cached"] == false)
        #expect(first.json?["note"] == "no MCP server is configured (MCP_PROVIDER is offline)")
        let urls = first.json?["results"]?.arrayValue?.compactMap { $0["url"]?.stringValue }
        #expect(urls == [ArchitectureWebFake.orderProcessing, ArchitectureWebFake.demandForecasting, ArchitectureWebFake.peakTraffic], "\(first.stdoutText)")
        let forecasting = first.json?["results"]?.arrayValue?[1]
        #expect(forecasting?["solutions"] == ["Amazon SageMaker", "AWS Glue"] && forecasting?["source"] == "web")
        let queries = ArchitectureWebFake.queries(web)
        #expect(queries.count == 2 && queries.contains { $0.hasSuffix("site:aws.amazon.com/architecture") }
                && queries.contains { $0.hasSuffix("site:aws.amazon.com/solutions") } && queries.allSatisfy { $0.contains("for Retail") }, "\(queries)")
        #expect(web.requests.allSatisfy { !$0.path.contains("freshness") }, "architecture pages of any age: \(web.requests.map(\.path))")
        #expect(!first.stderr.contains("test-youcom-key"))

        let second = try run(input, live.merging(["BUNDLE_NOW": "2026-06-01T20:00:00Z"]) { $1 })
        #expect(second.json?["cached"] == true && second.json?["results"] == first.json?["results"])
        #expect(web.requests.count == 2, "served from the cache")
        let expired = try run(input, live.merging(["BUNDLE_NOW": "2026-06-02T09:00:01Z"]) { $1 })
        #expect(expired.json?["cached"] == false && web.requests.count == 4, "refreshed after a day")
    }

    @Test func everyProviderDownIsUpstreamFailed() throws {
        let down = try LoopbackServer { _ in .json(503, ["detail": "maintenance"]) }
        // Nothing listens on port 9 of the loopback: the MCP server is refused.
        let result = try run(#"{"q": "data lake"}"#, ["SEARCH_PROVIDER": "youcom", "YOUCOM_API_KEY": "k", "YOUCOM_BASE_URL": down.baseURL,
                                                    "MCP_PROVIDER": "http", "MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "MCP_TIMEOUT_SECONDS": "5"])
        #expect(result.errorCode == "upstream_failed" && result.exitCode == 69, "\(result.stdoutText)")
        let message = result.json?["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("MCP documentation server failed") && message.contains("web search failed"), "\(message)")
    }

    @Test func theRouteWorksThroughNginx() throws {
        let server = try NginxServer(mode: .direct, environment: ["LLM_PROVIDER": "offline", "MCP_PROVIDER": "offline", "SEARCH_PROVIDER": "offline"])
        let key = try server.createKey()
        let found = try server.send("GET", "/api/v1/reference-architectures/search?q=kubernetes%20containers&industry=Retail&limit=2",
                                    headers: ["X-API-Key": key])
        #expect(found.status == 200, "\(found.text)")
        #expect(found.json?["offline"] == true && found.json?["query"] == "kubernetes containers" && found.json?["industry"] == "Retail")
        #expect((found.json?["results"]?.arrayValue?.count ?? 0) <= 2)
        #expect(try server.send("GET", "/api/v1/reference-architectures/search", headers: ["X-API-Key": key]).status == 422)
        #expect(try server.send("GET", "/api/v1/reference-architectures/search?q=x&limit=0", headers: ["X-API-Key": key]).status == 422)
    }
}

/// A loopback You.com (`GET /v1/search?query=…` answering `{"results": {"web": […]}}`): for the
/// Architecture Center query, an architecture page, a page off AWS and another architecture
/// page; for the Solutions Library query, a solution page.
enum ArchitectureWebFake {
    static let orderProcessing = "https://aws.amazon.com/architecture/serverless-order-processing-reference-architecture/"
    static let peakTraffic = "https://aws.amazon.com/architecture/retail-peak-traffic/"
    static let demandForecasting = "https://aws.amazon.com/solutions/implementations/retail-demand-forecasting/"

    static func start() throws -> LoopbackServer {
        try LoopbackServer { request in
            let query = URLComponents(string: request.path)?.queryItems?.first { $0.name == "query" }?.value ?? ""
            guard request.header("x-api-key") != nil else { return .json(401, ["detail": "no key"]) }
            func page(_ url: String, _ title: String, _ snippet: String) -> JSONValue {
                ["url": .string(url), "title": .string(title), "snippets": [.string(snippet)]]
            }
            let web: [JSONValue] = query.hasSuffix("site:aws.amazon.com/solutions")
                ? [page(demandForecasting, "Retail Demand Forecasting | AWS Solutions", "Uses Amazon SageMaker and AWS Glue.")]
                : [page(orderProcessing, "Serverless order processing reference architecture", "Amazon API Gateway in front of AWS Lambda."),
                   page("https://blog.example/serverless-architecture", "My serverless architecture", "Not AWS's page."),
                   page(peakTraffic, "Retail peak traffic reference architecture", "Amazon CloudFront and Amazon ElastiCache absorb the peaks.")]
            return .json(200, ["results": ["web": .array(web)]])
        }
    }

    static func queries(_ server: LoopbackServer) -> [String] {
        server.requests.compactMap { URLComponents(string: $0.path)?.queryItems?.first { $0.name == "query" }?.value }
    }
}
