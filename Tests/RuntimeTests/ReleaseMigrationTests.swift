import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing

/// Databases made by the released binaries (44 executables, integer schema versions) open with the
/// bundle's registry of per-module migrations and lose nothing: every row stays, every released
/// step counts as applied and none runs again, the pending one (v7: `job_lease_holder`) applies.
/// SQLite on purpose, on both test runs: the released binaries only ever wrote SQLite files, and
/// these tests load their dumps and read `sqlite_master`.
@Suite struct ReleaseMigrationTests {
    /// The release database loaded into a new file as the release left it (no ledger, no migration run).
    static func load(schemaVersion: Int, into directory: TemporaryDirectory) throws -> String {
        let path = directory.file("release.sqlite")
        try SQLiteDatabase(path: path, migrations: []).executeScript(try ReleaseDatabase.script(schemaVersion: schemaVersion))
        return path
    }

    static func rowCounts(_ database: SQLiteDatabase) throws -> [String: Int] {
        try database.read { db in
            var counts: [String: Int] = [:]
            for table in try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
                // The two ledgers are bookkeeping, checked on their own below.
                guard let name = table.optionalString("name"), name != "applied_migrations", name != "schema_migrations" else { continue }
                counts[name] = try db.queryOne("SELECT COUNT(*) AS n FROM \"\(name)\"")?.optionalInt("n")
            }
            return counts
        }
    }

    static func ledger(_ database: SQLiteDatabase) throws -> [Row] {
        try database.read { try $0.query("SELECT id, position, legacy_version, applied_at FROM applied_migrations ORDER BY position") }
    }

    @Test(arguments: ReleaseDatabase.schemaVersions)
    func aReleaseDatabaseMigratesForwardWithoutLoss(version: Int) throws {
        let directory = try TemporaryDirectory()
        let path = try Self.load(schemaVersion: version, into: directory)
        let before = try Self.rowCounts(try SQLiteDatabase(path: path, migrations: []))
        let released = try SQLiteDatabase(path: path, migrations: []).read { try $0.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version") }
        #expect(released.count == version)
        // Every agent's tables hold rows (the fixture is worth its name).
        for table in ["llm_calls", "api_keys", "jobs", "meetings", "calendar_sync", "steering_profiles", "users", "campaigns",
                      "conversations", "messages", "outreach_queue", "roles", "candidates", "uploads", "upload_candidates"] {
            #expect((before[table] ?? 0) > 0, "\(table) is empty in the schema-\(version) database")
        }

        let database = try SQLiteDatabase(path: path, migrations: Catalog.migrations)
        // Every released table keeps its rows; tables of later modules are only added.
        let after = try Self.rowCounts(database)
        #expect(after.filter { before[$0.key] != nil } == before)
        // The old ledger stays readable by the release (a rollback): its rows kept, the released
        // steps it lacked added under their numbers.
        let legacy = try database.read { try $0.query("SELECT version, applied_at FROM schema_migrations ORDER BY version") }
        let releasedNumbers = Catalog.migrations.compactMap(\.legacyVersion).sorted()
        #expect(legacy.compactMap { $0.optionalInt("version") } == releasedNumbers)
        for old in released {
            #expect(legacy.first { $0.optionalInt("version") == old.optionalInt("version") }?.optionalString("applied_at") == old.optionalString("applied_at"))
        }
        #expect(try database.schemaVersion() == Catalog.migrations.count)
        #expect(database.latestSchemaVersion == Catalog.migrations.count)

        // Each released version is carried over under its id, with its original time; the steps
        // the release lacked follow, in registration order.
        let ledger = try Self.ledger(database)
        #expect(ledger.compactMap { $0.optionalString("id") }.sorted() == Catalog.migrations.map(\.id).sorted())
        for old in released {
            let id = Catalog.migrations.first { $0.legacyVersion == old.optionalInt("version") }?.id
            let row = ledger.first { $0.optionalString("id") == id }
            #expect(id == old.optionalString("name"))
            #expect(row?.optionalInt("position") == old.optionalInt("version"))
            #expect(row?.optionalString("applied_at") == old.optionalString("applied_at"))
        }
        let lacked = Catalog.migrations.map(\.id).filter { id in !released.contains { $0.optionalString("name") == id } }
        #expect(ledger.dropFirst(released.count).compactMap { $0.optionalString("id") } == lacked)
        #expect(ledger.dropFirst(released.count).compactMap { $0.optionalInt("position") } == Array(version + 1...Catalog.migrations.count))
        // Among the released steps, v7 lacked only v8 (steps added since the release have no number).
        let lackedReleased = lacked.filter { id in Catalog.migrations.first { $0.id == id }?.legacyVersion != nil }
        if version == 7 { #expect(lackedReleased == ["job_lease_holder"]) }

        // A few values per agent, read back through the migrated schema.
        try database.read { db in
            #expect(try db.queryOne("SELECT title FROM roles WHERE id = 1")?.optionalString("title") == "Senior Backend Engineer (Payments)")
            let priya = try db.queryOne("SELECT name, tier, ai_status FROM candidates WHERE email = 'priya.raman@example.com'")
            #expect(priya?.optionalString("name") == "Priya Raman")
            #expect(priya?.optionalString("ai_status") == "scored")
            #expect(try db.queryOne("SELECT file_name FROM uploads")?.optionalString("file_name") == "sample-candidates.csv")
            #expect(try db.query("SELECT name FROM api_keys WHERE revoked_at IS NULL").compactMap { $0.optionalString("name") } == ["ci"])
            #expect(try db.queryOne("SELECT name FROM campaigns WHERE id = 1")?.optionalString("name") == "Gas station habits")
            #expect(try db.queryOne("SELECT body FROM messages WHERE direction = 'inbound'")?.optionalString("body") == "Sure, happy to help!")
            #expect(try db.query("SELECT function FROM jobs ORDER BY id").compactMap { $0.optionalString("function") } == ["score-candidates", "health"])
            #expect(try db.queryOne("SELECT source FROM calendar_sync")?.optionalString("source") != nil)
            #expect(try db.queryOne("SELECT COUNT(*) AS n FROM llm_calls WHERE provider = 'offline'")?.optionalInt("n") == before["llm_calls"])
        }
        // Migration 8's columns exist (applied now for v7, kept for v8) and take writes.
        try database.write { try $0.execute("UPDATE jobs SET lease_host = ?, lease_pid = ? WHERE id = 1", "worker-1", 4242) }
        #expect(try database.read { try $0.queryOne("SELECT lease_pid FROM jobs WHERE id = 1") }?.optionalInt("lease_pid") == 4242)

        // Opening again changes nothing: nothing is applied twice.
        let again = try SQLiteDatabase(path: path, migrations: Catalog.migrations)
        #expect(try Self.ledger(again).count == ledger.count)
        #expect(try Self.rowCounts(again) == after)
    }

    @Test(arguments: ReleaseDatabase.schemaVersions)
    func aMigrationAppendedLaterAppliesOnce(version: Int) throws {
        let directory = try TemporaryDirectory()
        let path = try Self.load(schemaVersion: version, into: directory)
        _ = try SQLiteDatabase(path: path, migrations: Catalog.migrations)
        // ALTER … ADD COLUMN fails when run twice: opening twice proves it ran once.
        let next = Catalog.migrations + [Migration("candidates.test_note", "ALTER TABLE candidates ADD COLUMN test_note TEXT")]
        _ = try SQLiteDatabase(path: path, migrations: next)
        let database = try SQLiteDatabase(path: path, migrations: next)
        let ledger = try Self.ledger(database)
        #expect(ledger.filter { $0.optionalString("id") == "candidates.test_note" }.count == 1)
        #expect(ledger.last?.optionalString("id") == "candidates.test_note")
        #expect(ledger.last?.optionalInt("position") == Catalog.migrations.count + 1)
        #expect(ledger.last?.optionalInt("legacy_version") == nil)
        #expect(try database.schemaVersion() == next.count)
        #expect(try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM candidates WHERE test_note IS NULL") }?.optionalInt("n") == 26)
    }

    @Test func theRegistryCarriesEveryReleasedVersionOnceUnderUniqueIDs() throws {
        let ids = Catalog.migrations.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(Catalog.migrations.compactMap(\.legacyVersion).sorted() == Array(1...8))
        // A new database gets every step, in registration order.
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("new.sqlite"), migrations: Catalog.migrations)
        #expect(try Self.ledger(database).compactMap { $0.optionalString("id") } == ids)
    }
}
