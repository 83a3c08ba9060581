import Catalog
import Core
import Foundation
import Store
import Synchronization
import TestSupport
import Testing

/// The research workflow end to end: the functions piped with their fixtures, and the routes
/// through real nginx + fcgiwrap with the job worker running the runs against loopback fakes of
/// OpenAI's and You.com's wire formats (a failing LLM retried, the run resumed from its failed
/// step). Tier 2 points at a closed port, so `mcp_unavailable` is what the runs must say.
@Suite(.serialized) struct SalesResearchTests {
    static let newsURL = "https://news.example/acme-leaves-its-data-center"
    static let steps = ["gather_context", "research_company", "analyze_tech_stack", "identify_pain_points", "match_solutions", "synthesize_research"]

    static func insertProspect(_ path: String) throws {
        let database = try TestDatabase.open(path, migrations: Catalog.migrations)
        try database.write { sql in
            try sql.execute("""
                INSERT INTO sales_companies (name, name_key, industry, created_at, updated_at)
                VALUES ('Acme Corp', 'acme', 'Manufacturing', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """)
            try sql.execute("""
                INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, company_id, industry, status, created_at, updated_at)
                VALUES ('https://www.linkedin.com/in/jane-doe', 'Jane Doe', 'CTO', 'Acme Corp', 1, 'Manufacturing', 'new',
                        '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """)
        }
    }

    /// An OpenAI-compatible LLM (answers by the schema asked for; 503 for the tech stack while
    /// `broken`) and a You.com search, on one loopback server.
    final class Switch: Sendable {
        let on = Mutex(false)
    }

    final class Upstreams: Sendable {
        let server: LoopbackServer
        let broken = Switch()

        init() throws {
            let broken = self.broken
            server = try LoopbackServer { request in
                if request.method == "GET", request.path.hasPrefix("/v1/search") {
                    return .json(200, ["results": ["web": [["url": .string(SalesResearchTests.newsURL), "title": "Acme Corp leaves its data center",
                                                            "description": "Acme runs Kubernetes on premises and wants lower infrastructure costs."]]]])
                }
                guard request.method == "POST", request.path == "/v1/chat/completions" else { return .json(404, ["error": "unexpected"]) }
                let schema = request.json?["response_format"]?["json_schema"]?["name"]?.stringValue ?? ""
                if schema == "tech_stack", broken.on.withLock({ $0 }) { return .json(503, ["error": ["message": "overloaded"]]) }
                let answer: JSONValue = switch schema {
                case "tech_stack":
                    ["technologies": [["name": "Kubernetes", "category": "devops", "evidence": .string(SalesResearchTests.newsURL)],
                                      ["name": "Mainframe", "category": "infrastructure", "evidence": "https://made-up.example/acme"]],
                     "summary": "Containers on premises."]
                case "pain_points":
                    ["pain_points": [["pain": "Infrastructure costs", "severity": "high", "evidence": .string(SalesResearchTests.newsURL)]],
                     "summary": "Costs."]
                default:
                    ["summary": "Acme Corp wants to leave its data center and cut costs.",
                     "key_insights": [["insight": "Leaving the data center", "evidence": .string(SalesResearchTests.newsURL)]]]
                }
                return .json(200, ["model": "gpt-4.1-mini", "usage": ["prompt_tokens": 400, "completion_tokens": 80],
                                   "choices": [["message": ["role": "assistant", "content": .string(answer.jsonText)], "finish_reason": "stop"]]])
            }
        }

        var environment: [String: String] {
            ["LLM_PROVIDER": "openai", "LLM_BASE_URL": server.baseURL + "/v1", "LLM_API_KEY": "sk-research-e2e",
             "SEARCH_PROVIDER": "youcom", "YOUCOM_API_KEY": "ydc-research", "YOUCOM_BASE_URL": server.baseURL,
             "MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "UPSTREAM_MAX_ATTEMPTS": "1",
             "WORKFLOW_RETRY_BASE_SECONDS": "0", "JOB_RETRY_BASE_S": "0"]
        }

        func requests(schema: String) -> Int {
            server.requests.filter { $0.json?["response_format"]?["json_schema"]?["name"]?.stringValue == schema }.count
        }
    }

