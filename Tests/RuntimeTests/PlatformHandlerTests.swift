import Catalog
import Core
import FoundationEssentials
import HTTPTransport
import Jobs
import Platform
import Providers
import Runtime
import Store
import TestSupport
import Testing

@Suite struct PlatformHandlerTests {
    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: Catalog.migrations)
    }

    func context(_ values: [String: String] = [:], now: String = "2026-03-10T12:00:00Z", llm: LLMClient? = nil) -> FunctionContext {
        FunctionContext(function: "test", requestID: "req", config: Config(values),
                        clock: BundleClock(frozenAt: Timestamp.parse(now)!), logger: .discarding,
                        deadline: Deadline(seconds: 10), database: database, transport: FakeTransportStub(), llm: llm)
    }

    @Test func healthReportsDatabaseAndProviders() async throws {
        let output = try JSONValue(encoding: try await HealthHandler().handle(NoInput(), context: context()))
        #expect(output["status"] == "ok")
        #expect(output["time"] == "2026-03-10T12:00:00Z")
        #expect(output["database"]?["reachable"] == true)
        #expect(output["database"]?["schema_version"] == .number(Double(Catalog.migrations.count)))
        #expect(output["providers"]?["llm"] == "offline")
    }

    @Test func healthCountsMigrationsAppliedAgainstRegistered() async throws {
        // A database a newer build migrated further: applied counts its steps too.
        try database.write { try $0.execute("INSERT INTO applied_migrations (id, position, applied_at) VALUES ('future.step', 1000, '2026-03-10T12:00:00Z')") }
        let output = try JSONValue(encoding: try await HealthHandler().handle(NoInput(), context: context()))
        #expect(output["database"]?["schema_version"] == .number(Double(Catalog.migrations.count + 1)))
        #expect(output["database"]?["latest_schema_version"] == .number(Double(Catalog.migrations.count)))
    }

    @Test func healthIsUnavailableWhenAProviderIsMisconfigured() async throws {
        do {
            _ = try await HealthHandler().handle(NoInput(), context: context(["LLM_PROVIDER": "anthropic"]))
            Issue.record("expected unavailable")
        } catch let error as BundleError {
            #expect(error.code == .unavailable)
            #expect(error.details?.first?.field == "llm")
            #expect(error.message.contains("ANTHROPIC_API_KEY"))
        }
    }

    func record(_ function: String, _ model: String, at time: String, outcome: LLMCallRecord.Outcome = .succeeded,
                tokens: (Int, Int)? = (1000, 500), latency: Int = 100) throws {
        let prices = PriceTable()
        try DatabaseLLMCallRecorder(database: database).record(LLMCallRecord(
            createdAt: Timestamp.parse(time)!, requestID: nil, function: function, step: "s", provider: "openai", model: model,
            attempt: 1, promptTokens: tokens?.0, completionTokens: tokens?.1,
            costUSD: prices.cost(model: model, promptTokens: tokens?.0, completionTokens: tokens?.1),
            latencyMilliseconds: latency, outcome: outcome, error: outcome == .succeeded ? nil : "x"))
    }

    @Test func usageTotalsAndBreakdowns() async throws {
        try record("enrich", "gpt-4o-mini", at: "2026-03-01T10:00:00Z", latency: 100)
        try record("enrich", "gpt-4o-mini", at: "2026-03-02T10:00:00Z", outcome: .failed, tokens: nil, latency: 300)
        try record("synthesize", "claude-sonnet-4-5", at: "2026-03-03T10:00:00Z", latency: 200)
        try record("synthesize", "mystery-model", at: "2026-03-04T10:00:00Z", outcome: .invalidOutput, latency: 400)
        try record("old", "gpt-4o-mini", at: "2025-01-01T00:00:00Z")

        let handler = LLMUsageHandler()
        let input = try (["start_date": "2026-03-01", "end_date": "2026-03-04"] as JSONValue).decode(as: LLMUsageHandler.Input.self)
        let output = try JSONValue(encoding: try await handler.handle(input, context: context()))
        let totals = try #require(output["totals"])
        #expect(totals["calls"] == 4)
        #expect(totals["succeeded"] == 2)
        #expect(totals["failed"] == 1)
        #expect(totals["invalid_output"] == 1)
        #expect(totals["prompt_tokens"] == 3000)
        #expect(totals["unpriced_calls"] == 2)  // the failed call has no tokens; mystery-model has no price
        #expect(totals["avg_latency_ms"] == 250)
        // gpt-4o-mini: 1000 × 0.15 + 500 × 0.60 per million; sonnet: 1000 × 3 + 500 × 15 per million.
        #expect(totals["cost_usd"] == 0.01095)  // rounded to micro-dollars
        #expect(output["end"] == "2026-03-05T00:00:00Z")  // the end day is included
        let functions = output["by_function"]?.arrayValue?.compactMap { $0["function"]?.stringValue }
        #expect(functions == ["synthesize", "enrich"])  // most expensive first
        #expect(output["by_model"]?.arrayValue?.count == 3)

        let only = try (["function": "enrich"] as JSONValue).decode(as: LLMUsageHandler.Input.self)
        let filtered = try JSONValue(encoding: try await handler.handle(only, context: context()))
        #expect(filtered["totals"]?["calls"] == 2)  // default range: the 30 days before now
    }

    @Test func usageRejectsBadDates() async throws {
        let handler = LLMUsageHandler()
        for (fields, field) in [(["start_date": "last week"], "start_date"),
                                (["start_date": "2026-03-05", "end_date": "2026-03-01"], "start_date")] {
            let input = try JSONValue.object(fields.mapValues(JSONValue.string)).decode(as: LLMUsageHandler.Input.self)
            do {
                _ = try await handler.handle(input, context: context())
                Issue.record("expected validation_failed")
            } catch let error as BundleError {
                #expect(error.code == .validationFailed)
                #expect(error.details?.first?.field == field)
            }
        }
    }

    @Test func llmCheckRunsOfflineAndSaysSo() async throws {
        let recorder = InMemoryLLMCallRecorder()
        let client = LLMClient(provider: OfflineProvider(), recorder: recorder, function: "llm-check")
        let handler = LLMCheckHandler()
        let first = try JSONValue(encoding: try await handler.handle(.init(), context: context(llm: client)))
        let second = try JSONValue(encoding: try await handler.handle(.init(), context: context(llm: client)))
        #expect(first["provider"] == "offline")
        #expect(first["llm"]?["provider"] == "offline")
        #expect(first["brief"] == second["brief"])
        #expect(recorder.records.count == 2)
        #expect(recorder.records.allSatisfy { $0.outcome == .succeeded && $0.function == "llm-check" })
        #expect(SchemaValidator.validate(first, against: LLMCheckHandler.manifest.outputSchema).isEmpty)
    }
}

