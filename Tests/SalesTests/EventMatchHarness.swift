import Core
import Foundation
import Jobs
import Providers
import Retrieval
import Runtime
import Sales
import Store
import Synchronization
import TestSupport
import Workflows

/// A temporary database with 200 prospects who fit the test event (and a few who do not), half
/// of them researched; a loopback LLM speaking OpenAI's chat-completions wire format that scores
/// "Person N" by a fixed rule, fails for some prospects, is slow for others and counts how many
/// calls it serves at once; and an `OutreachDrafting` fake that stores drafts and records calls.
final class EventMatchHarness: Sendable {
    let directory: TemporaryDirectory
    let database: any Database
    let llm: FakeRelevanceLLM
    let outreach: FakeOutreach
    static let candidates = 200

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + JobsSchema.migrations
                                      + SalesSchema.migrations + WorkflowsSchema.migrations + RetrievalSchema.migrations)
        llm = try FakeRelevanceLLM()
        outreach = FakeOutreach(database: database)
        let titles = ["CTO", "VP of Engineering", "Head of IT Operations", "Chief Technology Officer"]
        try database.write { sql in
            try sql.execute("""
                INSERT INTO sales_events (title, description, event_type, event_date, target_industries, target_roles, aws_solutions_featured,
                                          created_at, updated_at)
                VALUES ('Modernisation Summit', 'Moving legacy mainframes to AWS and cutting infrastructure costs.', 'summit', '2026-05-14',
                        '["Manufacturing"]', '["CTO", "VP Engineering", "Head of IT"]', '["AWS Mainframe Modernization", "Amazon EKS"]',
                        '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """)
            func prospect(_ n: Int, title: String, industry: String, status: String) throws {
                try sql.execute("""
                    INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, industry, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                    """, "https://www.linkedin.com/in/person-\(n)", "Person \(n)", title, "Company \(n)", industry, status)
            }
            for n in 1...Self.candidates {
                try prospect(n, title: titles[n % titles.count], industry: n % 5 == 0 ? "manufacturing " : "Manufacturing", status: "new")
                guard n % 2 == 1 else { continue }
                let result: JSONValue = ["research_summary": .string("Company \(n) runs a legacy mainframe and wants lower costs."),
                                         "pain_points": [["pain": "Legacy infrastructure slows down change"]],
                                         "recommended_solutions": [["name": n % 4 == 1 ? "AWS Mainframe Modernization" : "Amazon RDS"]]]
                try sql.execute("""
                    INSERT INTO workflow_runs (workflow, subject, status, input, result, created_at, updated_at)
                    VALUES ('research', ?, 'succeeded', '{}', ?, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                    """, "prospect:\(n)", result)
            }
            // Filtered out: inactive, another industry, a title with no target role.
            try prospect(201, title: "CTO", industry: "Manufacturing", status: "inactive")
            try prospect(202, title: "CTO", industry: "Retail", status: "new")
            try prospect(203, title: "Data Analyst", industry: "Manufacturing", status: "new")
        }
    }

    /// A context as the worker gives the job: the real LLM client against the loopback fake.
    func context(requestID: String = "req-match", embedder: (any Embedder)? = nil) -> FunctionContext {
        let config = Config(["LLM_PROVIDER": "openai", "LLM_BASE_URL": llm.server.baseURL + "/v1", "LLM_API_KEY": "sk-match-test",
                             "UPSTREAM_MAX_ATTEMPTS": "1", "MAX_CONCURRENT_LLM_CALLS": "5", "EMBEDDINGS_PROVIDER": "offline",
                             "WORKFLOW_RETRY_ATTEMPTS": "2", "WORKFLOW_RETRY_BASE_SECONDS": "0"])
        let context = FunctionContext(function: "run-event-match", requestID: requestID, config: config,
                                      clock: BundleClock(frozenAt: Timestamp.parse("2026-03-02T10:00:00Z")!), logger: .discarding,
                                      deadline: Deadline(seconds: 300), database: database)
        let outreach = self.outreach
        let database = self.database
        context.provide(EventMatchServices(embedder: { try embedder ?? context.embedder() }, llm: { try context.llm().workflow("event_match") },
                                           outreach: { outreach }, concurrency: 5,
                                           countLLMCalls: ResearchServices.llmCallCounter(database: { database }, requestID: requestID)))
        return context
    }

    func call<H: FunctionHandler>(_ handler: H, _ input: JSONValue, context: FunctionContext) async throws -> JSONValue {
        try JSONValue(encoding: try await handler.handle(try input.decode(as: H.Input.self), context: context))
    }

    /// Requests a match of event 1 and runs it as the worker would; returns the run.
    func match(_ input: JSONValue = ["id": 1], embedder: (any Embedder)? = nil) async throws -> JSONValue {
        let queued = try await call(MatchProspectsHandler(), input, context: context(embedder: embedder))
        guard let runID = queued["run_id"]?.intValue else { throw BundleError(.internal, "no run_id: \(queued)") }
        return try await call(RunEventMatchHandler(), ["id": .number(Double(runID))], context: context(embedder: embedder))["run"] ?? .null
    }

    func matches(_ input: JSONValue = ["id": 1, "limit": 200]) async throws -> JSONValue {
        try await call(ListEventMatchesHandler(), input, context: context())
    }
}

