import Catalog
import Core
import Foundation
import Store
import Synchronization
import TestSupport
import Testing

/// The outreach workflow end to end: the five functions piped with their fixtures (offline), and
/// the routes through real nginx + fcgiwrap with the job worker running the runs against a
/// loopback fake of OpenAI's wire format: a good draft, a body too long (repaired once, then the
/// run failed at generate_body and shown by the list route), edits, unknown fields and sending.
@Suite(.serialized) struct SalesOutreachTests {
    static let newsURL = "https://news.example/acme-leaves-its-data-center"

    /// A body the checks accept: 150–200 words, Jane and Acme Corp, the one research source.
    static let goodBody: String = {
        let lead = "Hi Jane, I read that Acme Corp wants to leave its data center (\(newsURL)) and lower its infrastructure costs."
        let filler = "Our team has helped manufacturers plan that move step by step, starting small and measuring as they go."
        var body = lead
        while body.split(whereSeparator: \.isWhitespace).count < 160 { body += " " + filler }
        return body + "\nBest regards"
    }()

    /// What the fake's generate_body answers: `good`, `long` (400 words), `link` (an invented URL), `claim` (a disallowed claim).
    final class BodyMode: Sendable {
        let value = Mutex("good")
    }

    static func body(_ mode: String) -> String {
        switch mode {
        case "long": goodBody + String(repeating: " more", count: 240)
        case "link": goodBody.replacingOccurrences(of: "Best regards", with: "Details: https://invented.example/acme-plan\nBest regards")
        case "claim": goodBody.replacingOccurrences(of: "Best regards", with: "Results are guaranteed.\nBest regards")
        default: goodBody
        }
    }

    final class Upstreams: Sendable {
        let server: LoopbackServer
        let mode = BodyMode()

        init() throws {
            let mode = self.mode
            server = try LoopbackServer { request in
                if request.method == "GET", request.path.hasPrefix("/v1/search") {
                    return .json(200, ["results": ["web": [["url": .string(SalesOutreachTests.newsURL), "title": "Acme Corp leaves its data center",
                                                            "description": "Acme runs Kubernetes on premises and wants lower infrastructure costs."]]]])
                }
                guard request.method == "POST", request.path == "/v1/chat/completions" else { return .json(404, ["error": "unexpected"]) }
                let schema = request.json?["response_format"]?["json_schema"]?["name"]?.stringValue ?? ""
                let answer: JSONValue = switch schema {
                case "tech_stack":
                    ["technologies": [["name": "Kubernetes", "category": "devops", "evidence": .string(SalesOutreachTests.newsURL)]], "summary": "Containers."]
                case "pain_points":
                    ["pain_points": [["pain": "Infrastructure costs", "severity": "high", "evidence": .string(SalesOutreachTests.newsURL)]], "summary": "Costs."]
                case "research_summary":
                    ["summary": "Acme Corp wants to leave its data center.",
                     "key_insights": [["insight": "Leaving the data center", "evidence": .string(SalesOutreachTests.newsURL)]]]
                case "email_strategy":
                    ["approach": "Lead with the data center exit", "tone": "direct", "solutions": ["Amazon EKS", "Invented Service"],
                     "proof_points": [["point": "Acme is leaving its data center", "source": .string(SalesOutreachTests.newsURL)]]]
                case "outreach_subject": ["subject": "Acme Corp's data center exit"]
                case "outreach_body":
                    ["body": .string(SalesOutreachTests.body(mode.value.withLock { $0 }))]
                case "outreach_refine": ["subject": "Acme Corp's data center exit", "body": .string(SalesOutreachTests.goodBody), "changes": []]
                default: [:]
                }
                return .json(200, ["model": "gpt-4.1-mini", "usage": ["prompt_tokens": 300, "completion_tokens": 200],
                                   "choices": [["message": ["role": "assistant", "content": .string(answer.jsonText)], "finish_reason": "stop"]]])
            }
        }

