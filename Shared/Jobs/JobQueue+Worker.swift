import Core
import FoundationEssentials
import Store

/// The worker's side of the queue: claiming with a lease, recording outcomes, retrying.
extension JobQueue {
    /// A job handed to one worker until its lease expires.
    package struct Claim: Sendable {
        package var job: Job
        package var timeoutSeconds: Double
        package var leaseExpiresAt: Date
        /// The job's previous worker stopped without finishing it (its lease ran out).
        package var reclaimed: Bool
    }

    /// Seconds a lease lasts beyond the job's own timeout.
    package static let leaseGrace = 15.0

    /// Claims the next due job: queued and past `run_after`, or running under an expired lease
    /// (its worker died). A reclaimed job on its last attempt is marked dead instead. Only jobs
    /// whose timeout fits `maxTimeout` are taken, so a worker near the end of its budget leaves
    /// long jobs to the next run.
    ///
    /// Leases held by a worker on this host whose process is gone are ended first (`holder` is
    /// the claiming worker; `isRunning` asks whether a process id runs here), unless
    /// `releasingDeadHolders` is false: a worker does that on its first claim of a run only, as
    /// no holder it could see dies while it runs but through a crash the next run sees.
    ///
    /// `now` nil reads the database's clock, so workers on hosts whose clocks disagree agree on
    /// when a lease ends; a fixed time (`BUNDLE_NOW`, tests) is used as given. Row-level: the job
    /// is selected `FOR UPDATE SKIP LOCKED` (PostgreSQL), so concurrent claimers each take a
    /// different row without waiting; leases that ran out are taken before queued jobs.
    package func claim(worker: String, holder: LeaseHolder = .current, now fixedNow: Date?, maxTimeout: Double,
                       releasingDeadHolders: Bool = true, isRunning: (Int) -> Bool = LeaseHolder.isRunning(pid:)) throws -> Claim? {
        try database.concurrentWrite { sql in
            let now = try fixedNow ?? sql.databaseTime()
            // Idempotent: two workers ending the same dead holder's leases write the same thing.
            let holders = releasingDeadHolders ? try sql.query("""
                SELECT DISTINCT lease_pid FROM jobs WHERE status = 'running' AND lease_host = ? AND lease_expires_at > ?
                """, holder.host, now) : []
            for row in holders {
                guard let pid = row.optionalInt("lease_pid"), pid != holder.pid, !isRunning(pid) else { continue }
                try sql.execute("""
                    UPDATE jobs SET lease_expires_at = ?
                    WHERE status = 'running' AND lease_host = ? AND lease_pid = ? AND lease_expires_at > ?
                    """, now, holder.host, pid, now)
            }
            while true {
                // Two statements, each served by its partial index in order (one with OR would
                // sort every due job on each claim).
                let expired = try sql.queryOne("""
                    SELECT * FROM jobs WHERE status = 'running' AND lease_expires_at <= ? AND timeout_s <= ?
                    ORDER BY lease_expires_at, id LIMIT 1
                    """ + sql.forUpdateSkipLocked, now, maxTimeout)
                let queued = try expired == nil ? sql.queryOne("""
                    SELECT * FROM jobs WHERE status = 'queued' AND run_after <= ? AND timeout_s <= ?
                    ORDER BY run_after, id LIMIT 1
                    """ + sql.forUpdateSkipLocked, now, maxTimeout) : nil
                guard let candidate = expired ?? queued else { return nil }
                let job = try Job(row: candidate)
                let reclaimed = job.status == .running
                if reclaimed && job.attempts >= job.maxAttempts {
                    let error = BundleError(.internal, "the worker running attempt \(job.attempts) stopped without finishing it (its lease expired)")
                    try sql.execute("""
                        UPDATE jobs SET status = 'dead', error = ?, lease_owner = NULL, lease_expires_at = NULL,
                                        lease_host = NULL, lease_pid = NULL, finished_at = ?, updated_at = ? WHERE id = ?
                        """, error.document["error"] ?? .null, now, now, job.id)
                    continue
                }
                let timeout = try candidate.double("timeout_s")
                let lease = now.addingTimeInterval(timeout + Self.leaseGrace)
                // The row is this transaction's (locked above), so the update cannot miss it.
                let row = try sql.queryOne("""
                    UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?,
                                    lease_host = ?, lease_pid = ?, started_at = ?, updated_at = ?, progress = 0,
                                    progress_message = NULL
                    WHERE id = ? RETURNING *
                    """, worker, lease, holder.host, holder.pid, now, now, job.id)
                guard let row else { return nil }
                return Claim(job: try Job(row: row), timeoutSeconds: timeout, leaseExpiresAt: lease, reclaimed: reclaimed)
            }
        }
    }

