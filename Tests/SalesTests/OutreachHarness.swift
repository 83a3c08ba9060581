import Core
import Foundation
import Providers
import Runtime
import Sales
import Store
import Synchronization
import TestSupport
import Workflows

/// The research harness's prospect (Jane Doe, CTO at Acme Corp) with an optional offline research
/// run, an event, a fake past-win search, and contexts that hand outreach its upstreams, so the
/// outreach functions run as the worker runs them.
final class OutreachHarness: Sendable {
    let research: ResearchHarness
    let wins: FakeSimilarWins
    /// Whether workflow steps retry as in production (WORKFLOW_RETRY_* unset) rather than once.
    let defaultRetries: Bool
    var database: any Database { research.database }

    static let winURL = "https://customers.example/globex-mainframe-story"

    init(researched: Bool = true, defaultRetries: Bool = false) async throws {
        research = try ResearchHarness()
        wins = FakeSimilarWins()
        self.defaultRetries = defaultRetries
        if researched { _ = try await research.research() }
        try database.write { sql in
            try sql.execute("""
                INSERT INTO sales_events (title, description, event_type, event_date, location, aws_solutions_featured, created_at, updated_at)
                VALUES ('Modernization Day Berlin', 'A day of mainframe modernization workshops with AWS architects. Bring your questions.',
                        'workshop', '2026-04-16T09:00:00Z', 'Berlin', '["Amazon EKS"]', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z'),
                       ('Security Summit Paris', 'Security for regulated industries.', 'summit', '2026-05-20T09:00:00Z', 'Paris', '[]',
                        '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """)
        }
    }

    func context(llm provider: any LLMProvider = OfflineProvider(), config: [String: String] = [:], http: JSONValue? = nil,
                 requestID: String = "req-outreach") -> FunctionContext {
        let llm = LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: database), function: "run-outreach", requestID: requestID)
        let retries = defaultRetries ? [:] : ["WORKFLOW_RETRY_ATTEMPTS": "1", "WORKFLOW_RETRY_BASE_SECONDS": "0"]
        let settings = Config(retries.merging(config) { $1 })
        let context = FunctionContext(function: "run-outreach", requestID: requestID, config: settings,
                                      clock: BundleClock(frozenAt: Timestamp.parse("2026-03-03T10:00:00Z")!), logger: .discarding,
                                      deadline: Deadline(seconds: 120), http: http, database: database, transport: NoNetwork(), llm: llm)
        let wins = self.wins
        context.provide(OutreachServices(llm: { llm.workflow("outreach") }, similarWins: { wins },
                                         disallowedClaims: OutreachChecks.disallowedClaims(config: settings)))
        return context
    }

    func call<H: FunctionHandler>(_ handler: H, _ input: JSONValue, context: FunctionContext) async throws -> JSONValue {
        try JSONValue(encoding: try await handler.handle(try input.decode(as: H.Input.self), context: context))
    }

    /// Requests a draft for prospect 1 and runs the queued run as the worker would: the run-outreach answer.
    func draft(_ extra: [String: JSONValue] = [:], llm provider: any LLMProvider = OfflineProvider(),
               config: [String: String] = [:]) async throws -> JSONValue {
        let queued = try await call(DraftOutreachHandler(), .object(["id": 1].merging(extra) { $1 }), context: context(llm: provider, config: config))
        guard let runID = queued["run_id"]?.intValue else { throw BundleError(.internal, "draft-outreach answered no run_id: \(queued)") }
        return try await call(RunOutreachHandler(), ["id": .number(Double(runID))], context: context(llm: provider, config: config))
    }

    func count(_ table: String) throws -> Int {
        try database.read { sql in try sql.queryOne("SELECT COUNT(*) AS n FROM \(table)")?.int("n") ?? 0 }
    }
}

/// Past-win search that answers with what a test set and keeps the queries.
final class FakeSimilarWins: SimilarWinsSearching, Sendable {
    let wins = Mutex<[PastWin]>([])
    let queries = Mutex<[String]>([])
    func similarWins(to text: String, limit: Int, deadline: Deadline) async throws -> [PastWin] {
        queries.withLock { $0.append(text) }
        return wins.withLock { Array($0.prefix(limit)) }
    }
}

/// The offline answers, except for the schemas a test overrides.
func scripted(_ overrides: [String: @Sendable (LLMRequest) -> JSONValue]) -> ScriptedLLM {
    ScriptedLLM { request in overrides[request.schemaName]?(request) ?? request.offlineAnswer() }
}
