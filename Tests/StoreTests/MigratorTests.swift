import Core
import Foundation
import Store
import TestSupport
import Testing

/// The migrator on small made-up schemas: ids applied once each and in order, appended steps,
/// failures rolled back, duplicate ids refused, and a database from before ids existed (integer
/// versions in `schema_migrations`) carried over without re-running a step.
@Suite struct MigratorTests {
    static let schema = [
        Migration("notes.tables", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"),
        Migration("tags.tables", "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"),
    ]

    static func ledger(_ database: SQLiteDatabase) throws -> [String] {
        try database.read { try $0.query("SELECT id FROM applied_migrations ORDER BY position") }.compactMap { $0.optionalString("id") }
    }

    @Test func createsDirectoryAndMigratesOnce() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("nested/deeper/bundle.sqlite")
        let database = try SQLiteDatabase(path: path, migrations: Self.schema)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try database.schemaVersion() == 2)
        #expect(database.latestSchemaVersion == 2)
        let reopened = try SQLiteDatabase(path: path, migrations: Self.schema)
        #expect(try Self.ledger(reopened) == ["notes.tables", "tags.tables"])
    }

    @Test func appliesAnAppendedMigrationOnce() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        _ = try SQLiteDatabase(path: path, migrations: Self.schema)
        // ALTER … ADD COLUMN fails when run twice: reopening proves it ran once.
        let extra = Self.schema + [Migration("notes.pinned", "ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")]
        let database = try SQLiteDatabase(path: path, migrations: extra)
        _ = try SQLiteDatabase(path: path, migrations: extra)
        #expect(try database.schemaVersion() == 3)
        #expect(try Self.ledger(database) == ["notes.tables", "tags.tables", "notes.pinned"])
        try database.write { try $0.execute("INSERT INTO notes (body, pinned) VALUES (?, 1)", "hello") }
        #expect(try database.read { try $0.query("SELECT body FROM notes WHERE pinned = 1") }.first?.optionalString("body") == "hello")
    }

    @Test func appliesAStepMissingFromTheMiddle() throws {
        // Another build (a branch) applied the last step but not the middle one: ids, not a
        // high-water mark, decide what is pending.
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        let first = Migration("notes.tables", "CREATE TABLE notes (id INTEGER PRIMARY KEY)")
        let middle = Migration("notes.body", "ALTER TABLE notes ADD COLUMN body TEXT")
        let last = Migration("tags.tables", "CREATE TABLE tags (id INTEGER PRIMARY KEY)")
        _ = try SQLiteDatabase(path: path, migrations: [first, last])
        let database = try SQLiteDatabase(path: path, migrations: [first, middle, last])
        #expect(try Self.ledger(database) == ["notes.tables", "tags.tables", "notes.body"])
        try database.write { try $0.execute("INSERT INTO notes (body) VALUES (?)", "kept") }
    }

    @Test func aFailingMigrationLeavesNothingHalfApplied() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        let broken = Self.schema + [Migration("broken", "CREATE TABLE half (id INTEGER); CREATE TABLE nonsense (")]
        #expect(throws: (any Error).self) { try SQLiteDatabase(path: path, migrations: broken) }
        let database = try SQLiteDatabase(path: path, migrations: Self.schema)
        let tables = try database.read { try $0.query("SELECT name FROM sqlite_master WHERE name = 'half'") }
        #expect(tables.isEmpty)
        #expect(try Self.ledger(database) == ["notes.tables", "tags.tables"])
    }

    @Test func refusesADuplicateID() throws {
        let directory = try TemporaryDirectory()
        let twice = Self.schema + [Migration("notes.tables", "CREATE TABLE other (id INTEGER)")]
        let error = #expect(throws: BundleError.self) { try SQLiteDatabase(path: directory.file("db.sqlite"), migrations: twice) }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("notes.tables") == true)
    }

    @Test func carriesOverADatabaseFromBeforeIDs() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        // What a released binary left: its tables, integer versions, and user_version.
        let old = try SQLiteDatabase(path: path, migrations: [])
        try old.write { db in
            try db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
            try db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            try db.execute("INSERT INTO schema_migrations VALUES (1, 'notes', '2026-01-05T10:00:00Z'), (2, 'retired', '2026-01-06T10:00:00Z')")
            try db.execute("INSERT INTO notes (body) VALUES ('from the release')")
        }
        let schema = [
            Migration("notes", legacyVersion: 1, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"),
            Migration("tags.tables", "CREATE TABLE tags (id INTEGER PRIMARY KEY)"),
        ]
        let database = try SQLiteDatabase(path: path, migrations: schema)
        // The known version maps to its id, the unknown one keeps its name; the new step follows.
        #expect(try Self.ledger(database) == ["notes", "retired", "tags.tables"])
        #expect(try database.schemaVersion() == 3)
        #expect(database.latestSchemaVersion == 2)
        let carried = try database.read { try $0.queryOne("SELECT applied_at, legacy_version FROM applied_migrations WHERE id = 'notes'") }
        #expect(carried?.optionalString("applied_at") == "2026-01-05T10:00:00Z")
        #expect(carried?.optionalInt("legacy_version") == 1)
        #expect(try database.read { try $0.query("SELECT body FROM notes") }.first?.optionalString("body") == "from the release")
    }

    /// A database this build creates also records its released steps the way the previous
    /// release reads them, so rolling back to that release does not make it re-run them.
    @Test func aNewDatabaseRecordsReleasedStepsForThePreviousRelease() throws {
        let directory = try TemporaryDirectory()
        let schema = [
            Migration("notes", legacyVersion: 1, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"),
            Migration("tags", legacyVersion: 2, "CREATE TABLE tags (id INTEGER PRIMARY KEY)"),
            Migration("tags.colour", "ALTER TABLE tags ADD COLUMN colour TEXT"),
        ]
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"), migrations: schema)
        let legacy = try database.read { try $0.query("SELECT version, name FROM schema_migrations ORDER BY version") }
        #expect(legacy.compactMap { $0.optionalInt("version") } == [1, 2])
        #expect(legacy.compactMap { $0.optionalString("name") } == ["notes", "tags"])
        #expect(try database.read { try $0.queryOne("PRAGMA user_version") }?.optionalInt("user_version") == 2)
        #expect(try Self.ledger(database) == ["notes", "tags", "tags.colour"])
    }
}
