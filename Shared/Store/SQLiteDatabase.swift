import Core
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SQLite backend: one connection per process, guarded by a lock so that concurrent tasks
/// (an LLM fan-out recording its calls) take turns. Writers use `BEGIN IMMEDIATE`, so two
/// processes never both hold a read lock and then deadlock trying to upgrade it.
package final class SQLiteDatabase: Database, @unchecked Sendable {
    package let backend = "sqlite"
    package var dialect: SQLDialect { .sqlite }
    package let location: String
    package let latestSchemaVersion: Int
    private let lock = Mutex(())
    private let connection: SQLiteConnection

    /// Opens (creating the file and its directory if needed) and applies the migrations it does not
    /// hold yet: the bundle's are `Catalog.migrations`; a test names the modules whose tables it needs.
    package init(path: String, busyTimeoutMilliseconds: Int = 5000, migrations: [Migration]) throws {
        location = path
        latestSchemaVersion = migrations.count
        do {
            try Self.createParentDirectory(of: path)
            connection = try SQLiteConnection(path: path, busyTimeoutMilliseconds: Int32(busyTimeoutMilliseconds))
            try Migrator(migrations: migrations).migrate(connection)
        } catch let error as DatabaseError where error.kind == .cannotOpen || error.kind == .readOnly {
            throw BundleError(.misconfigured, "the database at \(path) cannot be opened for writing (\(error.message)); "
                + "check DATABASE_URL and the directory's permissions",
                details: [ErrorDetail(field: "DATABASE_URL", problem: "cannot open \(path)")])
        }
    }

    @discardableResult
    package func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try lock.withLock { _ in
            try connection.execute("BEGIN IMMEDIATE", [])
            do {
                let result = try body(connection)
                try connection.execute("COMMIT", [])
                return result
            } catch {
                _ = try? connection.execute("ROLLBACK", [])
                throw error
            }
        }
    }

    /// SQLite has one writer at a time, so this is `write`.
    @discardableResult
    package func concurrentWrite<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try write(body)
    }

    package func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try lock.withLock { _ in
            try connection.execute("BEGIN DEFERRED", [])
            defer { _ = try? connection.execute("COMMIT", []) }
            return try body(connection)
        }
    }

    /// Runs a script of several statements as written (a `.dump`, such as the release databases
    /// the migration tests load), with no migration bookkeeping.
    package func executeScript(_ sql: String) throws {
        try lock.withLock { _ in try connection.executeScript(sql) }
    }

    package func schemaVersion() throws -> Int {
        try lock.withLock { _ in try Migrator.appliedCount(connection) }
    }

    private static func createParentDirectory(of path: String) throws {
        guard !path.hasPrefix("file:"), path != ":memory:", let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        guard !directory.isEmpty else { return }
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw DatabaseError(kind: .cannotOpen, code: 14, message: "cannot create directory \(current)")
            }
        }
    }
}
