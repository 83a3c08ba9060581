import Core
import Foundation
import Store
import TestSupport
import Testing

/// Many processes at once on one new database file: each opens it (racing to create, switch to
/// WAL and migrate) and commits rows one transaction at a time.
@Suite struct ConcurrentWritersTests {
    @Test func sixteenProcessesLoseNoRowsAndNeverSeeLocked() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("shared.sqlite")
        let writers = 16
        let rowsEach = 60
        // All started before any is waited for, so they really overlap.
        let running = try (0..<writers).map { writer in
            try Binaries.start(Binaries.buildDirectory + "/store-stress-writer",
                               arguments: [path, String(rowsEach), "writer-\(writer)"], workingDirectory: directory.path)
        }
        let results = try running.map { try $0.wait() }
        for result in results {
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(!result.stderr.lowercased().contains("locked"))
            #expect(!result.stderr.lowercased().contains("busy"))
        }
        let database = try SQLiteDatabase(path: path)
        let counts = try database.read {
            try $0.query("SELECT function, COUNT(*) AS n, COUNT(DISTINCT step) AS steps FROM llm_calls GROUP BY function")
        }
        #expect(counts.count == writers)
        for row in counts {
            #expect(row.optionalInt("n") == rowsEach)
            #expect(row.optionalInt("steps") == rowsEach)
        }
        let migrations = try database.read { try $0.query("SELECT version FROM schema_migrations") }
        #expect(migrations.count == Migrations.all.count)
    }
}
