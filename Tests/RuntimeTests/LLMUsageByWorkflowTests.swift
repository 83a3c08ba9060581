import Catalog
import Core
import FoundationEssentials
import Platform
import Providers
import Runtime
import Store
import TestSupport
import Testing

/// LLM calls recorded under a workflow (`LLMClient.workflow(_:)`) and read back by workflow and
/// step from `llm-usage`, the way research runs are costed.
@Suite struct LLMUsageByWorkflowTests {
    struct StepTask: StructuredTask {
        struct Output: Codable, Sendable, Equatable { var answer: String }
        let step: String
        let schemaName = "answer"
        let schema = Schema.object(["answer": Schema.string(minLength: 1)])
        let system = "Answer."
        let prompt = "Say something."
        func validate(_ output: Output) -> [ErrorDetail] { [] }
        func offlineAnswer() -> Output { Output(answer: "ok") }
    }

    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: Catalog.migrations)
    }

    func usage(_ input: JSONValue) async throws -> JSONValue {
        let context = FunctionContext(function: "llm-usage", requestID: "req", config: Config([:]),
                                      clock: BundleClock(frozenAt: Timestamp.parse("2026-12-02T12:00:00Z")!), logger: .discarding,
                                      deadline: Deadline(seconds: 10), database: database, transport: NoNetwork())
        let output = try JSONValue(encoding: try await LLMUsageHandler().handle(try input.decode(as: LLMUsageHandler.Input.self), context: context))
        let problems = SchemaValidator.validate(output, against: LLMUsageHandler.manifest.outputSchema)
        #expect(problems.isEmpty, "\(problems)")
        return output
    }

    @Test func callsAreRecordedAndReportedByWorkflowAndStep() async throws {
        let clock = BundleClock(frozenAt: Timestamp.parse("2026-12-02T10:00:00Z")!)
        let client = LLMClient(provider: OfflineProvider(), recorder: DatabaseLLMCallRecorder(database: database), function: "research-prospect",
                               clock: clock)
        let research = client.workflow("research")
        #expect(client.workflowName == nil, "workflow(_:) returns a copy")
        let deadline = Deadline(seconds: 5)
        _ = try await research.run(StepTask(step: "analyze_tech_stack"), deadline: deadline)
        _ = try await research.run(StepTask(step: "identify_pain_points"), deadline: deadline)
        _ = try await research.run(StepTask(step: "identify_pain_points"), deadline: deadline)
        _ = try await client.run(StepTask(step: "plain"), deadline: deadline)

        let stored = try database.read { try $0.query("SELECT workflow, step FROM llm_calls ORDER BY id") }
        #expect(stored.map { $0.optionalString("workflow") } == ["research", "research", "research", nil])

        let all = try await usage([:])
        #expect(all["totals"]?["calls"] == 4)
        let groups = all["by_workflow"]?.arrayValue ?? []
        #expect(groups.count == 2, "calls outside a workflow are not in by_workflow")
        let pains = try #require(groups.first { $0["step"] == "identify_pain_points" })
        #expect(pains["workflow"] == "research")
        #expect(pains["totals"]?["calls"] == 2)
        #expect(pains["function"] == .null)

        let only = try await usage(["workflow": "research"])
        #expect(only["workflow"] == "research")
        #expect(only["totals"]?["calls"] == 3)
        #expect(only["by_function"]?.arrayValue?.first?["function"] == "research-prospect")
        #expect(try await usage(["workflow": "outreach"])["totals"]?["calls"] == 0)
    }

    @Test func usageIsReportedPerDayWithTheQuietDaysIncluded() async throws {
        let recorder = DatabaseLLMCallRecorder(database: database)
        for (time, count) in [("2026-11-28T23:59:59Z", 1), ("2026-11-30T00:00:00Z", 2), ("2026-12-02T11:00:00Z", 1)] {
            let client = LLMClient(provider: OfflineProvider(), recorder: recorder, function: "enrich", clock: BundleClock(frozenAt: Timestamp.parse(time)!))
            for _ in 0..<count { _ = try await client.run(StepTask(step: "x"), deadline: Deadline(seconds: 5)) }
        }
        let week = try await usage(["start_date": "2026-11-27", "end_date": "2026-12-02"])
        let days = week["by_day"]?.arrayValue ?? []
        #expect(days.compactMap { $0["day"]?.stringValue } == ["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"])
        #expect(days.compactMap { $0["totals"]?["calls"]?.intValue } == [0, 1, 0, 2, 0, 1])
        #expect(days.reduce(0) { $0 + ($1["totals"]?["calls"]?.intValue ?? 0) } == week["totals"]?["calls"]?.intValue)

        // A window of years lists only the days that had calls.
        let years = try await usage(["start_date": "2020-01-01", "end_date": "2026-12-02"])
        #expect(years["by_day"]?.arrayValue?.compactMap { $0["day"]?.stringValue } == ["2026-11-28", "2026-11-30", "2026-12-02"])
    }
}
