import Core
import Foundation
import Store
import TestSupport
import Testing

@Suite struct SQLiteDatabaseTests {
    @Test func configuresWALAndForeignKeys() throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"), migrations: [])
        let mode = try database.read { try $0.queryOne("PRAGMA journal_mode")?.optionalString("journal_mode") }
        let foreignKeys = try database.read { try $0.queryOne("PRAGMA foreign_keys")?.optionalInt("foreign_keys") }
        let cacheSize = try database.read { try $0.queryOne("PRAGMA cache_size")?.optionalInt("cache_size") }
        #expect(mode == "wal")
        #expect(foreignKeys == 1)
        #expect(cacheSize == -32_768)
    }

    @Test func bindsAndReadsTypedValues() throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"),
                                          migrations: [Migration("t", "CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT, flag INTEGER, at TEXT, doc TEXT)")])
        let date = Date(timeIntervalSince1970: 1_767_603_600)
        let document: JSONValue = ["k": [1, "two"]]
        try database.write { db in
            try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [Int64.max, 2.5, "héllo 'quoted'", SQLValue.blob([0, 1, 255]), String?.none, true, date, document])
        }
        let row = try #require(try database.read { try $0.queryOne("SELECT * FROM t") })
        #expect(row.optionalInt64("i") == Int64.max)
        #expect(row.optionalDouble("r") == 2.5)
        #expect(row.optionalString("s") == "héllo 'quoted'")
        try database.write { try $0.execute("UPDATE t SET s = ?", "before\u{0}after") }
        #expect(try database.read { try $0.queryOne("SELECT s, length(CAST(s AS BLOB)) AS n FROM t") }?.optionalInt("n") == 12)
        #expect(row["b"] == .blob([0, 1, 255]))
        #expect(row["n"] == .null)
        #expect(row.bool("flag"))
        #expect(try row.date("at") == date)
        #expect(try row.json("doc") == document)
    }

    @Test func textIsBoundByteForByteWhateverItsLength() throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"), migrations: [Migration("t", "CREATE TABLE t (k INTEGER, s TEXT)")])
        // Empty (bound as '', not NULL), inline (up to 15 bytes), stored out of line, non-ASCII, a substring.
        let texts = ["", "a", "fifteen bytes!!", "sixteen bytes!!!", String(repeating: "long ", count: 100), "naïve 日本", "x\u{0}y"]
        let sliced = "prefix-middle-suffix".dropFirst(7).dropLast(7)
        try database.write { db in
            for (index, text) in texts.enumerated() { try db.execute("INSERT INTO t VALUES (?, ?)", index, text) }
            try db.execute("INSERT INTO t VALUES (?, ?)", texts.count, sliced)
        }
        let rows = try database.read { try $0.query("SELECT s, typeof(s) AS type, length(CAST(s AS BLOB)) AS n FROM t ORDER BY k") }
        #expect(rows.map { $0.optionalString("s") } == texts + ["middle"])
        #expect(rows.allSatisfy { $0.optionalString("type") == "text" })
        #expect(rows.map { $0.optionalInt("n") } == (texts + ["middle"]).map { $0.utf8.count })
    }

    /// Texts bound from one shared buffer: each value keeps its own bytes, whatever their
    /// lengths (inline, long, empty, non-ASCII) and whatever lies between them.
    @Test func manyTextsInOneStatementKeepTheirOwnBytes() throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"),
                                          migrations: [Migration("t", "CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT, i INTEGER)")])
        let texts = (0..<60).map { n -> String in
            switch n % 5 {
            case 0: ""
            case 1: "short \(n)"
            case 2: String(repeating: "long text \(n) ", count: 20)
            case 3: "Zoë – 日本 \(n)"
            default: "x\u{0}y\(n)"
            }
        }
        var values: [SQLValue] = []
        for (n, text) in texts.enumerated() { values += [.text(text), .integer(Int64(n))] }
        let sql = "INSERT INTO t (s, i) VALUES " + Array(repeating: "(?, ?)", count: texts.count).joined(separator: ", ") + " RETURNING k"
        // Twice through the same cached statement.
        for _ in 0..<2 { _ = try database.write { try $0.query(sql, values: values) } }
        let rows = try database.read { try $0.query("SELECT s, i FROM t ORDER BY k") }
        #expect(rows.map { $0["s"] } == (texts + texts).map { SQLValue.text($0) })
        #expect(rows.map { $0.optionalInt("i") } == Array(0..<60) + Array(0..<60))
    }

    @Test func valuesAlreadyConvertedAreBoundLikeBindables() throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"),
                                          migrations: [Migration("t", "CREATE TABLE t (k INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB)")])
        let values: [SQLValue] = [.integer(-7), .real(2.5), .text(""), .blob([0, 255]), .null, .null, .text("x\u{0}y"), .null]
        let inserted = try database.write { try $0.query("INSERT INTO t (i, r, s, b) VALUES (?, ?, ?, ?), (?, ?, ?, ?) RETURNING k", values: values) }
        #expect(inserted.count == 2)
        let rows = try database.read { try $0.query("SELECT i, r, s, b, typeof(s) AS type FROM t ORDER BY k") }
        #expect(rows.map { [$0["i"], $0["r"], $0["s"], $0["b"]] } == [Array(values[0..<4]), Array(values[4..<8])])
        #expect(rows.first?.optionalString("type") == "text")
        #expect(throws: DatabaseError.self) { try database.read { try $0.query("SELECT ?, ?", values: [.integer(1)]) } }
    }

    @Test func rollsBackWhenTheBodyThrows() throws {
        struct Stop: Error {}
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"), migrations: [Migration("t", "CREATE TABLE t (v TEXT)")])
        #expect(throws: Stop.self) {
            try database.write { db in
                try db.execute("INSERT INTO t VALUES ('lost')")
                throw Stop()
            }
        }
        #expect(try database.read { try $0.query("SELECT * FROM t") }.isEmpty)
    }

    @Test func uniqueViolationIsAConflict() throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"), migrations: [Migration("t", "CREATE TABLE t (v TEXT UNIQUE)")])
        try database.write { try $0.execute("INSERT INTO t VALUES ('a')") }
        do {
            try database.write { try $0.execute("INSERT INTO t VALUES ('a')") }
            Issue.record("expected a conflict")
        } catch let error as DatabaseError {
            #expect(error.kind == .uniqueViolation)
            #expect(error.bundleError.code == .conflict)
        }
    }

    @Test func wrongArgumentCountIsReported() throws {
        let directory = try TemporaryDirectory()
        let database = try SQLiteDatabase(path: directory.file("db.sqlite"), migrations: [])
        #expect(throws: DatabaseError.self) { try database.read { try $0.query("SELECT ?, ?", 1) } }
    }

    @Test func unwritableLocationIsMisconfiguredNamingThePath() throws {
        let directory = try TemporaryDirectory()
        try "not a directory".write(toFile: directory.file("file"), atomically: true, encoding: .utf8)
        let path = directory.file("file/bundle.sqlite")
        do {
            _ = try SQLiteDatabase(path: path, migrations: MigratorTests.schema)
            Issue.record("expected an error")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains(path))
        }
    }

    @Test func databaseURLForms() throws {
        #expect(try DatabaseLocation.sqlitePath(from: nil) == "var/bundle.sqlite")
        #expect(try DatabaseLocation.sqlitePath(from: "data/x.sqlite") == "data/x.sqlite")
        #expect(try DatabaseLocation.sqlitePath(from: "/srv/x.sqlite") == "/srv/x.sqlite")
        #expect(try DatabaseLocation.sqlitePath(from: "sqlite:x.sqlite") == "x.sqlite")
        #expect(try DatabaseLocation.sqlitePath(from: "file:x.sqlite?mode=rwc") == "file:x.sqlite?mode=rwc")
    }

    /// SQLAlchemy's forms, as the original systems' `.env` files write them: three slashes then a
    /// relative path, four for an absolute one, any driver suffix.
    @Test func sqlAlchemyURLsMeanWhatSQLAlchemyMeans() throws {
        #expect(try DatabaseLocation.sqlitePath(from: "sqlite:///./app.db") == "./app.db")
        #expect(try DatabaseLocation.sqlitePath(from: "sqlite:///app.db") == "app.db")
        #expect(try DatabaseLocation.sqlitePath(from: "sqlite:///data/app.db") == "data/app.db")
        #expect(try DatabaseLocation.sqlitePath(from: "sqlite:////srv/app.db") == "/srv/app.db")
        #expect(try DatabaseLocation.sqlitePath(from: "sqlite+aiosqlite:///./app.db") == "./app.db")
        #expect(try DatabaseLocation.sqlitePath(from: "SQLite+pysqlite:////srv/app.db") == "/srv/app.db")
        #expect(try DatabaseLocation.sqlitePath(from: "sqlite:///./app.db?check_same_thread=False") == "./app.db")
    }

    @Test func databasesThisBuildCannotServeAreMisconfigured() throws {
        func refusal(_ url: String) -> BundleError? {
            do {
                _ = try DatabaseLocation.sqlitePath(from: url)
                return nil
            } catch { return error as? BundleError }
        }
        for url in ["postgres://u:p@h/db", "postgresql://u:p@h/db", "postgresql+asyncpg://u:p@h/db", "postgresql+psycopg2://h/db"] {
            let error = refusal(url)
            #expect(error?.code == .misconfigured, "\(url)")
            #expect(error?.message.contains("PostgreSQL") == true, "\(url)")
            #expect(error?.message.contains("p@h") == false, "the URL's password stays out of the message")
        }
        for url in ["sqlite://", "sqlite:///:memory:", ":memory:", "sqlite::memory:"] {
            #expect(refusal(url)?.message.contains("in-memory") == true, "\(url)")
        }
        #expect(refusal("mysql+pymysql://u:p@h/db")?.code == .misconfigured)
        #expect(refusal("sqlite://host/app.db")?.code == .misconfigured)
        #expect(refusal("sqlite:///./app.db?mode=ro")?.message.contains("mode") == true)
    }

    @Test func anAbsoluteSQLAlchemyURLOpensThatFile() throws {
        // (Relative forms resolve against the working directory, which tests running in
        // parallel must not change; the path mapping above covers them.)
        let directory = try TemporaryDirectory()
        let database = try DatabaseLocation.open(Config(["DATABASE_URL": "sqlite+aiosqlite:///" + directory.file("data/app.db")]), migrations: MigratorTests.schema)
        #expect(database.location == directory.file("data/app.db"))
        #expect(FileManager.default.fileExists(atPath: directory.file("data/app.db")))
    }
}
