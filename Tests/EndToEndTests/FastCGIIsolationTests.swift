import Core
import Foundation
import Store
import TestSupport
import Testing

/// What CGI gave for free, kept by the warm workers: a crash ends only its worker (the master
/// answers 500 `internal`, as the CGI crash guard would, replaces the worker and keeps the
/// connection); a worker killed from outside mid-request is answered 502 with the request's id; a
/// worker still running at its deadline (blocked, or stopped so it cannot run at all) is killed by
/// the master and answered 504; a write transaction cut short leaves no row and no lock. One worker
/// per master, so "the next request" is served by the replacement.
@Suite(.serialized) struct FastCGIIsolationTests {
    /// A master with one worker; `timeout` sets FUNCTION_TIMEOUT_S (the probe's own is 2 s).
    func start(timeout: Double? = nil) throws -> FastCGIServer {
        try FastCGIServer(arguments: ["--workers", "1"], environment: timeout.map { ["FUNCTION_TIMEOUT_S": String($0)] } ?? [:])
    }

    /// The pid a probe wrote to `marker` once it was about to block (waits for the file).
    func blockedPID(_ marker: String) throws -> pid_t {
        #expect(Eventually.holds(within: 60) { FileManager.default.fileExists(atPath: marker) }, "the probe never reached its blocking call")
        let text = try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(pid_t(text))
    }

    /// The signal each probe action dies of: a Swift trap (index out of range) is SIGILL or
    /// SIGTRAP depending on the architecture; a bad access is SIGSEGV.
    static let crashSignals: [String: Set<Int>] = ["crash": [Int(SIGILL), Int(SIGTRAP)], "segv": [Int(SIGSEGV)]]

    @Test(arguments: ["crash", "segv"]) func aCrashIsAnswered500AndItsWorkerReplaced(action: String) throws {
        let server = try start()
        let client = try server.connect()
        let before = try #require(try client.probe(["action": "echo"]).pid)
        let crashed = try client.probe(["action": .string(action)], requestID: "crash-\(action)")
        #expect(crashed.status == 500, "\(crashed.text)")
        #expect(crashed.errorCode == "internal")
        #expect(crashed.header("x-request-id") == "crash-\(action)")
        #expect(crashed.header("content-type")?.hasPrefix("application/json") == true)
        #expect(crashed.appStatus == 70)
        // The same connection, a new worker.
        let next = try client.probe(["action": "echo", "count": 1])
        #expect(next.status == 200, "\(next.text)")
        let after = try #require(next.pid)
        #expect(after != before)
        #expect(Eventually.holds { !FastCGIServer.isWorkerAlive(before) })
        let exited = server.waitForLog { $0["msg"] == "fastcgi.worker_exited" && $0["pid"] == .number(Double(before)) }
        #expect(exited?["level"] == "warning", "an unplanned exit is a warning: \(server.log)")
        #expect(exited?["signal"]?.intValue.map { Self.crashSignals[action]?.contains($0) == true } == true, "\(exited.map(\.jsonText) ?? server.log)")
        #expect(exited?["request"] == .string("crash-\(action)"))
    }

    @Test func aWorkerKilledMidRequestIsAnswered502WithTheRequestID() throws {
        let server = try start(timeout: 60)
        let client = try server.connect()
        let marker = server.directory.file("hang.pid")
        try client.write(FastCGIClient.probeRequest(["action": "hang", "marker": .string(marker)], requestID: "killed-mid-way"))
        let pid = try blockedPID(marker)
        kill(pid, SIGKILL)
        let reply = try client.readResponse()
        #expect(reply.status == 502, "\(reply.text)")
        #expect(reply.errorCode == "upstream_failed")
        #expect(reply.header("x-request-id") == "killed-mid-way")
        #expect(reply.header("content-type")?.hasPrefix("application/json") == true)
        #expect(reply.json?["error"]?["message"]?.stringValue?.contains("signal 9") == true, "\(reply.text)")
        let next = try client.probe(["action": "echo", "count": 2])
        #expect(next.status == 200 && next.json?["count"] == 2, "\(next.text)")
        #expect(next.pid != pid)
        let exited = server.waitForLog { $0["msg"] == "fastcgi.worker_exited" && $0["pid"] == .number(Double(pid)) }
        #expect(exited?["signal"] == 9 && exited?["request"] == "killed-mid-way", "\(server.log)")
    }

