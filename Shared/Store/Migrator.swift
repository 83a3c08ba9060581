import Core
import FoundationEssentials

/// One forward-only schema step. Numbers are never reused or edited once released.
package struct Migration: Sendable {
    package let version: Int
    package let name: String
    package let sql: String

    package init(_ version: Int, _ name: String, _ sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies pending migrations, each in its own `BEGIN IMMEDIATE` transaction that re-checks what
/// is applied, so many processes starting at once on a new database apply each step exactly once.
/// `PRAGMA user_version` mirrors the latest applied version as a fast path: a process on an
/// up-to-date database reads one integer and goes on.
struct Migrator {
    let migrations: [Migration]

    func migrate(_ connection: SQLiteConnection) throws {
        guard let latest = migrations.map(\.version).max() else { return }
        if try Self.userVersion(connection) >= latest { return }
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            try connection.execute("BEGIN IMMEDIATE", [])
            do {
                try connection.executeScript("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at TEXT NOT NULL
                    )
                    """)
                let applied = try connection.query("SELECT 1 FROM schema_migrations WHERE version = ?", [migration.version])
                if applied.isEmpty {
                    try connection.executeScript(migration.sql)
                    try connection.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                           [migration.version, migration.name, Date()])
                    try connection.execute("PRAGMA user_version = \(migration.version)", [])
                }
                try connection.execute("COMMIT", [])
            } catch {
                _ = try? connection.execute("ROLLBACK", [])
                throw error
            }
        }
    }

    static func userVersion(_ connection: SQLiteConnection) throws -> Int {
        try connection.query("PRAGMA user_version", []).first?.optionalInt("user_version") ?? 0
    }

    static func appliedVersion(_ connection: SQLiteConnection) throws -> Int {
        let exists = try connection.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", [])
        guard !exists.isEmpty else { return 0 }
        return try connection.query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations", [])
            .first?.optionalInt("version") ?? 0
    }
}
