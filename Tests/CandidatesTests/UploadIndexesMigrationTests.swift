import Candidates
import Core
import Foundation
import Jobs
import Providers
import Store
import TestSupport
import Testing

/// `candidates.upload_indexes` rebuilds `candidates` and `upload_candidates` on databases that already hold
/// data: nothing may be lost and every rule the old constraints enforced must still hold.
///
/// SQLite on purpose, whatever backend the test run chose: the step under test is SQLite's table
/// rebuild (PostgreSQL runs `CandidatesSchema.candidatesUploadIndexesPostgreSQL` instead, on
/// databases that never held data before it), the fixture carries explicit ids as a released
/// SQLite database does, and the checks read `PRAGMA` and `sqlite_master`.
/// `CandidatesSchemaRulesTests` holds the same rules against the PostgreSQL end state.
@Suite struct UploadIndexesMigrationTests {
    private static let stamp = "2026-01-05T09:00:00.000Z"
    /// The schema the candidate tables need, with and without the step under test.
    private static let schema = ProvidersSchema.migrations + JobsSchema.migrations + CandidatesSchema.migrations
    private static let before = schema.filter { $0.id != "candidates.upload_indexes" }

    /// A database before the step with two roles, candidates (with and without email, LinkedIn
    /// URL and room), an upload and its links.
    private func databaseBeforeTheStep(_ path: String) throws {
        #expect(Self.before.count == Self.schema.count - 1)
        let database = try SQLiteDatabase(path: path, migrations: Self.before)
        #expect(try database.schemaVersion() == Self.before.count)
        try database.write { sql in
            for role in [1, 2] {
                try sql.execute("""
                    INSERT INTO roles (id, title, weight_algo, weight_ai, tiers, created_at, updated_at)
                    VALUES (?, ?, 0.6, 0.4, '{}', ?, ?)
                    """, role, "Role \(role)", Self.stamp, Self.stamp)
            }
            let rows: [(Int, Int, String, String?, String?, String?, Double?)] = [
                (1, 1, "Ada", "ada@example.com", "https://www.linkedin.com/in/ada", "room-ada", 88.5),
                (2, 1, "Bob", "bob@example.com", nil, nil, nil),
                (3, 1, "Cy", nil, "https://www.linkedin.com/in/cy", nil, 40),
                (4, 1, "Dee", nil, nil, nil, nil),
                (5, 2, "Ada", "ada@example.com", "https://www.linkedin.com/in/ada", "room-ada-2", nil),
                (7, 2, "Dee", nil, nil, nil, nil),
            ]
            for (id, role, name, email, linkedin, room, score) in rows {
                try sql.execute("""
                    INSERT INTO candidates (id, role_id, name, email, linkedin_url, current_company, skills, extra, room_name,
                                            combined_score, ai_status, interview_status, source, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'Acme', '["Swift"]', '{"note":"x"}', ?, ?, 'scored', 'briefing', 'csv_upload', ?, ?)
                    """, id, role, name, email, linkedin, room, score, Self.stamp, Self.stamp)
            }
            try sql.execute("""
                INSERT INTO uploads (id, role_id, content_sha256, delimiter, columns, rows, accepted, created_candidates,
                                     updated_candidates, rejected, duplicates, created_at)
                VALUES (1, 1, 'abc', ',', '{}', 4, 4, 4, 0, '[]', '[]', ?)
                """, Self.stamp)
            for (candidate, line) in [(1, 2), (2, 3), (3, 4), (4, 5)] {
                try sql.execute("INSERT INTO upload_candidates (upload_id, candidate_id, line) VALUES (1, ?, ?)", candidate, line)
            }
        }
    }

    private func snapshot(_ database: SQLiteDatabase) throws -> (candidates: [Row], links: [Row]) {
        try database.read { sql in
            (try sql.query("SELECT * FROM candidates ORDER BY id"),
             try sql.query("SELECT upload_id, candidate_id, line FROM upload_candidates ORDER BY upload_id, candidate_id"))
        }
    }

    @Test func migratesADatabaseWithCandidatesLosingNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        try databaseBeforeTheStep(path)
        let before = try snapshot(SQLiteDatabase(path: path, migrations: Self.before))
        #expect(before.candidates.count == 6)
        let database = try SQLiteDatabase(path: path, migrations: Self.schema)
        #expect(try database.schemaVersion() == Self.schema.count)
        let after = try snapshot(database)
        #expect(after.candidates.count == 6)
        #expect(after.links.count == 4)
        #expect(after.candidates.map(\.columns) == before.candidates.map(\.columns))
        #expect(after.candidates.map(\.values) == before.candidates.map(\.values))
        #expect(after.links.map(\.values) == before.links.map(\.values))
        let problems = try database.read { sql in
            (try sql.query("PRAGMA foreign_key_check"), try sql.query("PRAGMA integrity_check"))
        }
        #expect(problems.0.isEmpty)
        #expect(problems.1.first?.optionalString("integrity_check") == "ok")
        let indexes = try database.read { try $0.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'candidates'") }
            .compactMap { $0.optionalString("name") }
        #expect(Set(indexes).isSuperset(of: ["candidates_role_email", "candidates_role_linkedin", "candidates_room_name",
                                             "candidates_ranked", "candidates_to_score", "candidates_unidentified"]))
    }

    @Test func uniquenessAndOtherRulesStillHoldAfterTheMigration() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("db.sqlite")
        try databaseBeforeTheStep(path)
        let database = try SQLiteDatabase(path: path, migrations: Self.schema)
        func insert(role: Int = 1, email: String? = nil, linkedin: String? = nil, room: String? = nil, source: String = "csv_upload") throws {
            try database.write { sql in
                try sql.execute("""
                    INSERT INTO candidates (role_id, name, email, linkedin_url, room_name, source, created_at, updated_at)
                    VALUES (?, 'New', ?, ?, ?, ?, ?, ?)
                    """, role, email, linkedin, room, source, Self.stamp, Self.stamp)
            }
        }
        func refusal(_ body: () throws -> Void) -> DatabaseError.Kind? {
            do { try body() } catch let error as DatabaseError { return error.kind } catch { return nil }
            return nil
        }
        #expect(refusal { try insert(email: "bob@example.com") } == .uniqueViolation)
        #expect(refusal { try insert(linkedin: "https://www.linkedin.com/in/cy") } == .uniqueViolation)
        #expect(refusal { try insert(role: 2, room: "room-ada") } == .uniqueViolation)
        #expect(refusal { try insert(role: 3) } == .constraint)
        #expect(refusal { try insert(source: "scraped") } == .constraint)
        for column in ["ai_status", "interview_status"] {
            #expect(refusal { _ = try database.write { try $0.execute("UPDATE candidates SET \(column) = 'unheard of' WHERE id = 1") } } == .constraint)
        }
        _ = try database.write { try $0.execute("UPDATE candidates SET ai_status = 'failed', interview_status = 'completed' WHERE id = 1") }
        #expect(refusal {
            _ = try database.write { try $0.execute("INSERT INTO upload_candidates (upload_id, candidate_id, line) VALUES (1, 99, 9)") }
        } == .constraint)
        #expect(refusal {
            _ = try database.write { try $0.execute("INSERT INTO upload_candidates (upload_id, candidate_id, line) VALUES (1, 1, 9)") }
        } == .uniqueViolation)
        // The same address in another role, and any number of rows without email, LinkedIn URL or room, are fine.
        try insert(role: 2, email: "bob@example.com")
        try insert()
        try insert()
        #expect(try database.read { try $0.query("SELECT id FROM candidates") }.count == 9)
    }
}