    @Test func theResearchFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        let environment = ["LLM_PROVIDER": "offline", "SEARCH_PROVIDER": "offline", "MCP_SERVER_URL": "http://127.0.0.1:9/mcp",
                           "WORKFLOW_RETRY_BASE_SECONDS": "0", "BUNDLE_NOW": "2026-03-02T10:00:00Z",
                           "DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite"))]
        func pipe(_ function: String, _ fixture: String) throws -> ProcessResult {
            try Binaries.run(function, stdin: try Fixtures.text("\(function)/\(fixture)"), environment: environment, workingDirectory: directory.path)
        }
        #expect(try pipe("latest-research", "prospect-1.json").errorCode == "not_found")
        try Self.insertProspect(directory.file("var/bundle.sqlite"))
        let queued = try pipe("research-prospect", "prospect-1.json")
        #expect(queued.exitCode == 0, "\(queued.stdoutText) \(queued.stderr)")
        #expect(queued.json?["run_id"] == 1 && queued.json?["created"] == true)
        #expect(queued.json?["status_url"] == .string("/jobs/\(queued.json?["job_id"]?.intValue ?? 0)"))

        let ran = try pipe("run-research", "run-1.json")
        #expect(ran.exitCode == 0, "\(ran.stdoutText) \(ran.stderr)")
        #expect(ran.json?["ran"] == true)
        let research = try #require(ran.json?["research"])
        #expect(research["status"] == "succeeded", "\(research)")
        #expect(research["steps"]?.arrayValue?.allSatisfy { $0["status"] == "succeeded" } == true)
        #expect(research["steps"]?.arrayValue?.map { $0["llm_calls"]?.intValue ?? -1 } == [0, 0, 1, 1, 0, 1])
        #expect(research["offline"] == true && research["llm_provider"] == "offline")
        #expect(research["mcp_unavailable"] == true, "tier 2 points at a closed port")
        #expect(research["mcp_unavailable_reason"]?.stringValue?.isEmpty == false)
        #expect(research["research_summary"]?.stringValue?.contains("Acme Corp") == true)
        #expect(research["confidence_score"]?.doubleValue != nil)
        #expect(research["sources"] == [], "offline search without a corpus finds nothing, and nothing is invented")
        let listed = try pipe("list-research", "prospect-1.json")
        #expect(listed.exitCode == 0)
        #expect(listed.json?["runs"]?.arrayValue?.count == 1 && listed.json?["total"] == 1)
        let latest = try pipe("latest-research", "prospect-1.json")
        #expect(latest.exitCode == 0)
        #expect(latest.json?["run_id"] == 1)
        #expect(latest.json?["steps"]?.arrayValue?.map { $0["name"]?.stringValue } == Self.steps)

        // The LLM steps' calls are reported under the workflow, each by its workflow step name.
        let usage = try Binaries.run("llm-usage", stdin: #"{"workflow":"research"}"#, environment: environment, workingDirectory: directory.path)
        #expect(usage.exitCode == 0, "\(usage.stdoutText) \(usage.stderr)")
        let rows = usage.json?["by_workflow"]?.arrayValue ?? []
        #expect(Set(rows.compactMap { $0["workflow"]?.stringValue }) == ["research"], "\(usage.stdoutText)")
        #expect(Set(rows.compactMap { $0["step"]?.stringValue }) == ["analyze_tech_stack", "identify_pain_points", "synthesize_research"])
        #expect(rows.allSatisfy { $0["totals"]?["calls"] == 1 })
        #expect(usage.json?["totals"]?["calls"] == 3)
    }

    @Test func researchThroughNginxAndTheWorkerRetriesThenResumes() throws {
        let upstreams = try Upstreams()
        let server = try NginxServer(mode: .direct, environment: upstreams.environment)
        let json = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]
        try Self.insertProspect(server.databasePath)
        func work() throws -> ProcessResult {
            try Binaries.run("work", environment: upstreams.environment.merging(["DATABASE_URL": server.databaseURL]) { $1 },
                             workingDirectory: server.state.path)
        }

        upstreams.broken.on.withLock { $0 = true }
        let start = try server.send("POST", "/api/v1/prospects/1/research", headers: json, body: #"{"manual_context": "Data center lease ends in 2027."}"#)
        #expect(start.status == 202, "\(start.text)")
        let runID = try #require(start.json?["run_id"]?.intValue)
        let jobID = try #require(start.json?["job_id"]?.intValue)
        let again = try server.send("POST", "/api/v1/prospects/1/research", headers: json, body: "{}")
        #expect(again.json?["run_id"]?.intValue == runID && again.json?["created"] == false, "one active run per prospect")
        #expect(try server.send("GET", "/api/v1/prospects/1/research/latest", headers: json).json?["status"] == "queued")
        #expect(try server.send("GET", "/api/v1/prospects/99/research/latest", headers: json).status == 404)

        let first = try work()
        #expect(first.json?["succeeded"] == 1, "\(first.stdoutText) \(first.stderr)")
        let failed = try #require(try server.send("GET", "/api/v1/prospects/1/research/latest", headers: json).json)
        #expect(failed["status"] == "failed")
        #expect(failed["failed_step"] == "analyze_tech_stack")
        #expect(failed["error"]?["code"] == "unavailable", "the LLM server answered 503")
        let failedStep = try #require(failed["steps"]?.arrayValue?.last)
        #expect(failedStep["attempts"] == 3 && failedStep["llm_calls"] == 3 && failedStep["output"] == .null)
        #expect(upstreams.requests(schema: "tech_stack") == 3, "three attempts, each one call")
        let rerun = try server.send("POST", "/api/v1/research-runs/\(runID)/run", headers: json, body: "{}")
        #expect(rerun.status == 202 && rerun.json?["queued"] == false && rerun.json?["research"]?["status"] == "failed",
                "a finished run is shown, not run again: \(rerun.text)")
        let job = try server.send("GET", "/jobs/\(jobID)", headers: json).json
        #expect(job?["status"] == "succeeded" && job?["result"]?["research"]?["status"] == "failed",
                "the job ran the workflow; the run says it failed")
        let searches = upstreams.server.requests.filter { $0.path.hasPrefix("/v1/search") }
        #expect(searches.count == 2)
        #expect(searches.first?.path.contains("query=%22Acme%20Corp%22") == true, "the company name quoted: \(searches.first?.path ?? "")")

        upstreams.broken.on.withLock { $0 = false }
        // No manual_context: the failed run's (and its finished steps) are taken over.
        let resumed = try server.send("POST", "/api/v1/prospects/1/research", headers: json, body: "{}")
        #expect(resumed.status == 202)
        #expect(resumed.json?["resumed_from_run_id"]?.intValue == runID, "\(resumed.text)")
        #expect(resumed.json?["note"]?.stringValue?.hasPrefix("resumes failed run \(runID)") == true)
        #expect(try work().json?["succeeded"] == 1)
        let runs = try #require(try server.send("GET", "/api/v1/prospects/1/research", headers: json).json?["runs"]?.arrayValue)
        #expect(runs.count == 2)
        let second = runs[0]
        let statuses = second["steps"]?.arrayValue?.map { $0["status"]?.stringValue ?? "" } ?? []
        #expect(Array(statuses.prefix(4)) == ["reused", "reused", "succeeded", "succeeded"])
        // The company's searches; the resumed run's match_solutions also asked web search for
        // reference architectures (scoped to aws.amazon.com), twice.
        let company = upstreams.server.requests.filter { $0.path.hasPrefix("/v1/search") && !$0.path.contains("aws.amazon.com") }
        #expect(company.count == 2, "the web search was not paid again")
        #expect(upstreams.server.requests.filter { $0.path.hasPrefix("/v1/search") }.count == 4)
        #expect(second["reference_architectures_note"]?.stringValue?.contains("results from web search only") == true,
                "the MCP server is down for architecture search too: \(second["reference_architectures_note"] ?? .null)")
        #expect(second["technologies"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Kubernetes"], "the made-up citation is dropped")
        // Every call is recorded under the job's function: three failed tries, then what the resumed run paid for.
        let usage = try server.send("GET", "/metrics/llm-usage?function=run-research", headers: json).json
        #expect(usage?["totals"]?["calls"]?.intValue == 6, "\(usage ?? .null)")
        #expect(second["status"] == "succeeded", "\(second)")
        #expect(second["mcp_unavailable"] == true)
        #expect(second["mcp_unavailable_reason"]?.stringValue?.isEmpty == false)
        #expect(second["sources"] == [.string(Self.newsURL)], "sources only from the searches")
        #expect(second["recommended_solutions"]?.arrayValue?.isEmpty == false)
        #expect(second["steps"]?.arrayValue?.map { $0["llm_calls"]?.intValue ?? -1 } == [0, 0, 1, 1, 0, 1])
        #expect(try server.send("GET", "/api/v1/prospects/1/research/latest", headers: json).json?["run_id"] == second["run_id"])
        let steps = try server.send("GET", "/metrics/llm-usage?workflow=research", headers: json).json?["by_workflow"]?.arrayValue ?? []
        #expect(steps.first { $0["step"] == "analyze_tech_stack" }?["totals"]?["calls"] == 4, "three failed tries and the resumed run's call")
        _ = upstreams
    }
}
