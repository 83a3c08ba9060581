import Core
import Foundation
import Store
import TestSupport
import Testing

/// Per-request state never leaks into the next request on the same warm worker (the real
/// `bundle`, one worker, one kept connection): request ids, the API key's principal, and
/// configuration a FastCGI parameter sets for one request only (`BUNDLE_NOW`). On PostgreSQL, a
/// worker whose server connection was ended serves the next request.
@Suite(.serialized) struct FastCGIStateTests {
    @Test func requestStateDoesNotLeakBetweenRequestsOnOneWorker() throws {
        let server = try FastCGIServer(binary: Binaries.path("bundle"), arguments: ["--workers", "1"])
        let created = try Binaries.run("create-api-key", stdin: #"{"name": "fastcgi-state"}"#, environment: ["DATABASE_URL": server.databaseURL],
                                       workingDirectory: server.directory.path)
        let key = try #require(created.json?["key"]?.stringValue, "\(created.stdoutText) \(created.stderr)")
        let client = try server.connect()

        let allowed = try client.http("GET", "/jobs", headers: ["X-API-Key": key, "X-Request-Id": "state-one"])
        #expect(allowed.status == 200, "\(allowed.text)")
        #expect(allowed.header("x-request-id") == "state-one")
        let wrong = try client.http("GET", "/jobs", headers: ["X-API-Key": key + "x", "X-Request-Id": "state-two"])
        #expect(wrong.status == 401, "\(wrong.text)")
        #expect(wrong.errorCode == "unauthorized")
        #expect(wrong.header("x-request-id") == "state-two")
        let none = try client.http("GET", "/jobs")
        #expect(none.status == 401, "the first request's caller is not remembered: \(none.text)")
        let generated = try #require(none.header("x-request-id"))
        #expect(generated.count == 32 && !["state-one", "state-two"].contains(generated))

        // BUNDLE_NOW as a FastCGI parameter (as a `fastcgi_param` line would send it) holds for
        // its request only.
        let frozen = "2031-02-03T04:05:06Z"
        let then = try client.http("GET", "/health", extra: [("BUNDLE_NOW", frozen)])
        #expect(then.status == 200, "\(then.text)")
        let thenTime = try #require(then.json?["time"]?.stringValue.flatMap(Timestamp.parse), "\(then.text)")
        #expect(thenTime == Timestamp.parse(frozen))
        let now = try client.http("GET", "/health")
        let nowTime = try #require(now.json?["time"]?.stringValue.flatMap(Timestamp.parse), "\(now.text)")
        #expect(nowTime != thenTime)
        #expect(abs(nowTime.timeIntervalSinceNow) < 3_600, "the real clock: \(nowTime)")
        // And the key still works after all that (the worker's database connection is intact).
        #expect(try client.http("GET", "/jobs", headers: ["Authorization": "Bearer \(key)"]).status == 200)

        #expect(server.startedWorkers.count == 1, "one worker served every request: \(server.startedWorkers)")
        let ids = server.lines("request.done").compactMap { $0["request_id"]?.stringValue }
        #expect(ids.starts(with: ["state-one", "state-two", generated]), "\(ids)")
    }

    /// A worker keeps its PostgreSQL connection between requests; ended by the server (a restart,
    /// an administrator), the next request reconnects and succeeds.
    @Test(.enabled(if: TestDatabase.dialect == .postgresql, "PostgreSQL only"))
    func aWorkerWhoseDatabaseConnectionEndedServesTheNextRequest() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("var/bundle.sqlite")
        // Straight to the server, not through PgBouncer: the worker's own server connection ends.
        let server = try FastCGIServer(arguments: ["--workers", "1"], databaseURL: try TestDatabase.directURL(path), directory: directory)
        let client = try server.connect()
        let first = try client.probe(["action": "write", "value": "before"])
        #expect(first.status == 200 && first.json?["rows"] == 1, "\(first.text)")

        let admin = try TestDatabase.open(path, migrations: [])
        let ended = try admin.concurrentWrite { sql in
            try sql.query("""
                SELECT CASE WHEN pg_terminate_backend(pid) THEN 1 ELSE 0 END AS ended
                FROM pg_stat_activity WHERE usename = current_user AND pid <> pg_backend_pid()
                """, []).filter { $0.bool("ended") }.count
        }
        #expect(ended >= 1, "the worker's connection was there to end")

        let next = try client.probe(["action": "write", "value": "after"])
        #expect(next.status == 200 && next.json?["rows"] == 1, "\(next.text)")
        #expect(next.pid == first.pid, "the same worker reconnected")
        let again = try client.probe(["action": "write", "value": "after"])
        #expect(again.status == 200 && again.json?["rows"] == 2, "\(again.text)")
    }
}