    /// How one run ended, as the worker saw it.
    package struct Outcome: Sendable {
        package var exitCode: Int32
        /// The function's stdout document (its result, or its `{"error": …}`), if it left one.
        package var document: JSONValue?
        package var duration: Duration

        package init(exitCode: Int32, document: JSONValue?, duration: Duration) {
            self.exitCode = exitCode
            self.document = document
            self.duration = duration
        }
    }

    /// Records a run. Success stores the result; a failure a retry can help (exit 69, 70, 75, or a
    /// crash) is queued again after a backoff while attempts remain, then `dead`; any other failure
    /// is `failed` at once. Returns the new status, or nil when this worker no longer holds the
    /// lease (another worker reclaimed the job), in which case nothing is written.
    @discardableResult
    package func finish(_ claim: Claim, worker: String, outcome: Outcome, retry: RetryPolicy, now: Date) throws -> Job.Status? {
        let job = claim.job
        let milliseconds = Int(outcome.duration.milliseconds)
        // One conditional update of this worker's own row: no read to rely on.
        return try database.concurrentWrite { sql in
            let status: Job.Status
            var runAfter: Date?
            var error: JSONValue = .null
            var result: JSONValue = .null
            if outcome.exitCode == 0, let document = outcome.document, document["error"] == nil {
                status = .succeeded
                result = document
            } else {
                error = outcome.document?["error"] ?? BundleError(.internal, Self.describe(exitCode: outcome.exitCode)).document["error"]!
                if !retry.isRetryable(exitCode: outcome.exitCode) {
                    status = .failed
                } else if job.attempts < job.maxAttempts {
                    status = .queued
                    runAfter = now.addingTimeInterval(retry.delay(afterAttempt: job.attempts))
                } else {
                    status = .dead
                }
            }
            let changed = try sql.execute("""
                UPDATE jobs SET status = ?, result = ?, error = ?, exit_code = ?, duration_ms = ?, lease_owner = NULL,
                                lease_expires_at = NULL, lease_host = NULL, lease_pid = NULL, run_after = COALESCE(?, run_after), updated_at = ?,
                                finished_at = CASE WHEN ? = 'queued' THEN NULL ELSE ? END,
                                progress = CASE WHEN ? = 'succeeded' THEN 100 ELSE progress END
                WHERE id = ? AND lease_owner = ? AND status = 'running'
                """, status.rawValue, result, error, Int(outcome.exitCode), milliseconds, runAfter, now, status.rawValue, now,
                     status.rawValue, job.id, worker)
            return changed == 1 ? status : nil
        }
    }

    static func describe(exitCode: Int32) -> String {
        switch exitCode {
        case 0: "the function exited without a JSON result"
        case 129...: "the function was killed by signal \(exitCode - 128) and left no answer"
        default: "the function exited with code \(exitCode) and left no JSON error"
        }
    }
}

/// When a failed job runs again: by exit code (DESIGN.md's table: 69, 70, 75 and crashes may
/// succeed on a retry; 64, 65, 66, 77, 78 cannot), after an exponential backoff with jitter.
package struct RetryPolicy: Sendable {
    package var baseSeconds: Double
    package var maxSeconds: Double
    package var jitter: @Sendable () -> Double

    package init(baseSeconds: Double = 10, maxSeconds: Double = 3_600, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1.0) }) {
        self.baseSeconds = baseSeconds
        self.maxSeconds = maxSeconds
        self.jitter = jitter
    }

    package init(config: Config) throws {
        self.init(baseSeconds: try config.double("JOB_RETRY_BASE_S", default: 10, in: 0...86_400),
                  maxSeconds: try config.double("JOB_RETRY_MAX_S", default: 3_600, in: 0...604_800))
    }

    package func isRetryable(exitCode: Int32) -> Bool {
        switch exitCode {
        case 0: true  // exited 0 without a result: garbled output
        case 64, 65, 66, 77, 78: false
        case 69, 70, 75: true
        case 128...: true  // a crash or a kill
        default: true
        }
    }

    /// Full jitter over an exponential curve: base × 2^(attempt−1), capped, times a factor in 0.5…1.
    package func delay(afterAttempt attempt: Int) -> Double {
        let exponential = baseSeconds * Double(1 << min(30, max(0, attempt - 1)))
        return min(maxSeconds, exponential) * jitter()
    }
}