    /// A stopped worker cannot run at all: the master kills it past the deadline (2 s and the
    /// CGI watchdog's grace) and answers 504 itself.
    @Test func aWorkerThatCannotRunIsKilledAtItsDeadlineAndAnswered504() throws {
        let server = try start()
        let client = try server.connect()
        let marker = server.directory.file("stopped.pid")
        try client.write(FastCGIClient.probeRequest(["action": "hang", "marker": .string(marker)], requestID: "stopped-worker"))
        let pid = try blockedPID(marker)
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGKILL) }
        let reply = try client.readResponse()
        try expectDeadlineAnswer(reply, requestID: "stopped-worker", pid: pid, server: server)
        let next = try client.probe(["action": "echo"])
        #expect(next.status == 200, "\(next.text)")
        #expect(next.pid != pid)
    }

    @Test func aBlockedHandlerIsAnswered504AndItsWorkerReplaced() throws {
        let server = try start()
        let client = try server.connect()
        let before = try #require(try client.probe(["action": "echo"]).pid)
        let reply = try client.probe(["action": "hang"], requestID: "blocked-504")
        try expectDeadlineAnswer(reply, requestID: "blocked-504", pid: before, server: server)
        let next = try client.probe(["action": "echo", "count": 4])
        #expect(next.status == 200 && next.json?["count"] == 4, "\(next.text)")
        #expect(next.pid != before)
    }

    /// The contract's 504 for the probe's 2 s, and the master's log line naming the worker it killed.
    func expectDeadlineAnswer(_ reply: FastCGIClient.Response, requestID: String, pid: pid_t, server: FastCGIServer) throws {
        #expect(reply.status == 504, "\(reply.text)")
        #expect(reply.errorCode == "timeout")
        #expect(reply.header("x-request-id") == requestID)
        #expect(reply.appStatus == 75)
        #expect(reply.json?["error"]?["message"]?.stringValue?.contains("deadline of 2 s") == true, "\(reply.text)")
        let killed = server.waitForLog { $0["msg"] == "invocation.deadline" && $0["request"] == .string(requestID) }
        #expect(killed?["pid"] == .number(Double(pid)), "\(server.log)")
        #expect(killed?["timeout_ms"] == 2000)
    }

    /// "No write half done": a worker killed inside a write transaction leaves no row of it, and
    /// the database is not left locked for the next writer.
    @Test func aWriteCutShortLeavesNoRowAndNoLock() throws {
        let server = try start(timeout: 60)
        let client = try server.connect()
        let first = try client.probe(["action": "write", "value": "before"])
        #expect(first.status == 200 && first.json?["rows"] == 1, "\(first.text)")
        let marker = server.directory.file("write.pid")
        try client.write(FastCGIClient.probeRequest(["action": "write-hang", "value": "half-done", "marker": .string(marker)],
                                                    requestID: "write-cut"))
        let pid = try blockedPID(marker)
        kill(pid, SIGKILL)
        let cut = try client.readResponse()
        #expect(cut.status == 502 && cut.errorCode == "upstream_failed", "\(cut.text)")
        let after = try client.probe(["action": "write", "value": "after"])
        #expect(after.status == 200 && after.json?["rows"] == 1, "the next write ran: \(after.text)")

        let database = try TestDatabase.open(server.databasePath, migrations: [])
        let counts = try database.read { sql in
            try sql.query("SELECT value, COUNT(*) AS n FROM probe_writes GROUP BY value ORDER BY value", [])
                .map { try "\($0.string("value"))=\($0.int("n"))" }
        }
        #expect(counts == ["after=1", "before=1"])
    }
}
