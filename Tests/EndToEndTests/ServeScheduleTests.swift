import Core
import Foundation
import TestSupport
import Testing

/// `infra/dev serve` as a person runs it: the scheduled functions run beside nginx, so an upload
/// is scored and the calendar polled without anyone calling `work` or `poll-calendar`, and the
/// site uses the `DATABASE_URL` of serve's environment.
@Suite(.serialized) struct ServeScheduleTests {

    @Test func scheduledFunctionsRunUnderServeOnItsDatabase() throws {
        let elsewhere = try TemporaryDirectory()
        let database = elsewhere.file("chosen.sqlite")
        let server = try NginxServer(mode: .dispatch, environment: [
            "DATABASE_URL": try TestDatabase.url(database), "LLM_PROVIDER": "offline", "BUNDLE_NOW": "2026-01-05T00:00:00Z",
            "CALENDAR_ICS_URL": Fixtures.path("poll-calendar/sample.ics"),
            "SELF_EMAIL_DOMAINS": "ourco.example",
        ], scheduleTick: 1)
        let created = try Binaries.run("create-api-key", stdin: #"{"name": "serve"}"#, environment: ["DATABASE_URL": try TestDatabase.url(database)],
                                       workingDirectory: server.state.path)
        let key = try #require(created.json?["key"]?.stringValue, "\(created.stdoutText)")
        let headers = ["X-API-Key": key, "Content-Type": "application/json"]

        // The key lives in the chosen database, so the site must be using it.
        #expect(try server.send("GET", "/jobs", headers: headers).status == 200)
        #expect(!FileManager.default.fileExists(atPath: server.databasePath), "the default database was created besides the chosen one")

        let csv = try Fixtures.text("upload-candidates/sample-candidates.csv")
        let upload = try server.send("POST", "/candidates/upload", headers: ["X-API-Key": key, "Content-Type": "text/csv"], body: csv)
        #expect(upload.status == 202, "\(upload.text)")
        let uploadID = try #require(upload.json?["upload"]?["id"]?.intValue)

        let scored = try Eventually.holds {
            try server.send("GET", "/candidates/status?upload_id=\(uploadID)", headers: headers).json?["state"] == "completed"
        }
        let status = try server.send("GET", "/candidates/status?upload_id=\(uploadID)", headers: headers)
        #expect(scored, "the scheduled worker never scored the upload: \(status.text)")

        let polled = try Eventually.holds {
            (try server.send("GET", "/meetings", headers: headers).json?["meetings"]?.arrayValue?.count ?? 0) > 0
        }
        #expect(polled, "poll-calendar never ran on its schedule")
        #expect(FileManager.default.fileExists(atPath: server.state.file("root/var/log/work.log")), "the crontab's own log file")

        // `infra/dev stop` (the harness's deinit) ends the scheduler with nginx and fcgiwrap.
        let pidText = try String(contentsOfFile: server.state.file("schedule.pid"), encoding: .utf8)
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == 0)
        _ = try Binaries.run("/bin/bash", arguments: [NginxServer.repositoryRoot.appendingPathComponent("infra/dev").path, "stop", "--state", server.state.path],
                             environment: ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], workingDirectory: server.state.path)
        #expect(Eventually.holds(within: 5) { kill(pid, 0) != 0 }, "the scheduler outlived infra/dev stop")
    }
}
