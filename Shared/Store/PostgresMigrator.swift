import Core
import FoundationEssentials

/// `Migrator` for PostgreSQL: the same ledger (`applied_migrations`) and the same steps, each in
/// its own transaction that first takes a transaction-scoped advisory lock on this schema and then
/// re-checks the ledger, so hosts starting together on a new database apply each step once. A
/// step's text is its `postgres` text when it has one, else its SQLite DDL translated
/// (`PostgresDDL`). PostgreSQL databases are new to this release: there is no pre-ledger history
/// to carry over.
struct PostgresMigrator {
    let migrations: [Migration]

    static let ledgerDDL = """
        CREATE TABLE IF NOT EXISTS applied_migrations (
            id TEXT COLLATE "C" PRIMARY KEY,
            position BIGINT NOT NULL UNIQUE,
            legacy_version BIGINT UNIQUE,
            applied_at TEXT NOT NULL
        )
        """

    func migrate(_ connection: PostgresConnection) throws {
        guard !migrations.isEmpty else { return }
        if try isCurrent(connection) { return }
        try Migrator.checkIDs(migrations)
        let scripts = try migrations.map { try $0.postgresScript() }
        for (migration, script) in zip(migrations, scripts) {
            try connection.executeScript("""
                BEGIN; SET LOCAL lock_timeout = '120s';
                SELECT pg_advisory_xact_lock(hashtext('bundle.migrate:' || current_schema()));
                \(Self.ledgerDDL)
                """)
            do {
                if try connection.query("SELECT 1 FROM applied_migrations WHERE id = ?", [migration.id]).isEmpty {
                    try connection.executeScript(script)
                    try connection.execute("""
                        INSERT INTO applied_migrations (id, position, legacy_version, applied_at)
                        SELECT ?, COALESCE(MAX(position), 0) + 1, CAST(? AS BIGINT), ? FROM applied_migrations
                        """, [migration.id, migration.legacyVersion, Date()])
                }
                try connection.executeScript("COMMIT")
            } catch {
                _ = try? connection.executeScript("ROLLBACK")
                throw error
            }
        }
    }

    /// Whether every known id is in the ledger (one statement; a missing ledger is "no").
    private func isCurrent(_ connection: PostgresConnection) throws -> Bool {
        let ids = Array(Set(migrations.map(\.id)))
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        do {
            let row = try connection.query("SELECT COUNT(*) AS n FROM applied_migrations WHERE id IN (\(placeholders))", ids).first
            return row?.optionalInt("n") == ids.count && ids.count == migrations.count
        } catch let error as DatabaseError where error.sqlState == "42P01" {
            return false
        }
    }

    static func appliedCount(_ connection: PostgresConnection) throws -> Int {
        let exists = try connection.query("SELECT to_regclass('applied_migrations') IS NOT NULL AS present", []).first?.bool("present") ?? false
        guard exists else { return 0 }
        return try connection.query("SELECT COUNT(*) AS n FROM applied_migrations", []).first?.optionalInt("n") ?? 0
    }
}
