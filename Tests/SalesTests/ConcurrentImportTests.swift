import Core
import Foundation
import Providers
import Sales
import Store
import TestSupport
import Testing

/// Imports running at once through separate connections (as separate processes would): the
/// constraints, not a read before the write, keep one row per person, company and file.
@Suite struct ConcurrentImportTests {
    static func sheet(_ people: Range<Int>, company: String) -> String {
        "LinkedIn,Name,Title,Company\n" + people.map { "linkedin.com/in/person-\($0),Person \($0),Engineer,\(company)\n" }.joined()
    }

    @Test func overlappingFilesAtOnceMakeOneRowPerPersonAndCompany() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bundle.sqlite")
        let migrations = ProvidersSchema.migrations + SalesSchema.migrations
        _ = try TestDatabase.open(path, migrations: migrations)
        let files = [Self.sheet(0..<300, company: "Acme Corp"), Self.sheet(150..<450, company: "ACME Corporation"),
                     Self.sheet(0..<300, company: "Acme Corp")]
        let now = Timestamp.parse("2026-12-02T09:00:00Z")!
        let results = try await withThrowingTaskGroup(of: (Int, Int, Bool).self) { group in
            for file in files {
                group.addTask {
                    let store = ProspectStore(database: try TestDatabase.open(path, migrations: migrations))
                    let (record, created) = try store.importSheet(try ProspectSheet(text: file), source: try CSVSource(text: file, fileName: nil), now: now)
                    return (record.created, record.updated, created)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let database = try TestDatabase.open(path, migrations: migrations)
        let count = { (sql: String) in try database.read { try $0.queryOne(sql)?.int("n") ?? 0 } }
        #expect(try count("SELECT COUNT(*) AS n FROM sales_prospects") == 450)
        #expect(try count("SELECT COUNT(*) AS n FROM sales_companies") == 1)
        #expect(try count("SELECT COUNT(*) AS n FROM sales_prospect_imports") == 2, "the repeated file is one import")
        #expect(results.filter { !$0.2 }.count == 1)
        let fresh = results.filter(\.2)
        #expect(fresh.map(\.0).reduce(0, +) == 450, "each person created once")
        #expect(fresh.map { $0.0 + $0.1 }.sorted() == [300, 300])
    }
}
