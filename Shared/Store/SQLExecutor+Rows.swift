import Core
import FoundationEssentials

/// What differs between the backends for row-level concurrency, said once.
extension SQLExecutor {
    /// ` FOR UPDATE SKIP LOCKED` on PostgreSQL (a claim takes the first row no other transaction
    /// holds), nothing on SQLite (one writer at a time: there is nothing to skip, and SQLite has no
    /// such clause). Appended to a `SELECT … LIMIT n` inside `concurrentWrite`.
    package var forUpdateSkipLocked: String { dialect == .postgresql ? " FOR UPDATE SKIP LOCKED" : "" }

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
