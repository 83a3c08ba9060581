import Core
import Foundation
import TestSupport
import Testing

/// Crash, deadline and error mapping on a real process (the test-support `runtime-probe`).
@Suite struct RuntimeProcessTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func probe(_ stdin: String, _ environment: [String: String] = [:]) throws -> ProcessResult {
        try Binaries.run(Binaries.buildDirectory + "/runtime-probe", stdin: stdin, environment: environment,
                         workingDirectory: directory.path)
    }

    @Test func aCrashStillWritesOneJSONError() throws {
        let result = try probe(#"{"action": "crash", "count": 3}"#)
        #expect(result.exitCode == 70)
        #expect(result.errorCode == "internal")
        #expect(result.stdout.filter { $0 == 10 }.count == 1)
        #expect(result.stderr.contains("Fatal error"))  // the runtime's own report stays on stderr
    }

    @Test func aSegfaultWritesTheLogLineItsAnswerPromises() throws {
        let result = try probe(#"{"action": "segv", "_http": {"request_id": "crash-7"}}"#)
        #expect(result.exitCode == 70)
        #expect(result.errorCode == "internal")
        #expect(result.json?["error"]?["message"]?.stringValue?.contains("its log on stderr") == true)
        let line = try #require(result.logLines.first { $0["msg"] == "invocation.crashed" }, "stderr: \(result.stderr)")
        #expect(line["signal_name"] == "SIGSEGV")
        #expect(line["signal"] == 11)
        #expect(line["request_id"] == "crash-7")
        #expect(line["fn"] == "runtime-probe")
        #expect(line["level"] == "error")
        #expect(line["ts"]?.stringValue.flatMap(Timestamp.parse) != nil, "\(line)")
    }

    @Test func theDeadlineStopsABlockedFunction() throws {
        let result = try probe(#"{"action": "hang"}"#, ["FUNCTION_TIMEOUT_S": "0.5"])
        #expect(result.exitCode == 75)
        #expect(result.errorCode == "timeout")
        #expect(result.duration < .seconds(60))
    }

    @Test func errorsKeepTheirCodeAndUnknownOnesAreInternal() throws {
        let conflict = try probe(#"{"action": "throw"}"#)
        #expect(conflict.exitCode == 65)
        #expect(conflict.json?["error"]?["message"] == "probe conflict")
        let opaque = try probe(#"{"action": "opaque"}"#)
        #expect(opaque.exitCode == 70)
        #expect(opaque.errorCode == "internal")
        #expect(!opaque.stdoutText.contains("Opaque"))
    }

    @Test func secretsNeverReachTheLog() throws {
        let result = try probe(#"{"action": "echo"}"#, ["PROBE_SECRET_TOKEN": "tok-very-secret-1"])
        #expect(result.exitCode == 0)
        #expect(result.json?["action"] == "echo")
        #expect(result.stderr.contains("probe.done"))
        #expect(!result.stderr.contains("tok-very-secret-1"))
        #expect(!result.stderr.contains("sk-should-not-appear"))
    }

    /// A word-like URL password (`postgres`) is ordinary data in an answer; a distinctive secret
    /// is taken out, and the log says so without the secret.
    @Test func answersLoseDistinctiveSecretsOnly() throws {
        let environment = ["PROBE_BASE_URL": "https://app:postgres@upstream.example/", "PROBE_SECRET_TOKEN": "tok-very-secret-1"]
        let kept = try probe(#"{"action": "echo", "_http": {"request_id": "db-postgres-1"}}"#, environment)
        #expect(kept.json?["request_id"] == "db-postgres-1", "\(kept.stdoutText)")
        #expect(!kept.stderr.contains("answer.redacted"))
        #expect(!kept.stderr.contains("postgres-1"), "logs stay stricter: \(kept.stderr)")
        let redacted = try probe(#"{"action": "echo", "_http": {"request_id": "x-tok-very-secret-1"}}"#, environment)
        #expect(redacted.json?["request_id"] == "x-[redacted]", "\(redacted.stdoutText)")
        let line = try #require(redacted.logLines.first { $0["msg"] == "answer.redacted" }, "stderr: \(redacted.stderr)")
        #expect(line["level"] == "warning")
        #expect(!redacted.stderr.contains("tok-very-secret-1"))
    }

    @Test func requestIDComesFromTheEnvelope() throws {
        let result = try probe(#"{"action": "echo", "_http": {"request_id": "abc-42"}}"#)
        #expect(result.json?["request_id"] == "abc-42")
        let generated = try probe(#"{"action": "echo", "_http": {"request_id": "bad id with spaces"}}"#)
        #expect(generated.json?["request_id"]?.stringValue?.count == 32)
    }
}
