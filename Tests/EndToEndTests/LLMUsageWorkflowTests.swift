import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing

/// `llm-usage` by workflow and step, piped with its fixture and through `/api/v1/metrics/llm-usage`
/// in nginx, over calls recorded the way `LLMClient.workflow(_:)` records them.
@Suite(.serialized) struct LLMUsageWorkflowTests {
    static func recordCalls(in path: String) throws {
        let database = try TestDatabase.open(path, migrations: Catalog.migrations)
        let calls: [(String?, String, Int, Double?)] = [
            ("research", "analyze_tech_stack", 1200, 0.003), ("research", "identify_pain_points", 900, 0.001),
            ("research", "identify_pain_points", 950, 0.001), (nil, "meeting.brief", 400, 0.0005),
        ]
        try database.write { db in
            for (workflow, step, tokens, cost) in calls {
                try db.execute("""
                    INSERT INTO llm_calls (created_at, function, workflow, step, provider, model, prompt_tokens, completion_tokens, cost_usd,
                        latency_ms, outcome)
                    VALUES ('2026-12-01T10:00:00.000Z', 'research-prospect', ?, ?, 'openai', 'gpt-4.1-mini', ?, 100, ?, 800, 'succeeded')
                    """, workflow, step, tokens, cost)
            }
        }
    }

    @Test func pipedWithItsFixture() throws {
        let directory = try TemporaryDirectory()
        let environment = ["BUNDLE_NOW": "2026-12-02T09:00:00Z"]
        #expect(try Binaries.run("health", stdin: "{}", environment: environment, workingDirectory: directory.path).exitCode == 0)
        try Self.recordCalls(in: directory.file("var/bundle.sqlite"))
        let result = try Binaries.run("llm-usage", stdin: try Fixtures.text("llm-usage/research-workflow.json"), environment: environment,
                                      workingDirectory: directory.path)
        #expect(result.exitCode == 0, "\(result.stdoutText) \(result.stderr)")
        let json = try #require(result.json)
        #expect(SchemaValidator.validate(json, against: try #require(Catalog.manifest(named: "llm-usage")).outputSchema).isEmpty)
        #expect(json["workflow"] == "research")
        #expect(json["totals"]?["calls"] == 3)
        let steps = json["by_workflow"]?.arrayValue ?? []
        #expect(steps.compactMap { $0["step"]?.stringValue } == ["analyze_tech_stack", "identify_pain_points"], "most expensive first")
        #expect(steps.last?["totals"]?["calls"] == 2)
        #expect(steps.last?["totals"]?["prompt_tokens"] == 1850)
    }

    @Test func throughTheSalesPathInNginx() throws {
        let server = try NginxServer(mode: .direct)
        let key = try server.createKey()
        try Self.recordCalls(in: server.databasePath)
        let all = try server.send("GET", "/api/v1/metrics/llm-usage?start_date=2026-12-01&end_date=2026-12-01", headers: ["X-API-Key": key])
        #expect(all.status == 200, "\(all.text)")
        #expect(all.json?["totals"]?["calls"] == 4)
        #expect(all.json?["by_workflow"]?.arrayValue?.count == 2, "the call outside a workflow is in the totals only")
        let same = try server.send("GET", "/metrics/llm-usage?start_date=2026-12-01&end_date=2026-12-01", headers: ["X-API-Key": key])
        #expect(same.json?["totals"] == all.json?["totals"], "an alias of the same function")
    }
}
