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
do {
    let database = try SQLiteDatabase(path: arguments[1])
    for index in 0..<rows {
        try database.write { db in
            try db.execute("""
                INSERT INTO llm_calls (created_at, function, step, provider, model, latency_ms, outcome)
                VALUES (?, ?, ?, 'offline', 'offline-rules-v1', ?, 'succeeded')
                """, [Date(), arguments[3], "row-\(index)", index])
        }
    }
    print(rows)
} catch {
    Logger.standardError("store-stress-writer failed: \(error)\n")
    exit(1)
}
