import Core
import FoundationEssentials

/// One forward-only schema step, owned by the module whose tables it changes (`JobsSchema`,
/// `CandidatesSchema`, ...) and listed in `Catalog.migrations`. The id names it in every database
/// for good: never reuse, rename or edit a released step; append a new one.
package struct Migration: Sendable {
    /// Unique in the bundle: `<module>.<what>` (`candidates.upload_indexes`); the steps released
    /// before ids existed keep their old names (`jobs`, `candidates`).
    package let id: String
    package let sql: String
    /// The integer version the released binaries recorded for this step in `schema_migrations`
    /// (1...8); nil for every step added since. Used once, to carry an old database's record over.
    package let legacyVersion: Int?
    /// The step's PostgreSQL text where `PostgresDDL` cannot derive it from `sql` (FTS5 tables and
    /// their triggers, for example); nil for the usual step, whose `sql` is translated.
    package let postgres: String?
    /// Changes to `sql` before it is translated for PostgreSQL, where the two differ in one place
    /// only (a reference to a table a later step creates: SQLite accepts it, PostgreSQL does not).
    package let postgresEdits: [PostgresEdit]

    package init(_ id: String, legacyVersion: Int? = nil, _ sql: String, postgres: String? = nil, postgresEdits: [PostgresEdit] = []) {
        self.id = id
        self.legacyVersion = legacyVersion
        self.sql = sql
        self.postgres = postgres
        self.postgresEdits = postgresEdits
    }

    /// The text PostgreSQL runs for this step.
    package func postgresScript() throws -> String {
        if let postgres { return postgres }
        var text = sql
        for edit in postgresEdits {
            switch edit {
            case .replace(let old, let new):
                guard text.contains(old) else {
                    throw BundleError(.internal, "migration \(id)'s PostgreSQL edit names text the step does not hold: \(old)")
                }
                text = text.replacing(old, with: new)
            case .append(let more): text += "\n" + more
            }
        }
        return try PostgresDDL.translate(text, migration: id)
    }
}

/// One change a migration's SQLite text needs on PostgreSQL (`Migration.postgresEdits`).
package enum PostgresEdit: Sendable {
    case replace(String, with: String)
    case append(String)
}

/// Applies pending migrations in registration order, each in its own `BEGIN IMMEDIATE`
/// transaction that re-checks what is applied, so many processes starting at once on a new
/// database apply each step exactly once.
///
/// The ledger is `applied_migrations` (string id, the order it was applied in, when). A database
/// made by a release before ids existed has `schema_migrations` (integer versions 1...8) instead:
/// the transaction that creates the ledger copies every old row into it, mapping each version to
/// the id of the step that carries it as `legacyVersion`, so nothing is applied twice. The old
/// table and `PRAGMA user_version` are kept for the steps that have a legacy number, on old and
/// new databases alike, so the previous release started against the database (a rollback) still
/// sees its own steps applied.
///
/// Fast path: one read counting which of the known ids the ledger holds; when it holds them all
/// (the usual case) nothing else runs.
struct Migrator {
    static let ledger = "applied_migrations"
    let migrations: [Migration]

    func migrate(_ connection: SQLiteConnection) throws {
        guard !migrations.isEmpty else { return }
        if try isCurrent(connection) { return }
        try Self.checkIDs(migrations)
        try transaction(connection) { try createLedger(connection) }
        for migration in migrations {
            try transaction(connection) {
                let applied = try connection.query("SELECT 1 FROM applied_migrations WHERE id = ?", [migration.id])
                guard applied.isEmpty else { return }
                try connection.executeScript(migration.sql)
                try connection.execute("""
                    INSERT INTO applied_migrations (id, position, legacy_version, applied_at)
                    SELECT ?, COALESCE(MAX(position), 0) + 1, ?, ? FROM applied_migrations
                    """, [migration.id, migration.legacyVersion, Date()])
                if let version = migration.legacyVersion { try recordForEarlierReleases(migration, version: version, connection) }
            }
        }
    }

