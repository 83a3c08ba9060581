import Candidates
import Core
import Foundation
import Store
import Synchronization
import TestSupport
import Testing

/// Rows with neither email nor LinkedIn URL are matched by name and company exactly as the SQL
/// match did (`LOWER` of ASCII letters only, byte-equal text, the earliest candidate first),
/// from one read of the role's such candidates instead of a query per row.
@Suite struct UnidentifiedRowsTests {
    @Test func rowsWithoutEmailOrLinkedInMatchByNameAndCompanyAsSQLDid() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let first = try await harness.upload("""
            name,company,skills
            Ann Lee,Acme,Go
            Ann Lee,,Rust
            Élan Roy,Acme,Go
            Jose\u{301} Diaz,Acme,Go
            """)
        #expect(first["upload"]?["created_candidates"] == 4)
        let second = try await harness.upload("""
            name,company,skills
            ANN LEE,ACME,Python
            ann lee,,Kafka
            éLAN ROY,Acme,SQL
            José Diaz,Acme,SQL
            Ann Lee,Other,Go
            """)
        // ASCII letters compare without case; "É" and "é" differ (SQLite's LOWER), and so do
        // the composed and decomposed "é" (bytes, not Unicode equivalence).
        #expect(second["upload"]?["updated_candidates"] == 2)
        #expect(second["upload"]?["created_candidates"] == 3)
        #expect(try await harness.candidate(1)["skills"] == ["Python"])
        #expect(try await harness.candidate(1)["name"] == "ANN LEE")
        #expect(try await harness.candidate(2)["skills"] == ["Kafka"])
        #expect(try await harness.candidate(3)["skills"] == ["Go"])
        // A stored candidate matched again, and a row matching one new in the same file.
        let third = try await harness.upload("name,company,skills\néLAN ROY,acme,Java\nNew Person,,Go\nnew person,,Swift\n")
        #expect(third["upload"]?["updated_candidates"] == 1)
        #expect(third["upload"]?["created_candidates"] == 1)
        #expect(third["upload"]?["duplicates"] == [["line": 4, "same_as_line": 3, "candidate_id": 8]])
        #expect(try await harness.candidate(5)["skills"] == ["Java"])
        #expect(try await harness.candidate(8)["skills"] == ["Swift"])
        #expect(try harness.count("SELECT COUNT(*) AS n FROM candidates") == 8)
    }

    @Test func unidentifiedRowsAreStoredSeveralPerStatementNotOneQueryEach() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let rows = PendingCandidates.rowsPerStatement * 3
        let csv = "name,company\n" + (1...rows).map { "Person \($0),Company \($0 % 7)" }.joined(separator: "\n")
        let counting = CountingDatabase(harness.database)
        let role = try #require(try RoleStore(database: harness.database).role(1))
        let (upload, _) = try CandidateStore(database: counting).ingest(try CandidateSheet(text: csv), source: try CSVSource(text: csv, fileName: nil),
                                                                        role: role, now: Timestamp.parse("2026-05-04T10:00:00Z")!)
        #expect(upload.createdCandidates == rows)
        // Three inserts of candidates, one of the upload, two of its links, and a few reads;
        // a query (and a flush) per row made it hundreds.
        #expect(counting.statements.withLock { $0 } < 20)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM candidates") == rows)
    }
}

/// A database that counts the statements run through it.
private final class CountingDatabase: Database, Sendable {
    let inner: SQLiteDatabase
    let statements = Mutex(0)
    init(_ inner: SQLiteDatabase) { self.inner = inner }
    var backend: String { inner.backend }
    var dialect: SQLDialect { inner.dialect }
    var location: String { inner.location }
    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T { try inner.write { try body(Counting(inner: $0, owner: self)) } }
    func concurrentWrite<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try inner.concurrentWrite { try body(Counting(inner: $0, owner: self)) }
    }
    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T { try inner.read { try body(Counting(inner: $0, owner: self)) } }
    func schemaVersion() throws -> Int { try inner.schemaVersion() }
    var latestSchemaVersion: Int { inner.latestSchemaVersion }

    struct Counting: SQLExecutor {
        let inner: any SQLExecutor
        let owner: CountingDatabase
        var dialect: SQLDialect { inner.dialect }
        func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
            owner.statements.withLock { $0 += 1 }
            return try inner.execute(sql, arguments)
        }
        func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [Row] {
            owner.statements.withLock { $0 += 1 }
            return try inner.query(sql, arguments)
        }
        func query(_ sql: String, values: [SQLValue]) throws -> [Row] {
            owner.statements.withLock { $0 += 1 }
            return try inner.query(sql, values: values)
        }
    }
}
