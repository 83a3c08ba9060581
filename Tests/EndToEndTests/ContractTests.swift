import Catalog
import Core
import Gateway
import Foundation
import TestSupport
import Testing

/// The function contract on real processes: JSON on stdin, one JSON document on stdout, the
/// error code and exit code from DESIGN.md's table.
@Suite struct ContractTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func run(_ name: String, _ stdin: String, _ environment: [String: String] = [:]) throws -> ProcessResult {
        try Binaries.run(name, stdin: stdin, environment: ["LLM_PROVIDER": "offline"].merging(environment) { $1 },
                         workingDirectory: directory.path)
    }

    /// Exactly one JSON document and a newline on stdout.
    func expectOneDocument(_ result: ProcessResult) {
        #expect(result.stdout.last == 10, "stdout must end with a newline")
        #expect(result.stdout.filter { $0 == 10 }.count == 1, "stdout must be one line")
        #expect(result.json != nil, "stdout must be JSON: \(result.stdoutText)")
    }

    @Test(arguments: [
        ("{\"text\": ", "invalid_request", Int32(64)),
        ("[1, 2, 3]", "invalid_request", 64),
        ("\"just a string\"", "invalid_request", 64),
        ("{\"text\": 42}", "validation_failed", 65),
        ("{\"text\": \"\"}", "validation_failed", 65),
    ])
    func badInputGetsTheRightCode(stdin: String, code: String, exit: Int32) throws {
        let result = try run("llm-check", stdin)
        expectOneDocument(result)
        #expect(result.errorCode == code, "\(result.stdoutText)")
        #expect(result.exitCode == exit)
        #expect(result.json?["error"]?["message"]?.stringValue?.isEmpty == false)
    }

    @Test func aTypeMismatchNamesTheField() throws {
        let result = try run("llm-usage", #"{"start_date": 20260101}"#)
        #expect(result.exitCode == 65)
        #expect(result.json?["error"]?["message"] == "start_date: expected string, got integer")
        #expect(result.json?["error"]?["details"]?.arrayValue?.first?["field"] == "start_date")
    }

    @Test func emptyStdinMeansAnEmptyObject() throws {
        let result = try run("health", "")
        expectOneDocument(result)
        #expect(result.exitCode == 0)
        #expect(result.json?["status"] == "ok")
    }

    @Test func oversizedInputIsPayloadTooLarge() throws {
        let big = "{\"text\": \"" + String(repeating: "a", count: 5000) + "\"}"
        let result = try run("llm-check", big, ["MAX_INPUT_BYTES": "2048"])
        expectOneDocument(result)
        #expect(result.errorCode == "payload_too_large")
        #expect(result.exitCode == 64)
    }

    @Test func logsAreJSONLinesOnStderrWithTheRequestID() throws {
        let result = try run("health", #"{"_http": {"request_id": "req-abc-123", "method": "GET"}}"#)
        #expect(result.exitCode == 0)
        let lines = result.logLines
        #expect(!lines.isEmpty)
        #expect(lines.count == result.stderr.split(separator: "\n").count, "every stderr line must be JSON")
        #expect(lines.allSatisfy { $0["request_id"] == "req-abc-123" && $0["fn"] == "health" })
        #expect(lines.contains { $0["msg"] == "invocation.done" })
    }

    @Test func logLevelFiltersLines() throws {
        let result = try run("health", "{}", ["LOG_LEVEL": "error"])
        #expect(result.exitCode == 0)
        #expect(result.stderr.isEmpty)
    }

    @Test func describePrintsTheManifestEntryOfEveryFunction() throws {
        for manifest in Catalog.manifests {
            let result = try Binaries.run(manifest.name, arguments: ["--describe"], workingDirectory: directory.path)
            #expect(result.exitCode == 0)
            let document = try #require(result.json, "\(manifest.name) --describe")
            #expect(document["name"] == .string(manifest.name))
            #expect(document["summary"]?.stringValue?.isEmpty == false)
            #expect(document["routes"] == .array(manifest.routes.map { .string($0.description) }))
            #expect(document["success_status"]?.intValue == manifest.successStatus)
            #expect(document["timeout_seconds"]?.doubleValue == manifest.timeoutSeconds)
            #expect(document["input_schema"]?["type"] == "object")
            #expect(document["output_schema"]?["type"] == "object")
            #expect(document["error_schema"] == Schema.errorEnvelope)
            #expect(document.objectValue?.keys.contains("schedule") == true)
            for route in manifest.routes { #expect(Route(parsing: route.description)?.description == route.description) }
            let aliases = manifest.routes.filter(\.isAlias)
            #expect(document["route_aliases"] == (aliases.isEmpty ? nil
                : .object(Dictionary(uniqueKeysWithValues: aliases.map { ($0.description, JSONValue.string($0.aliasOf ?? "")) }))))
        }
    }

    /// Every executable is reachable (a route, a schedule, or a documented local-only tool), and
    /// every route is served by an executable.
    @Test func everyExecutableIsRoutedOrScheduledAndEveryRouteHasOne() throws {
        let localOnly: Set<String> = ["create-api-key", "revoke-api-key"]
        for manifest in Catalog.manifests {
            let reachable = !manifest.routes.isEmpty || manifest.schedule != nil || localOnly.contains(manifest.name)
            #expect(reachable, "\(manifest.name) has no route and no schedule")
            #expect(Catalog.isLocalOnly(manifest) == localOnly.contains(manifest.name), "\(manifest.name)")
            for route in manifest.routes {
                #expect(FileManager.default.isExecutableFile(atPath: Binaries.path(manifest.name)), "\(route) has no binary")
            }
        }
        let routes = Catalog.manifests.flatMap { manifest in manifest.routes.map { "\($0.method) \(RoutePattern($0.path).openAPIPath)" } }
        #expect(Set(routes).count == routes.count, "two functions claim one route")
    }

    @Test func dotEnvIsReadAndTheRealEnvironmentWins() throws {
        try directory.write(".env", "LLM_PROVIDER=anthropic\n")
        let fromFile = try Binaries.run("llm-check", stdin: "{}", workingDirectory: directory.path)
        #expect(fromFile.errorCode == "misconfigured")
        #expect(fromFile.exitCode == 78)
        #expect(fromFile.json?["error"]?["message"]?.stringValue?.contains("ANTHROPIC_API_KEY") == true)
        let overridden = try run("llm-check", "{}")  // LLM_PROVIDER=offline in the real environment
        #expect(overridden.exitCode == 0)
        #expect(overridden.json?["provider"] == "offline")
    }

    @Test func helpIsForPeopleOnStderr() throws {
        let result = try Binaries.run("health", arguments: ["--help"], workingDirectory: directory.path)
        #expect(result.exitCode == 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("GET /health"))
    }

    @Test func bundleNowFreezesTheClock() throws {
        let result = try run("health", "{}", ["BUNDLE_NOW": "2026-01-05T09:00:00Z"])
        #expect(result.json?["time"] == "2026-01-05T09:00:00Z")
        let bad = try run("health", "{}", ["BUNDLE_NOW": "tomorrow"])
        #expect(bad.errorCode == "misconfigured")
        #expect(bad.exitCode == 78)
    }
}
