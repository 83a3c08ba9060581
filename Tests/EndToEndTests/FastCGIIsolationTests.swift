import Core
import Foundation
import Store
import TestSupport
import Testing

/// What CGI gave for free, kept by the warm workers: a crash ends only its worker (answered 500
/// by the crash guard, the worker replaced, the connection kept); a worker killed mid-request is
/// answered 502 by the master with the request's id; a worker that cannot run is killed at its
/// deadline and answered 504; a blocked handler is answered 504 by its own watchdog; a write
/// transaction cut short leaves no row and no lock. One worker per master, so "the next request"
/// is served by the replacement.
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

    @Test(arguments: ["crash", "segv"]) func aCrashIsAnswered500AndItsWorkerReplaced(action: String) throws {
        let server = try start()
        let client = try server.connect()
        let before = try #require(try client.probe(["action": "echo"]).pid)
        let crashed = try client.probe(["action": .string(action)], requestID: "crash-\(action)")
        #expect(crashed.status == 500, "\(crashed.text)")
        #expect(crashed.errorCode == "internal")
        #expect(crashed.header("x-request-id") == "crash-\(action)")
        #expect(crashed.appStatus == 70)
        // The same connection, a new worker.
        let next = try client.probe(["action": "echo", "count": 1])
        #expect(next.status == 200, "\(next.text)")
        let after = try #require(next.pid)
        #expect(after != before)
        #expect(Eventually.holds { !FastCGIServer.isWorkerAlive(before) })
        let crashLine = server.waitForLog { $0["msg"] == "invocation.crashed" && $0["request_id"] == .string("crash-\(action)") }
        #expect(crashLine != nil, "\(server.log)")
        if action == "segv" { #expect(crashLine?["signal_name"] == "SIGSEGV") }
        let exited = server.waitForLog { $0["msg"] == "fastcgi.worker_exited" && $0["pid"] == .number(Double(before)) }
        #expect(exited?["level"] == "warning", "an unplanned exit is a warning: \(server.log)")
        #expect(exited?["exit"] == 70)
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

    /// A stopped worker cannot run its own watchdog: the master kills it past the deadline (2 s,
    /// its grace, and the master's 2 s more) and answers 504 itself.
    @Test func aWorkerThatCannotRunIsKilledAtItsDeadlineAndAnswered504() throws {
        let server = try start()
        let client = try server.connect()
        let marker = server.directory.file("stopped.pid")
        try client.write(FastCGIClient.probeRequest(["action": "hang", "marker": .string(marker)], requestID: "stopped-worker"))
        let pid = try blockedPID(marker)
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGKILL) }
        let reply = try client.readResponse()
        #expect(reply.status == 504, "\(reply.text)")
        #expect(reply.errorCode == "timeout")
        #expect(reply.header("x-request-id") == "stopped-worker")
        #expect(reply.json?["error"]?["message"]?.stringValue?.contains("its worker was stopped") == true, "\(reply.text)")
        let killed = server.waitForLog { $0["msg"] == "fastcgi.deadline_kill" }
        #expect(killed?["pid"] == .number(Double(pid)) && killed?["request"] == "stopped-worker", "\(server.log)")
        let next = try client.probe(["action": "echo"])
        #expect(next.status == 200, "\(next.text)")
        #expect(next.pid != pid)
    }

    @Test func aBlockedHandlerIsAnswered504ByItsWorkersWatchdog() throws {
        let server = try start()
        let client = try server.connect()
        let reply = try client.probe(["action": "hang"], requestID: "watchdog-504")
        #expect(reply.status == 504, "\(reply.text)")
        #expect(reply.errorCode == "timeout")
        #expect(reply.header("x-request-id") == "watchdog-504")
        #expect(reply.json?["error"]?["message"]?.stringValue?.contains("its worker was stopped") == false, "\(reply.text)")
        #expect(server.waitForLog { $0["msg"] == "invocation.deadline" && $0["request_id"] == "watchdog-504" } != nil, "\(server.log)")
        let next = try client.probe(["action": "echo", "count": 4])
        #expect(next.status == 200 && next.json?["count"] == 4, "\(next.text)")
        #expect(server.lines("fastcgi.deadline_kill").isEmpty, "the worker answered before the master had to kill it")
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
