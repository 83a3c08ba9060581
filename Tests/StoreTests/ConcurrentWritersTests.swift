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
        // Opened with no migrations of its own: it reads what the writers left.
        let database = try SQLiteDatabase(path: path, migrations: [])
        let counts = try database.read {
            try $0.query("SELECT writer, COUNT(*) AS n, COUNT(DISTINCT step) AS steps FROM stress_rows GROUP BY writer")
        }
        #expect(counts.count == writers)
        for row in counts {
            #expect(row.optionalInt("n") == rowsEach)
            #expect(row.optionalInt("steps") == rowsEach)
        }
        let applied = try database.read { try $0.query("SELECT id FROM applied_migrations ORDER BY position") }
        #expect(applied.compactMap { $0.optionalString("id") } == ["stress.rows", "stress.rows_by_writer", "stress.rows_written_at"])
    }
}
