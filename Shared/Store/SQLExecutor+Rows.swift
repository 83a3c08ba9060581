import Core
import FoundationEssentials

/// What differs between the backends for row-level concurrency, said once.
extension SQLExecutor {
    /// ` FOR UPDATE SKIP LOCKED` on PostgreSQL (a claim takes the first row no other transaction
    /// holds), nothing on SQLite (one writer at a time: there is nothing to skip, and SQLite has no
    /// such clause). Appended to a `SELECT … LIMIT n` inside `concurrentWrite`.
    package var forUpdateSkipLocked: String { dialect == .postgresql ? " FOR UPDATE SKIP LOCKED" : "" }

    /// `forUpdateSkipLocked` for a join: only the rows of `table` (an alias) are locked and
    /// skipped, so a claimer never skips a row because another holds a row it merely joins.
    package func forUpdateSkipLocked(of table: String) -> String {
        dialect == .postgresql ? " FOR UPDATE OF \(table) SKIP LOCKED" : ""
    }

    /// ` FOR UPDATE` on PostgreSQL (the rows read are this transaction's until it ends: a
    /// concurrent writer of them waits, and a value read from them stays true), nothing on SQLite
    /// (its single writer already holds everything).
    package var forUpdate: String { dialect == .postgresql ? " FOR UPDATE" : "" }

    /// Holds `key` until the transaction ends, for two paths that must not interleave on one key
    /// while no row exists yet to lock (a delivery callback that comes before the send's record):
    /// on PostgreSQL a transaction-scoped advisory lock on the key's hash in this schema
    /// (PgBouncer-safe), on SQLite nothing (its single writer holds everything). Take it before
    /// any row lock, in every path that takes it, so they cannot deadlock.
    package func lock(key: String) throws {
        guard dialect == .postgresql else { return }
        try execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || ?))", key)
    }

    /// The database's clock, for leases that workers on several hosts compare: on PostgreSQL the
    /// server's time (hosts' clocks may disagree), on SQLite this machine's (the only one).
    /// A PostgreSQL connection asks the server once a minute and adds the skew it measured to
    /// this machine's clock in between (a claim then costs no round trip for the time).
    package func databaseTime() throws -> Date {
        guard dialect == .postgresql else { return Date() }
        return try serverTime()
    }

    /// The PostgreSQL server's time now, asked over the connection.
    package func serverTime() throws -> Date {
        let row = try queryOne("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS now", [])
        guard let text = row?.optionalString("now"), let date = Timestamp.parse(text) else {
            throw BundleError(.internal, "the database did not tell its time")
        }
        return date
    }
}
