import Core
import Store
import Synchronization

/// A database that hands every statement to `intercept` before running it (with the real
/// executor, so a test can run statements of its own in between, as a concurrent writer would
/// have committed them, or throw as a failing backend would), and records the statements of each
/// write transaction.
final class InterceptingDatabase: Database {
    typealias Intercept = @Sendable (_ statement: String, _ sql: any SQLExecutor) throws -> Void

    let base: any Database
    let intercept: Intercept
    private let recorded = Mutex<[[String]]>([])

    init(_ base: any Database, intercept: @escaping Intercept = { _, _ in }) {
        self.base = base
        self.intercept = intercept
    }

    /// The statements of each write transaction, in order (rolled back ones too).
    var writeTransactions: [[String]] { recorded.withLock { $0 } }

    var backend: String { base.backend }
    var dialect: SQLDialect { base.dialect }
    var location: String { base.location }
    var latestSchemaVersion: Int { base.latestSchemaVersion }
    func schemaVersion() throws -> Int { try base.schemaVersion() }

    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        let index = recorded.withLock { $0.append([]); return $0.count - 1 }
        return try base.write { sql in
            try body(Executor(base: sql, intercept: intercept) { statement in self.recorded.withLock { $0[index].append(statement) } })
        }
    }

    func concurrentWrite<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        let index = recorded.withLock { $0.append([]); return $0.count - 1 }
        return try base.concurrentWrite { sql in
            try body(Executor(base: sql, intercept: intercept) { statement in self.recorded.withLock { $0[index].append(statement) } })
        }
    }

    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T {
        try base.read { sql in try body(Executor(base: sql, intercept: intercept) { _ in }) }
    }

    private struct Executor: SQLExecutor {
        let base: any SQLExecutor
        let intercept: Intercept
        let record: (String) -> Void

        var dialect: SQLDialect { base.dialect }

        func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
            try before(sql)
            return try base.execute(sql, arguments)
        }

        func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [Row] {
            try before(sql)
            return try base.query(sql, arguments)
        }

        func query(_ sql: String, values: [SQLValue]) throws -> [Row] {
            try before(sql)
            return try base.query(sql, values: values)
        }

        private func before(_ sql: String) throws {
            record(sql.trimmingWhitespace())
            try intercept(sql, base)
        }
    }
}
