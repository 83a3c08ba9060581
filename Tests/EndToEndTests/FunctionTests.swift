import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// Each function's binary with its fixture, as a person or cron would run it.
@Suite struct FunctionTests {
    let directory: TemporaryDirectory
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    init() throws {
        directory = try TemporaryDirectory()
    }

    func fixture(_ path: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func healthReportsAMigratedDatabase() throws {
        let result = try Binaries.run("health", stdin: try fixture("health/empty.json"), workingDirectory: directory.path)
        #expect(result.exitCode == 0)
        #expect(result.json?["database"]?["reachable"] == true)
        #expect(result.json?["database"]?["schema_version"] == result.json?["database"]?["latest_schema_version"])
        #expect(result.json?["providers"]?["llm"] == "offline")
        // On PostgreSQL the test run hands the process a DATABASE_URL for that path (Binaries).
        if TestDatabase.dialect == .sqlite {
            #expect(FileManager.default.fileExists(atPath: directory.file("var/bundle.sqlite")), "the default database path")
        }
    }

    /// SQLite only: a database file whose directory cannot be made (PostgreSQL's counterpart, a
    /// server that cannot be reached, is Store's unit tests').
    @Test(.enabled(if: TestDatabase.dialect == .sqlite, "a SQLite file under a blocked directory"))
    func healthIsUnavailableWhenTheDatabaseCannotBeOpened() throws {
        try directory.write("blocker", "a file, not a directory")
        let result = try Binaries.run("health", stdin: "{}", environment: ["DATABASE_URL": directory.file("blocker/db.sqlite")],
                                      workingDirectory: directory.path)
        #expect(result.exitCode == 75)
        #expect(result.errorCode == "unavailable")
        #expect(result.json?["error"]?["details"]?.arrayValue?.first?["field"] == "database")
        #expect(result.json?["error"]?["message"]?.stringValue?.contains("blocker/db.sqlite") == true)
    }

    @Test func llmCheckIsDeterministicOfflineAndRecorded() throws {
        let input = try fixture("llm-check/meeting-notes.json")
        let environment = ["BUNDLE_NOW": "2026-01-05T09:00:00Z"]
        let first = try Binaries.run("llm-check", stdin: input, environment: environment, workingDirectory: directory.path)
        let second = try Binaries.run("llm-check", stdin: input, environment: environment, workingDirectory: directory.path)
        #expect(first.exitCode == 0, "\(first.stdoutText) \(first.stderr)")
        #expect(first.json?["provider"] == "offline")
        #expect(first.json?["brief"] == second.json?["brief"])
        #expect(first.json?["brief"]?["title"] == "Discovery call with Priya Nair, Head of Revenue")
        #expect(first.json?["brief"]?["action_items"]?.arrayValue?.count == 3)

        let usage = try Binaries.run("llm-usage", stdin: try fixture("llm-usage/this-year.json"), environment: environment,
                                     workingDirectory: directory.path)
        #expect(usage.exitCode == 0)
        #expect(usage.json?["totals"]?["calls"] == 2)
        #expect(usage.json?["by_function"]?.arrayValue?.first?["function"] == "llm-check")
        #expect(usage.json?["by_model"]?.arrayValue?.first?["provider"] == "offline")
    }

    @Test func llmCheckThroughAnOpenAICompatibleServer() throws {
        let server = try LoopbackServer { request in
            guard request.path == "/v1/chat/completions", request.header("authorization") == "Bearer sk-e2e-secret-key" else {
                return .json(404, ["error": ["message": "unknown route"]])
            }
            let brief: JSONValue = ["title": "Pilot with Fernhill", "summary": "Fernhill wants fewer no-shows.",
                                    "key_points": ["No-shows rose to 28%."], "action_items": ["Send the DPA by Thursday."],
                                    "sentiment": "positive"]
            return .json(200, ["model": "gpt-4.1-mini", "choices": [["message": ["role": "assistant", "content": .string(brief.jsonText)],
                                                                    "finish_reason": "stop"]],
                               "usage": ["prompt_tokens": 400, "completion_tokens": 60]])
        }
        let environment = ["LLM_PROVIDER": "openai", "LLM_BASE_URL": server.baseURL + "/v1", "LLM_API_KEY": "sk-e2e-secret-key",
                           "LLM_MODEL": "gpt-4.1-mini"]
        let result = try Binaries.run("llm-check", stdin: try fixture("llm-check/meeting-notes.json"), environment: environment,
                                      workingDirectory: directory.path)
        #expect(result.exitCode == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json?["provider"] == "openai")
        #expect(result.json?["brief"]?["title"] == "Pilot with Fernhill")
        #expect(result.json?["llm"]?["prompt_tokens"] == 400)
        #expect(result.json?["llm"]?["cost_usd"] == .number((400 * 0.40 + 60 * 1.60) / 1_000_000))
        #expect(!result.stderr.contains("sk-e2e-secret-key"))
        #expect(server.requests.count == 1)
    }

    @Test func llmCheckTimesOutAtItsDeadlineAgainstASlowServer() throws {
        let server = try LoopbackServer { _ in ScriptedResponse(status: 200, headers: [:], body: [], delay: .seconds(120)) }
        let result = try Binaries.run("llm-check", stdin: "{}",
                                      environment: ["LLM_BASE_URL": server.baseURL + "/v1", "FUNCTION_TIMEOUT_S": "1"],
                                      workingDirectory: directory.path)
        #expect(result.exitCode == 75)
        #expect(result.errorCode == "timeout")
        #expect(result.duration < .seconds(60))
    }

    @Test func outputsMatchTheirManifestSchemas() throws {
        for (name, input) in [("health", "{}"), ("llm-check", "{}"), ("llm-usage", "{}"), ("llm-check", #"{"text": "Short. Note."}"#)] {
            let result = try Binaries.run(name, stdin: input, workingDirectory: directory.path)
            #expect(result.exitCode == 0, "\(name): \(result.stdoutText)")
            let manifest = try #require(Catalog.manifest(named: name))
            let problems = SchemaValidator.validate(try #require(result.json), against: manifest.outputSchema)
            #expect(problems.isEmpty, "\(name): \(problems)")
        }
    }

    @Test func llmUsageCountsACallMadeAMomentAgo() throws {
        for environment in [[:], ["BUNDLE_NOW": "2026-01-05T09:00:00Z"]] {
            let scratch = try TemporaryDirectory()
            _ = try Binaries.run("llm-check", stdin: "{}", environment: environment, workingDirectory: scratch.path)
            let usage = try Binaries.run("llm-usage", stdin: "{}", environment: environment, workingDirectory: scratch.path)
            #expect(usage.json?["totals"]?["calls"] == 1, "\(environment)")
        }
    }

    @Test func llmUsageRejectsBadDates() throws {
        let result = try Binaries.run("llm-usage", stdin: #"{"start_date": "2026-02-30"}"#, workingDirectory: directory.path)
        #expect(result.exitCode == 65)
        #expect(result.json?["error"]?["details"]?.arrayValue?.first?["field"] == "start_date")
    }
}

extension FunctionTests {
    /// libcurl honours the standard proxy variables: the request goes to the proxy with the
    /// upstream's absolute URL.
    @Test func llmCallsGoThroughTheConfiguredProxy() throws {
        let proxy = try LoopbackServer { request in
            guard request.path == "http://llm.upstream.test/v1/chat/completions" else { return .json(502, ["error": "unexpected"]) }
            let brief: JSONValue = ["title": "Via proxy", "summary": "It went through the proxy.", "key_points": ["Proxied."],
                                    "action_items": [], "sentiment": "neutral"]
            return .json(200, ["model": "gpt-4.1-mini", "choices": [["message": ["role": "assistant", "content": .string(brief.jsonText)]]],
                               "usage": ["prompt_tokens": 10, "completion_tokens": 5]])
        }
        let result = try Binaries.run("llm-check", stdin: "{}",
                                      environment: ["LLM_BASE_URL": "http://llm.upstream.test/v1", "LLM_API_KEY": "sk-proxy-test",
                                                    "http_proxy": proxy.baseURL],
                                      workingDirectory: directory.path)
        #expect(result.exitCode == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json?["brief"]?["title"] == "Via proxy")
        #expect(proxy.requests.count == 1)
    }
}
