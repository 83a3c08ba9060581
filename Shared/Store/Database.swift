import Core

/// Runs statements inside a transaction. SQL is written in the subset SQLite and PostgreSQL share:
/// `?` placeholders (a PostgreSQL backend numbers them), `RETURNING`, times as ISO-8601 text,
/// JSON as text.
package protocol SQLExecutor {
    /// Runs one statement; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int
    func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [Row]
    /// `query` with values already converted: a statement with thousands of parameters (a
    /// batched insert) then costs no existential and no conversion per parameter.
    func query(_ sql: String, values: [SQLValue]) throws -> [Row]
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

/// The store every function shares. SQLite implements it today; the interface is what a
/// PostgreSQL backend implements for deployments that outgrow one machine.
package protocol Database: AnyObject, Sendable {
    /// "sqlite" or "postgresql".
    var backend: String { get }
    /// Where the data lives, for messages and `health` (never a password).
    var location: String { get }

    /// Runs `body` in one write transaction (SQLite: `BEGIN IMMEDIATE`), committed when it
    /// returns and rolled back when it throws.
    @discardableResult
    func write<T>(_ body: (any SQLExecutor) throws -> T) throws -> T
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
    package enum Kind: Sendable { case busy, constraint, uniqueViolation, cannotOpen, readOnly, full, corrupt, misuse, other }

    package let kind: Kind
    package let code: Int32
    package let message: String

    package init(kind: Kind, code: Int32, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    package var description: String { "database error \(code): \(message)" }

    package var bundleError: BundleError {
        switch kind {
        case .busy: BundleError(.unavailable, "the database is busy; retry shortly")
        case .uniqueViolation, .constraint: BundleError(.conflict, "the change conflicts with stored data: \(message)")
        case .cannotOpen, .readOnly: BundleError(.misconfigured, "the database cannot be written: \(message)")
        case .full: BundleError(.unavailable, "the database disk is full")
        case .corrupt: BundleError(.internal, "the database file is damaged: \(message)")
        case .misuse, .other: BundleError(.internal, "database error: \(message)")
        }
    }
}
