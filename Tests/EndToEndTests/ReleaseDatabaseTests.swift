import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing

/// The one executable on a database the schema-7 release left (`Tests/Fixtures/migrations`):
/// several processes start on it at once, as nginx or cron would start them after a deploy,
/// and between them carry it over and apply the missing step once; the agents' data answers.
///
/// SQLite only: the release left a SQLite file (the fixture is its dump), and the ledger checked
/// here is that file's.
@Suite struct ReleaseDatabaseTests {
    @Test(.enabled(if: TestDatabase.dialect == .sqlite, "a SQLite release file and its dump"))
    func processesStartingAtOnceMigrateAReleaseDatabaseOnceAndServeItsData() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("release.sqlite")
        try SQLiteDatabase(path: path, migrations: []).executeScript(try ReleaseDatabase.script(schemaVersion: 7))
        let environment = ["DATABASE_URL": path, "LLM_PROVIDER": "offline"]

        let running = try (0..<6).map { _ in
            try Binaries.start(Binaries.path("health"), stdinBytes: Array("{}".utf8), environment: environment, workingDirectory: directory.path)
        }
        for result in try running.map({ try $0.wait() }) {
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.json?["database"]?["schema_version"] == .number(Double(Catalog.migrations.count)))
            #expect(result.json?["database"]?["latest_schema_version"] == .number(Double(Catalog.migrations.count)))
        }
        let ledger = try SQLiteDatabase(path: path, migrations: []).read {
            try $0.query("SELECT id FROM applied_migrations ORDER BY position")
        }.compactMap { $0.optionalString("id") }
        #expect(ledger.count == Catalog.migrations.count)
        #expect(Array(ledger.dropFirst(7)) == Catalog.migrations.map(\.id).filter { !ledger.prefix(7).contains($0) })
        #expect(ledger.contains("job_lease_holder"))

        let role = try Binaries.run("get-role", stdin: #"{"id": 1}"#, environment: environment, workingDirectory: directory.path)
        #expect(role.exitCode == 0, "\(role.stderr)")
        #expect(role.json?["title"] == "Senior Backend Engineer (Payments)")
        let candidates = try Binaries.run("list-candidates", stdin: #"{"role_id": 1, "limit": 200}"#, environment: environment,
                                          workingDirectory: directory.path)
        #expect(candidates.exitCode == 0, "\(candidates.stderr)")
        #expect(candidates.json?["total"] == 26)
        #expect(candidates.json?["candidates"]?.arrayValue?.count == 26)
        let job = try Binaries.run("get-job", stdin: #"{"id": 1}"#, environment: environment, workingDirectory: directory.path)
        #expect(job.json?["function"] == "score-candidates", "\(job.stdout)")
    }
}
