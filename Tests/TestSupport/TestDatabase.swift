import Foundation
import Core
import Store
import Synchronization

/// The database a test opens, on the backend the test run chose: SQLite files by default, or
/// PostgreSQL when `BUNDLE_TEST_POSTGRES` holds libpq `key=value` settings for a server where the
/// test may create roles (`infra/dev test` starts one and runs the suites a second time on it).
///
/// A test names its database by a path in its own temporary directory, as it did for SQLite:
/// on PostgreSQL the path becomes a role and a schema of that name (the default `search_path`,
/// `"$user", public`, puts the schema first), created on first use. Two handles on one path (two
/// "processes") therefore share one database, and no two tests ever share one.
package enum TestDatabase {
    /// The PostgreSQL settings of this test run, or nil for SQLite.
    package static let postgres: String? = {
        guard let value = ProcessInfo.processInfo.environment["BUNDLE_TEST_POSTGRES"]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }()

    /// PgBouncer's socket for the same database (transaction pooling), when the run has one
    /// (`infra/dev test` sets it): processes a test starts connect through it, as deployed.
    package static let pooled: String? = {
        guard let value = ProcessInfo.processInfo.environment["BUNDLE_TEST_POSTGRES_POOLED"]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }()

    package static var dialect: SQLDialect { postgres == nil ? .sqlite : .postgresql }

    /// The `DATABASE_URL` a process the test starts is handed for the database at `path`: the
    /// path itself on SQLite; on PostgreSQL the run's PgBouncer (else the server) with the path's
    /// role as the user (created now if needed).
    package static func url(_ path: String) throws -> String {
        guard let postgres else { return path }
        let role = try ensureRole(for: path, base: postgres)
        return "\(pooled ?? postgres) user=\(role)"
    }

    /// The `DATABASE_URL` for the database at `path` straight to the PostgreSQL server (no
    /// PgBouncer), for a process whose own server connection a test ends; the path itself on SQLite.
    package static func directURL(_ path: String) throws -> String {
        guard let postgres else { return path }
        return "\(postgres) user=\(try ensureRole(for: path, base: postgres))"
    }

    /// Opens (and migrates) the database at `path`, in the test's own process: on PostgreSQL
    /// straight to the server (a test that ends the server connection sees it end).
    package static func open(_ path: String, migrations: [Migration]) throws -> any Database {
        guard let postgres else { return try DatabaseLocation.open(Config(["DATABASE_URL": path]), migrations: migrations) }
        let role = try ensureRole(for: path, base: postgres)
        return try DatabaseLocation.open(Config(["DATABASE_URL": "\(postgres) user=\(role)"]), migrations: migrations)
    }

    /// `t_` and 24 hex digits of the path's SHA-256: a valid, unquoted identifier.
    static func role(for path: String) -> String {
        "t_" + SHA256.hex(SHA256.hash(Array(path.utf8))).prefix(24)
    }

    private static let made = Mutex<Set<String>>([])

    private static func ensureRole(for path: String, base: String) throws -> String {
        let role = role(for: path)
        if made.withLock({ $0.contains(role) }) { return role }
        let admin = try DatabaseLocation.open(Config(["DATABASE_URL": base]), migrations: [])
        try admin.concurrentWrite { sql in
            // Serialises role creation across test processes (CREATE ROLE has no IF NOT EXISTS).
            try sql.execute("SELECT pg_advisory_xact_lock(hashtext('bundle.test-roles'))", [])
            if try sql.query("SELECT 1 FROM pg_roles WHERE rolname = ?", [role]).isEmpty {
                try sql.execute("CREATE ROLE \(role) LOGIN", [])
            }
            try sql.execute("CREATE SCHEMA IF NOT EXISTS \(role) AUTHORIZATION \(role)", [])
        }
        made.withLock { _ = $0.insert(role) }
        return role
    }
}