    /// Whether every known id is in the ledger. A missing ledger (a new or pre-id database) is
    /// simply "no"; any other failure shows up again, with its real message, on the slow path.
    private func isCurrent(_ connection: SQLiteConnection) throws -> Bool {
        let ids = Set(migrations.map(\.id))
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        guard let row = try? connection.query("SELECT COUNT(*) AS n FROM applied_migrations WHERE id IN (\(placeholders))",
                                              Array(ids)).first else { return false }
        return row.optionalInt("n") == ids.count && ids.count == migrations.count
    }

    /// Ids are the migrations' identity in every database: two steps with one id would leave the
    /// second never applied.
    static func checkIDs(_ migrations: [Migration]) throws {
        var seen: Set<String> = []
        var legacy: Set<Int> = []
        for migration in migrations {
            guard !migration.id.isEmpty, seen.insert(migration.id).inserted else {
                throw BundleError(.internal, "the schema registers the migration id \"\(migration.id)\" twice (or an empty id)")
            }
            if let version = migration.legacyVersion, !legacy.insert(version).inserted {
                throw BundleError(.internal, "the schema registers the legacy migration version \(version) twice")
            }
        }
    }

    /// Creates the ledger; when the database was made before ids existed, fills it from
    /// `schema_migrations` in the same transaction.
    private func createLedger(_ connection: SQLiteConnection) throws {
        guard try !Self.tableExists(Self.ledger, connection) else { return }
        try connection.executeScript("""
            CREATE TABLE applied_migrations (
                id TEXT PRIMARY KEY,
                position INTEGER NOT NULL UNIQUE,
                legacy_version INTEGER UNIQUE,
                applied_at TEXT NOT NULL
            )
            """)
        guard try Self.tableExists("schema_migrations", connection) else { return }
        let byVersion = Dictionary(migrations.compactMap { m in m.legacyVersion.map { ($0, m.id) } }, uniquingKeysWith: { first, _ in first })
        for row in try connection.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version", []) {
            guard let version = row.optionalInt("version") else { continue }
            // A version this build does not know keeps its old name as its id: recorded, not lost.
            let id = byVersion[version] ?? row.optionalString("name") ?? "legacy.\(version)"
            try connection.execute("INSERT INTO applied_migrations (id, position, legacy_version, applied_at) VALUES (?, ?, ?, ?)",
                                   [id, version, version, row.optionalString("applied_at") ?? Timestamp.format(Date())])
        }
    }

    /// A step that releases before ids knew by number is also written where they look for it
    /// (`schema_migrations`, `PRAGMA user_version`), so a database this build created still opens
    /// with the previous release after a rollback instead of that release re-running its steps.
    private func recordForEarlierReleases(_ migration: Migration, version: Int, _ connection: SQLiteConnection) throws {
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        try connection.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING",
                               [version, migration.id, Date()])
        if try Self.userVersion(connection) < version {
            try connection.execute("PRAGMA user_version = \(version)", [])
        }
    }

    static func userVersion(_ connection: SQLiteConnection) throws -> Int {
        try connection.query("PRAGMA user_version", []).first?.optionalInt("user_version") ?? 0
    }

    private func transaction(_ connection: SQLiteConnection, _ body: () throws -> Void) throws {
        try connection.execute("BEGIN IMMEDIATE", [])
        do {
            try body()
            try connection.execute("COMMIT", [])
        } catch {
            _ = try? connection.execute("ROLLBACK", [])
            throw error
        }
    }

    static func tableExists(_ name: String, _ connection: SQLiteConnection) throws -> Bool {
        try !connection.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).isEmpty
    }

    /// How many steps the database records as applied (including any a newer build added).
    static func appliedCount(_ connection: SQLiteConnection) throws -> Int {
        guard try tableExists(ledger, connection) else { return 0 }
        return try connection.query("SELECT COUNT(*) AS n FROM applied_migrations", []).first?.optionalInt("n") ?? 0
    }
}
