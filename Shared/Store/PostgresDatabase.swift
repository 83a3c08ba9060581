import Core
import Synchronization

/// The PostgreSQL backend, for deployments on several machines: one libpq connection per process
/// (through PgBouncer in transaction mode, see README), guarded by a lock so that concurrent tasks
/// take turns, reconnected before a transaction when it broke (a warm process outlives a server
/// restart, and its first transaction after one runs).
///
/// - `write`: `BEGIN`, `SET LOCAL lock_timeout`, then `pg_advisory_xact_lock` on a key of this
///   schema, so write transactions run one at a time as on SQLite and code that reads then writes
///   keeps its meaning. The lock goes with the transaction (PgBouncer-safe: no session lock).
/// - `concurrentWrite`: the same without the advisory lock, for hot paths written with row locks
///   and constraints; a serialization failure or deadlock (40001, 40P01) runs the body again.
/// - `read`: `REPEATABLE READ, READ ONLY`: one snapshot for every statement of the body.
package final class PostgresDatabase: Database, @unchecked Sendable {
    package let backend = "postgresql"
    package var dialect: SQLDialect { .postgresql }
    package let location: String
    package let latestSchemaVersion: Int
    private let lock = Mutex(())
    private let connection: PostgresConnection
    private let beginWrite: String
    private let beginConcurrentWrite: String

    /// Tries of a `concurrentWrite` body that hit a serialization failure or a deadlock.
    static let concurrentAttempts = 3

    package init(target: PostgresTarget, lockTimeoutMilliseconds: Int = 5000, migrations: [Migration]) throws {
        location = target.display
        latestSchemaVersion = migrations.count
        connection = try PostgresConnection(target)
        let timeout = "SET LOCAL lock_timeout = '\(lockTimeoutMilliseconds)ms'"
        beginConcurrentWrite = "BEGIN; \(timeout)"
        beginWrite = "BEGIN; \(timeout); SELECT pg_advisory_xact_lock(hashtext('bundle.write:' || current_schema()))"
        try PostgresMigrator(migrations: migrations).migrate(connection)
    }

    @discardableResult
    package func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try transaction(beginWrite, attempts: 1, body)
    }

    @discardableResult
    package func concurrentWrite<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try transaction(beginConcurrentWrite, attempts: Self.concurrentAttempts, body)
    }

    package func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", attempts: 1, body)
    }

    package func schemaVersion() throws -> Int {
        try lock.withLock { _ in
            if connection.isBroken { try connection.reconnect() }
            return try PostgresMigrator.appliedCount(connection)
        }
    }

    /// The server's version (`150018`), for `health`.
    package func serverVersion() -> Int {
        lock.withLock { _ in connection.serverVersion }
    }

    private func transaction<T>(_ begin: String, attempts: Int, _ body: (any SQLExecutor) throws -> T) throws -> T {
        try lock.withLock { _ in
            var attempt = 0
            while true {
                attempt += 1
                if connection.isBroken { try connection.reconnect() }
                do {
                    try start(begin)
                    let result = try body(connection)
                    try connection.executeScript("COMMIT")
                    return result
                } catch let error as DatabaseError {
                    _ = try? connection.executeScript("ROLLBACK")
                    let retryable = error.sqlState == "40001" || error.sqlState == "40P01"
                    if retryable, attempt < attempts { continue }
                    throw error
                } catch {
                    _ = try? connection.executeScript("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// Begins a transaction. A connection that broke while idle (the server or PgBouncer restarted,
    /// an administrator ended it) is only found broken here, by the first statement: nothing of the
    /// transaction ran, so it is reconnected once and begun again. A warm worker's next request
    /// then succeeds rather than failing as `unavailable` first.
    private func start(_ begin: String) throws {
        do {
            try connection.executeScript(begin)
        } catch where connection.isBroken {
            try connection.reconnect()
            try connection.executeScript(begin)
        }
    }
}