/// The OpenAI-compatible fake: Person N scores `score(N)`; every tenth (N % 10 == 3) gets a 400,
/// every seventh is answered after 300 ms, the rest after 20 ms.
final class FakeRelevanceLLM: Sendable {
    /// Calls being served now, the most at once, and all calls.
    final class Load: Sendable {
        let state = Mutex((now: 0, peak: 0, calls: 0))
    }

    let server: LoopbackServer
    let load = Load()

    static func score(_ n: Int) -> Int { n <= 60 ? 100 - n / 2 : n % 60 }
    static func fails(_ n: Int) -> Bool { n % 10 == 3 }

    init() throws {
        let load = self.load
        server = try LoopbackServer { request in
            load.state.withLock { state in
                state.now += 1
                state.calls += 1
                state.peak = max(state.peak, state.now)
            }
            defer { load.state.withLock { $0.now -= 1 } }
            let text = request.text
            guard let range = text.range(of: "Prospect: Person "),
                  let n = Int(text[range.upperBound...].prefix(while: \.isNumber)) else { return .json(404, ["error": "no prospect"]) }
            Thread.sleep(forTimeInterval: n % 7 == 0 ? 0.3 : 0.02)
            if Self.fails(n) { return .json(400, ["error": ["message": "context length exceeded", "type": "invalid_request_error"]]) }
            let answer: JSONValue = ["score": .number(Double(Self.score(n))), "reason": .string("Person \(n) fits the summit's audience.")]
            return .json(200, ["model": "gpt-4.1-mini", "usage": ["prompt_tokens": 300, "completion_tokens": 20],
                               "choices": [["message": ["role": "assistant", "content": .string(answer.jsonText)], "finish_reason": "stop"]]])
        }
    }
}

/// Stores a draft per call (an outreach run row first, with the match run that asked, as the real
/// workflow would) and records
/// the requests; fails for the prospects in `failing`, and, like the real one, refuses with
/// `conflict` a prospect whose latest research has not succeeded unless `allow_without_research`.
final class FakeOutreach: OutreachDrafting, Sendable {
    let database: any Database
    let requests = Mutex<[OutreachRequest]>([])
    let failing = Mutex<Set<Int>>([])

    init(database: any Database) {
        self.database = database
    }

    func draft(_ request: OutreachRequest, deadline: Deadline) async throws -> OutreachOutcome {
        requests.withLock { $0.append(request) }
        if failing.withLock({ $0.contains(request.prospectID) }) { throw BundleError(.upstreamFailed, "the outreach LLM failed") }
        if !request.allowWithoutResearch {
            let latest = try database.read { sql in
                try sql.queryOne("SELECT status FROM workflow_runs WHERE workflow = 'research' AND subject = ? ORDER BY id DESC LIMIT 1",
                                 "prospect:\(request.prospectID)")?.optionalString("status")
            }
            if latest != "succeeded" {
                throw BundleError(.conflict, "prospect \(request.prospectID) has no succeeded research yet: run POST /api/v1/prospects/\(request.prospectID)/research first")
            }
        }
        return try database.write { sql in
            let runID = try sql.queryOne("""
                INSERT INTO workflow_runs (workflow, subject, status, input, created_at, updated_at)
                VALUES ('outreach', ?, 'succeeded', '{}', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z') RETURNING id
                """, "prospect:\(request.prospectID)")!.int("id")
            let draftID = try sql.queryOne("""
                INSERT INTO sales_outreach_drafts (prospect_id, event_id, run_id, match_run_id, subject, body, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'Join us', 'Hello', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z') RETURNING id
                """, [request.prospectID, request.eventID, runID, request.matchRunID])!.int("id")
            return OutreachOutcome(runID: runID, draftID: draftID, status: "succeeded", failedStep: nil, error: nil)
        }
    }
}

/// An embeddings server that is down.
struct DownEmbedder: Embedder {
    let provider = "openai"
    let model = "text-embedding-3-small"
    func embed(_ texts: [String], deadline: Deadline) async throws -> [[Float]] {
        throw BundleError(.unavailable, "the embeddings server answered 503")
    }
}
