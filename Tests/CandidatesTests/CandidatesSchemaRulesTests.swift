import Candidates
import Core
import FoundationEssentials
import Jobs
import Providers
import Store
import TestSupport
import Testing

/// The rules of the candidate tables after every step, on the backend of the test run: on
/// PostgreSQL `candidates.upload_indexes` is `CandidatesSchema.candidatesUploadIndexesPostgreSQL`,
/// not the SQLite rebuild `UploadIndexesMigrationTests` covers, and must end in the same rules.
@Suite struct CandidatesSchemaRulesTests {
    private static let stamp = "2026-01-05T09:00:00.000Z"
    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"),
                                         migrations: ProvidersSchema.migrations + JobsSchema.migrations + CandidatesSchema.migrations)
    }

    @discardableResult
    private func insert(role: Int = 1, name: String = "New", email: String? = nil, linkedin: String? = nil, room: String? = nil,
                        source: String = "csv_upload") throws -> Int {
        try database.write { sql in
            try sql.queryOne("""
                INSERT INTO candidates (role_id, name, email, linkedin_url, room_name, current_company, source, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'Acme', ?, ?, ?) RETURNING id
                """, role, name, email, linkedin, room, source, Self.stamp, Self.stamp)?.int("id") ?? 0
        }
    }

    private func refusal(_ body: () throws -> Void) -> DatabaseError.Kind? {
        do { try body() } catch let error as DatabaseError { return error.kind } catch { return nil }
        return nil
    }

    @Test func uniquenessAndChecksHoldAfterEveryStep() throws {
        #expect(try database.schemaVersion() == database.latestSchemaVersion)
        try database.write { sql in
            for role in [1, 2] {
                try sql.execute("""
                    INSERT INTO roles (id, title, weight_algo, weight_ai, tiers, created_at, updated_at)
                    VALUES (?, ?, 0.6, 0.4, '{}', ?, ?)
                    """, role, "Role \(role)", Self.stamp, Self.stamp)
            }
        }
        let ada = try insert(name: "Ada", email: "ada@example.com", linkedin: "https://www.linkedin.com/in/ada", room: "room-ada")
        try insert(name: "Bob", email: "bob@example.com")
        try insert(name: "Cy", linkedin: "https://www.linkedin.com/in/cy")
        let upload = try database.write { sql in
            try sql.queryOne("""
                INSERT INTO uploads (role_id, content_sha256, delimiter, columns, rows, accepted, created_candidates,
                                     updated_candidates, rejected, duplicates, created_at)
                VALUES (1, 'abc', ',', '{}', 1, 1, 1, 0, '[]', '[]', ?) RETURNING id
                """, Self.stamp)?.int("id") ?? 0
        }
        _ = try database.write { try $0.execute("INSERT INTO upload_candidates (upload_id, candidate_id, line) VALUES (?, ?, 2)", upload, ada) }

        #expect(refusal { try insert(email: "bob@example.com") } == .uniqueViolation)
        #expect(refusal { try insert(linkedin: "https://www.linkedin.com/in/cy") } == .uniqueViolation)
        #expect(refusal { try insert(role: 2, room: "room-ada") } == .uniqueViolation)
        #expect(refusal { try insert(role: 3) } == .constraint)
        #expect(refusal { try insert(source: "scraped") } == .constraint)
        for column in ["ai_status", "interview_status"] {
            #expect(refusal { _ = try database.write { try $0.execute("UPDATE candidates SET \(column) = 'unheard of' WHERE id = ?", ada) } } == .constraint)
        }
        #expect(refusal {
            _ = try database.write { try $0.execute("INSERT INTO upload_candidates (upload_id, candidate_id, line) VALUES (?, ?, 9)", upload, ada + 1000) }
        } == .constraint)
        #expect(refusal {
            _ = try database.write { try $0.execute("INSERT INTO upload_candidates (upload_id, candidate_id, line) VALUES (?, ?, 9)", upload, ada) }
        } == .uniqueViolation)
        // The same address in another role, and any number of rows without email, LinkedIn URL or room, are fine.
        try insert(role: 2, email: "bob@example.com")
        try insert()
        try insert()
        #expect(try database.read { try $0.query("SELECT id FROM candidates") }.count == 6)
    }
}