/// Health builds the LLM provider only to name it; no call may go out.
struct FakeTransportStub: Transport {
    func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        throw TransportError(.unexpected, host: request.host, "no network in this test")
    }
}

extension PlatformHandlerTests {
    @Test func progressIsReportedOnTheInvocationsOwnJob() throws {
        let queue = JobQueue(database: database)
        let job = try queue.enqueue(.init(function: "llm-check", input: [:], timeoutSeconds: 10), now: Date()).job
        _ = try queue.claim(worker: "w", now: Date(), maxTimeout: 60)
        context(["JOB_ID": String(job.id)]).reportProgress(40, "scored 4 of 10")
        context([:]).reportProgress(90, "no job: nothing happens")
        let stored = try #require(try queue.job(job.id))
        #expect(stored.progress == 40)
        #expect(stored.progressMessage == "scored 4 of 10")
    }
}

extension PlatformHandlerTests {
    func logout(headers: [String: JSONValue]) async throws -> JSONValue {
        let context = FunctionContext(function: "auth-logout", requestID: "req", config: Config(["FRONTEND_URL": "https://app.example.com"]),
                                      clock: BundleClock(frozenAt: Timestamp.parse("2026-03-10T12:00:00Z")!), logger: .discarding,
                                      deadline: Deadline(seconds: 10),
                                      http: ["url": "https://api.example.com/api/auth/logout", "headers": .object(headers)],
                                      database: database, transport: FakeTransportStub())
        return try JSONValue(encoding: try await AuthLogoutHandler().handle(JSONValueDecoder.decode(AuthLogoutHandler.Input.self, from: [:]), context: context))
    }

    /// Without a session found (the gateway refused the cookie of a cross-site POST), a page on
    /// another site cannot clear the cookie; this site's own pages and scripts without an Origin can.
    @Test func logoutClearsTheCookieOnlyForThisSiteOrAScript() async throws {
        let crossSite = try await logout(headers: ["origin": "https://evil.example", "host": "api.example.com"])
        #expect(crossSite["_http"]?["headers"]?["Set-Cookie"] == nil)
        #expect(crossSite["logged_out"] == false)
        let refererCrossSite = try await logout(headers: ["referer": "https://evil.example/page", "host": "api.example.com"])
        #expect(refererCrossSite["_http"]?["headers"]?["Set-Cookie"] == nil)
        for headers: [String: JSONValue] in [["origin": "https://app.example.com", "host": "api.example.com"], ["host": "api.example.com"]] {
            let cleared = try await logout(headers: headers)
            #expect(cleared["_http"]?["headers"]?["Set-Cookie"]?.stringValue?.contains("Max-Age=0") == true, "\(headers)")
        }
    }
}