        var environment: [String: String] {
            ["LLM_PROVIDER": "openai", "LLM_BASE_URL": server.baseURL + "/v1", "LLM_API_KEY": "sk-outreach-e2e",
             "SEARCH_PROVIDER": "youcom", "YOUCOM_API_KEY": "ydc-outreach", "YOUCOM_BASE_URL": server.baseURL,
             "MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "UPSTREAM_MAX_ATTEMPTS": "1", "WORKFLOW_RETRY_ATTEMPTS": "1",
             "WORKFLOW_RETRY_BASE_SECONDS": "0", "JOB_RETRY_BASE_S": "0"]
        }

        func requests(schema: String) -> Int {
            server.requests.filter { $0.json?["response_format"]?["json_schema"]?["name"]?.stringValue == schema }.count
        }
    }

    @Test func theOutreachFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        let environment = ["LLM_PROVIDER": "offline", "SEARCH_PROVIDER": "offline", "MCP_SERVER_URL": "http://127.0.0.1:9/mcp",
                           "WORKFLOW_RETRY_BASE_SECONDS": "0", "BUNDLE_NOW": "2026-03-02T10:00:00Z",
                           "DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite"))]
        func pipe(_ function: String, _ fixture: String) throws -> ProcessResult {
            try Binaries.run(function, stdin: try Fixtures.text("\(function)/\(fixture)"), environment: environment, workingDirectory: directory.path)
        }
        #expect(try pipe("get-outreach", "draft-1.json").errorCode == "not_found")
        try SalesResearchTests.insertProspect(directory.file("var/bundle.sqlite"))
        let refused = try pipe("draft-outreach", "prospect-1.json")
        #expect(refused.errorCode == "conflict" && refused.exitCode == 65)
        #expect(refused.json?["error"]?["message"]?.stringValue?.contains("POST /api/v1/prospects/1/research") == true)
        #expect(try pipe("research-prospect", "prospect-1.json").exitCode == 0)
        #expect(try pipe("run-research", "run-1.json").json?["research"]?["status"] == "succeeded")

        let queued = try pipe("draft-outreach", "prospect-1.json")
        #expect(queued.exitCode == 0, "\(queued.stdoutText) \(queued.stderr)")
        #expect(queued.json?["run_id"] == 2 && queued.json?["created"] == true)
        let ran = try pipe("run-outreach", "run-2.json")
        #expect(ran.exitCode == 0, "\(ran.stdoutText) \(ran.stderr)")
        #expect(ran.json?["run"]?["status"] == "succeeded", "\(ran.stdoutText)")
        #expect(ran.json?["run"]?["steps"]?.arrayValue?.map { $0["llm_calls"]?.intValue ?? -1 } == [0, 0, 1, 1, 1, 1])
        let draft = try #require(ran.json?["draft"])
        #expect(draft["id"] == 1 && draft["context_used"]?["offline"] == true && draft["context_used"]?["research_run_id"] == 1)
        #expect(draft["body"]?.stringValue?.contains("Jane") == true && (150...200).contains(draft["word_count"]?.intValue ?? 0))

        let listed = try pipe("list-outreach", "prospect-1.json")
        #expect(listed.json?["total"] == 1 && listed.json?["latest_run"]?["status"] == "succeeded")
        #expect(try pipe("get-outreach", "draft-1.json").json?["id"] == 1)
        let edited = try pipe("update-outreach", "edit-subject.json")
        #expect(edited.exitCode == 0 && edited.json?["warnings"] == [] && edited.json?["edited_at"] == "2026-03-02T10:00:00Z", "\(edited.stdoutText)")
        let sent = try pipe("update-outreach", "mark-sent.json")
        #expect(sent.exitCode == 0 && sent.json?["sent_at"] == "2026-03-02T09:30:00Z", "\(sent.stdoutText)")
        let prospect = try Binaries.run("get-prospect", stdin: #"{"id": 1}"#, environment: environment, workingDirectory: directory.path)
        #expect(prospect.json?["status"] == "contacted" && prospect.json?["last_contacted"] == "2026-03-02T09:30:00Z")
        #expect(try pipe("update-outreach", "edit-subject.json").errorCode == "conflict", "a sent draft's text cannot change")
    }

    /// The piped functions against the loopback fake answering a bad body: the repair round asks
    /// again naming the problem, then the run is failed at generate_body with the reason.
    @Test(arguments: [("long", "must have 150 to 200 words"), ("link", "https://invented.example/acme-plan, which is not one of the sources"),
                      ("claim", "makes a disallowed claim: \"guarantee\"")])
    func aBadBodyFromTheModelIsRepairedOnceThenFailsTheRun(mode: String, reason: String) throws {
        let upstreams = try Upstreams()
        upstreams.mode.value.withLock { $0 = mode }
        let directory = try TemporaryDirectory()
        let environment = upstreams.environment.merging(["BUNDLE_NOW": "2026-03-02T10:00:00Z",
                                                         "DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite"))]) { $1 }
        func run(_ function: String, _ input: String) throws -> ProcessResult {
            try Binaries.run(function, stdin: input, environment: environment, workingDirectory: directory.path)
        }
        try SalesResearchTests.insertProspect(directory.file("var/bundle.sqlite"))
        #expect(try run("research-prospect", #"{"id": 1}"#).exitCode == 0)
        #expect(try run("run-research", #"{"id": 1}"#).json?["research"]?["status"] == "succeeded")
        #expect(try run("draft-outreach", #"{"id": 1}"#).json?["run_id"] == 2)
        let ran = try run("run-outreach", #"{"id": 2}"#)
        #expect(ran.exitCode == 0, "the job did its work; the run says it failed: \(ran.stdoutText)")
        let outreach = try #require(ran.json?["run"])
        #expect(outreach["status"] == "failed" && outreach["failed_step"] == "generate_body" && ran.json?["draft"] == .null)
        #expect(outreach["error"]?["code"] == "upstream_failed")
        #expect(outreach["error"]?["message"]?.stringValue?.contains(reason) == true, "\(outreach["error"] ?? .null)")
        let bodies = upstreams.server.requests.filter { $0.json?["response_format"]?["json_schema"]?["name"] == "outreach_body" }
        #expect(bodies.count == 2, "one answer and one repair")
        let repair = bodies.last?.json?["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
        #expect(repair.contains(reason), "the repair names the problem: \(repair)")
        #expect(try run("list-outreach", #"{"id": 1}"#).json?["latest_run"]?["failed_step"] == "generate_body")
    }

    @Test func outreachThroughNginxAndTheWorker() throws {
        let upstreams = try Upstreams()
        let server = try NginxServer(mode: .direct, environment: upstreams.environment)
        let json = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]
        try SalesResearchTests.insertProspect(server.databasePath)
        func work() throws -> ProcessResult {
            try Binaries.run("work", environment: upstreams.environment.merging(["DATABASE_URL": server.databaseURL]) { $1 },
                             workingDirectory: server.state.path)
        }
        let early = try server.send("POST", "/api/v1/prospects/1/outreach", headers: json, body: "{}")
        #expect(early.status == 409, "\(early.text)")
        #expect(try server.send("POST", "/api/v1/prospects/1/outreach", headers: json, body: #"{"allow_without_research": true, "event_id": 5}"#).status == 404)
        #expect(try server.send("POST", "/api/v1/prospects/1/research", headers: json, body: "{}").status == 202)
        #expect(try work().json?["succeeded"] == 1)

        let start = try server.send("POST", "/api/v1/prospects/1/outreach", headers: json, body: #"{"custom_context": "Budget approved in March."}"#)
        #expect(start.status == 202, "\(start.text)")
        let jobID = try #require(start.json?["job_id"]?.intValue)
        #expect(start.json?["status_url"] == .string("/jobs/\(jobID)"))
        #expect(try work().json?["succeeded"] == 1)
        let listed = try #require(try server.send("GET", "/api/v1/prospects/1/outreach", headers: json).json)
        #expect(listed["latest_run"]?["status"] == "succeeded", "\(listed)")
        let draft = try #require(listed["drafts"]?.arrayValue?.first)
        #expect(draft["body"]?.stringValue == Self.goodBody && draft["suggested_solutions"] == ["Amazon EKS"])
        #expect(draft["context_used"]?["offline"] == false && draft["context_used"]?["llm_providers"] == ["openai"])
        #expect(draft["context_used"]?["custom_context"] == "Budget approved in March.")
        let id = try #require(draft["id"]?.intValue)
        #expect(try server.send("GET", "/api/v1/outreach/\(id)", headers: json).json?["id"]?.intValue == id)
        #expect(try server.send("GET", "/api/v1/outreach/999", headers: json).status == 404)
        let runID = try #require(start.json?["run_id"]?.intValue)
        let shown = try server.send("POST", "/api/v1/outreach-runs/\(runID)/run", headers: json, body: "{}")
        #expect(shown.status == 202 && shown.json?["queued"] == false && shown.json?["draft"]?["id"]?.intValue == id,
                "a finished run is shown, not run again: \(shown.text)")

        let unknown = try server.send("PATCH", "/api/v1/outreach/\(id)", headers: json, body: #"{"subjct": "Hi"}"#)
        #expect(unknown.status == 422 && unknown.text.contains("subject"), "did-you-mean names the field: \(unknown.text)")
        let edit = try server.send("PATCH", "/api/v1/outreach/\(id)", headers: json, body: #"{"body": "Hi Jane, we guarantee it."}"#)
        #expect(edit.status == 200 && (edit.json?["warnings"]?.arrayValue?.count ?? 0) >= 3, "\(edit.text)")
        let sent = try server.send("PATCH", "/api/v1/outreach/\(id)", headers: json, body: #"{"sent_at": "2026-03-05T08:30:00Z"}"#)
        #expect(sent.status == 200 && sent.json?["sent_at"] == "2026-03-05T08:30:00Z", "\(sent.text)")
        #expect(try server.send("GET", "/api/v1/prospects/1", headers: json).json?["status"] == "contacted")
        let emails = try server.send("GET", "/api/v1/prospects/1/interactions", headers: json).json?["interactions"]?.arrayValue ?? []
        #expect(emails.contains { $0["interaction_type"] == "email" && $0["content"] == "Hi Jane, we guarantee it." })
        #expect(try server.send("PATCH", "/api/v1/outreach/\(id)", headers: json, body: #"{"subject": "Changed"}"#).status == 409)

        // A model that keeps writing too much: repaired once, then the run fails at generate_body.
        upstreams.mode.value.withLock { $0 = "long" }
        let bodiesBefore = upstreams.requests(schema: "outreach_body")
        #expect(try server.send("POST", "/api/v1/prospects/1/outreach", headers: json, body: "{}").status == 202)
        #expect(try work().json?["succeeded"] == 1)
        let failed = try #require(try server.send("GET", "/api/v1/prospects/1/outreach", headers: json).json)
        #expect(failed["latest_run"]?["status"] == "failed" && failed["latest_run"]?["failed_step"] == "generate_body", "\(failed)")
        #expect(failed["latest_run"]?["error"]?["message"]?.stringValue?.contains("must have 150 to 200 words") == true)
        #expect(upstreams.requests(schema: "outreach_body") - bodiesBefore == 2, "one answer and one repair")
        #expect(failed["total"] == 1, "no draft from the failed run")

        // The model fixed: a new request resumes the failed run from generate_body.
        upstreams.mode.value.withLock { $0 = "good" }
        let strategiesBefore = upstreams.requests(schema: "email_strategy")
        let resumed = try server.send("POST", "/api/v1/prospects/1/outreach", headers: json, body: "{}")
        #expect(resumed.json?["resumed_from_run_id"] == failed["latest_run"]?["run_id"], "\(resumed.text)")
        #expect(try work().json?["succeeded"] == 1)
        #expect(try server.send("GET", "/api/v1/prospects/1/outreach", headers: json).json?["total"] == 2)
        #expect(upstreams.requests(schema: "email_strategy") == strategiesBefore, "the finished steps were not paid again")
        _ = upstreams
    }
}
