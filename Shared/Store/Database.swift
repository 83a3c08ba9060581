import Core
import FoundationEssentials

/// Runs statements inside a transaction. SQL is written in the subset SQLite and PostgreSQL share:
/// `?` placeholders (a PostgreSQL backend numbers them), `RETURNING`, times as ISO-8601 text,
/// JSON as text.
package protocol SQLExecutor {
    /// Which SQL the statements run on, for the few places whose SQL must differ (full-text
    /// search: FTS5 on SQLite, tsvector and pg_trgm on PostgreSQL).
    var dialect: SQLDialect { get }
    /// Runs one statement; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int
    func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [Row]
    /// `query` with values already converted: a statement with thousands of parameters (a
    /// batched insert) then costs no existential and no conversion per parameter.
    func query(_ sql: String, values: [SQLValue]) throws -> [Row]
    /// The database's clock (SQLExecutor+Rows.swift says when to use it).
    func databaseTime() throws -> Date
}

extension SQLExecutor {
    package func query(_ sql: String, values: [SQLValue]) throws -> [Row] {
        try query(sql, values.map { $0 as any SQLBindable })
    }

    @discardableResult
    package func execute(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try execute(sql, arguments)
    }

    package func query(_ sql: String, _ arguments: any SQLBindable...) throws -> [Row] {
        try query(sql, arguments)
    }

    package func queryOne(_ sql: String, _ arguments: [any SQLBindable]) throws -> Row? {
        try query(sql, arguments).first
    }

    package func queryOne(_ sql: String, _ arguments: any SQLBindable...) throws -> Row? {
        try query(sql, arguments).first
    }
}

/// The two SQL dialects the store speaks.
package enum SQLDialect: String, Sendable {
    case sqlite
    case postgresql
}

/// The store every function shares: SQLite (`SQLiteDatabase`) on one machine, PostgreSQL
/// (`PostgresDatabase`, through PgBouncer) for deployments on several.
package protocol Database: AnyObject, Sendable {
    /// "sqlite" or "postgresql".
    var backend: String { get }
    var dialect: SQLDialect { get }
    /// Where the data lives, for messages and `health` (never a password).
    var location: String { get }

    /// Runs `body` in one write transaction, committed when it returns and rolled back when it
    /// throws, with no other write transaction running at the same time: SQLite's single writer
    /// (`BEGIN IMMEDIATE`), on PostgreSQL a transaction-scoped advisory lock taken first. Code that
    /// reads and then writes may rely on nothing changing in between.
    @discardableResult
    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T
    /// A write transaction that relies only on constraints and row locks (`ON CONFLICT`,
    /// `FOR UPDATE SKIP LOCKED`, conditional `UPDATE … WHERE`), never on being the only writer:
    /// the hot paths (job claims, webhook deduplication) use it so writers on several hosts run
    /// side by side. On SQLite it is `write`. On PostgreSQL a serialization failure or deadlock
    /// runs `body` again (up to three times), so `body` must do nothing outside the database.
    @discardableResult
    func concurrentWrite<T>(_ body: (any SQLExecutor) throws -> T) throws -> T
    /// Runs `body` in one read transaction (a consistent snapshot).
    func read<T>(_ body: (any SQLExecutor) throws -> T) throws -> T
    /// How many migrations the database records as applied (more than `latestSchemaVersion` when
    /// a newer build has migrated it).
    func schemaVersion() throws -> Int
    /// How many migrations this build registers: the database is up to date when every one of
    /// them is applied.
    var latestSchemaVersion: Int { get }
}

/// A failure reported by the database, with the contract code it maps to.
package struct DatabaseError: BundleErrorConvertible, CustomStringConvertible {
    package enum Kind: Sendable {
        case busy, constraint, uniqueViolation, cannotOpen, readOnly, full, corrupt, misuse, other
        /// The server cannot be reached or the connection broke (PostgreSQL).
        case unreachable
        /// Text the database cannot hold (PostgreSQL refuses U+0000 in text).
        case invalidText
    }

    package let kind: Kind
    package let code: Int32
    package let message: String
    /// PostgreSQL's SQLSTATE (`23505`); nil on SQLite.
    package let sqlState: String?

    package init(kind: Kind, code: Int32, message: String, sqlState: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.sqlState = sqlState
    }

    package var description: String { "database error \(sqlState ?? String(code)): \(message)" }

    package var bundleError: BundleError {
        switch kind {
        case .busy: BundleError(.unavailable, "the database is busy; retry shortly")
        case .uniqueViolation, .constraint: BundleError(.conflict, "the change conflicts with stored data: \(message)")
        case .cannotOpen, .readOnly: BundleError(.misconfigured, "the database cannot be written: \(message)")
        case .full: BundleError(.unavailable, "the database disk is full")
        case .corrupt: BundleError(.internal, "the database file is damaged: \(message)")
        case .misuse, .other: BundleError(.internal, "database error: \(message)")
        case .unreachable: BundleError(.unavailable, "the database cannot be reached: \(message)")
        case .invalidText: BundleError(.validationFailed, "the input holds text the database cannot store: \(message)")
        }
    }
}
