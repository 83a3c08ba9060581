import Core

/// Where the database lives, from `DATABASE_URL`. People arrive with the forms their tools
/// write, so SQLAlchemy's URLs are read as SQLAlchemy reads them, and anything this build cannot
/// serve is refused by name instead of being taken for a file path (which once created
/// directories called `postgresql+asyncpg:` or wrote `/app.db` at the filesystem root):
///
/// - a plain path (`var/bundle.sqlite`, `/srv/bundle.sqlite`) or `sqlite:path`: that file;
/// - `sqlite:///relative/path.db` (three slashes): relative to the working directory, and
///   `sqlite:////absolute/path.db` (four): absolute; a driver suffix (`sqlite+aiosqlite`,
///   `sqlite+pysqlite`) changes nothing; `?check_same_thread=…` is accepted and means nothing here;
/// - a `file:` URI: handed to SQLite as a URI;
/// - `sqlite://`, `sqlite:///:memory:`, `:memory:`: refused, since every function runs in its own
///   process and an in-memory database would lose everything when it exits;
/// - `postgres://`, `postgresql://`, `postgresql+<driver>://`, or libpq's `host=… dbname=…` form:
///   PostgreSQL (`PostgresTarget`); any other `scheme://` is refused.
///
/// The default is `var/bundle.sqlite` under the working directory.
package enum DatabaseLocation {
    package static let defaultPath = "var/bundle.sqlite"

    package static func sqlitePath(from url: String?) throws -> String {
        guard let url = url?.trimmingWhitespace(), !url.isEmpty else { return defaultPath }
        let lower = url.lowercased()
        if lower.hasPrefix("file:") { return url }
        let scheme = lower.firstRange(of: ":").map { String(lower[..<$0.lowerBound]) } ?? ""
        let driverless = scheme.split(separator: "+", maxSplits: 1).first.map(String.init) ?? scheme
        if ["postgres", "postgresql", "pgsql"].contains(driverless) {
            throw BundleError.misconfigured(variable: "DATABASE_URL",
                "names PostgreSQL (\(scheme)://), not a SQLite file")
        }
        guard driverless == "sqlite" else {
            if lower.contains("://") {
                throw BundleError.misconfigured(variable: "DATABASE_URL",
                    "names a \(scheme) database, which is not supported; use a SQLite file: a path such as var/bundle.sqlite, or sqlite:///./app.db")
            }
            if lower == ":memory:" { throw inMemory() }
            return url
        }
        var rest = Substring(url.dropFirst(scheme.count + 1))
        if let question = rest.firstIndex(of: "?") {
            try checkParameters(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        guard rest.hasPrefix("//") else {
            // The bundle's own short form, `sqlite:path`.
            guard !rest.isEmpty else { throw BundleError.misconfigured(variable: "DATABASE_URL", "names no file after sqlite:") }
            if rest == ":memory:" { throw inMemory() }
            return String(rest)
        }
        rest = rest.dropFirst(2)
        // SQLAlchemy: `sqlite://<host>/<path>`, where the host is always empty; the path after the
        // third slash is relative, and a fourth slash makes it absolute.
        guard rest.hasPrefix("/") else {
            if rest.isEmpty { throw inMemory() }
            throw BundleError.misconfigured(variable: "DATABASE_URL",
                "has a host in a sqlite URL; write sqlite:///relative/path.db or sqlite:////absolute/path.db")
        }
        let path = rest.dropFirst()
        if path.isEmpty || path == ":memory:" { throw inMemory() }
        return String(path)
    }

    private static func inMemory() -> BundleError {
        BundleError.misconfigured(variable: "DATABASE_URL",
            "names an in-memory database; every function runs in its own process, so nothing would be kept: use a file such as var/bundle.sqlite")
    }

    /// SQLAlchemy passes URL parameters to the driver; the one FastAPI examples carry is
    /// meaningless here (one connection per process). Others would change how the file is opened,
    /// so they are refused rather than ignored.
    private static func checkParameters(_ query: Substring) throws {
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard name.lowercased() == "check_same_thread" else {
                throw BundleError.misconfigured(variable: "DATABASE_URL",
                    "has the parameter \"\(name)\", which this bundle does not support; remove it (check_same_thread is the only one accepted)")
            }
        }
    }

    /// Opens the database the configuration names and applies the migrations it lacks (the
    /// bundle's list, `Catalog.migrations`, handed down by the launcher).
    package static func open(_ config: Config, migrations: [Migration]) throws -> any Database {
        if let url = config["DATABASE_URL"], PostgresTarget.names(url) {
            let timeout = try config.int("DATABASE_LOCK_TIMEOUT_MS", default: 5000, in: 1...600_000)
            return try PostgresDatabase(target: PostgresTarget(url), lockTimeoutMilliseconds: timeout, migrations: migrations)
        }
        let path = try sqlitePath(from: config["DATABASE_URL"])
        let timeout = try config.int("SQLITE_BUSY_TIMEOUT_MS", default: 5000, in: 0...600_000)
        return try SQLiteDatabase(path: path, busyTimeoutMilliseconds: timeout, migrations: migrations)
    }
}
