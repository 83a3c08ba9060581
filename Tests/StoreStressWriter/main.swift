// Test support, not a function: opens the database the way every function does (migrating a new
// file) and commits rows one transaction at a time, so tests can run many of these at once and
// check that no row is lost and no "database is locked" escapes.
//   store-stress-writer <path> <rows> <tag>
import Core
import FoundationEssentials
import Store
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 4, let rows = Int(arguments[2]) else {
    Logger.standardError("usage: store-stress-writer <path> <rows> <tag>\n")
    exit(64)
}
// Three steps, the last an ALTER that fails if run twice: racing writers must apply each once.
let migrations = [
    Migration("stress.rows", "CREATE TABLE stress_rows (id INTEGER PRIMARY KEY, writer TEXT NOT NULL, step TEXT NOT NULL)"),
    Migration("stress.rows_by_writer", "CREATE INDEX stress_rows_by_writer ON stress_rows (writer)"),
    Migration("stress.rows_written_at", "ALTER TABLE stress_rows ADD COLUMN written_at TEXT"),
]
do {
    let database = try SQLiteDatabase(path: arguments[1], migrations: migrations)
    for index in 0..<rows {
        try database.write { db in
            try db.execute("""
                INSERT INTO stress_rows (written_at, writer, step) VALUES (?, ?, ?)
                """, [Date(), arguments[3], "row-\(index)"])
        }
    }
    print(rows)
} catch {
    Logger.standardError("store-stress-writer failed: \(error)\n")
    exit(1)
}
