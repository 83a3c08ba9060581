import Core
import FoundationEssentials
import Store

/// The durable job queue in the shared database. Every state change is one transaction that
/// relies on row locks and constraints, not on being the only writer (`concurrentWrite`): workers
/// on several hosts claim side by side and never get the same job, and a worker that dies mid-job
/// leaves a lease that expires (by the database's clock) and lets the job run again.
package struct JobQueue: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// What a caller asks to run.
    package struct Request: Sendable {
        package var function: String
        package var input: JSONValue
        package var idempotencyKey: String?
        package var runAfter: Date?
        package var maxAttempts: Int
        package var timeoutSeconds: Double
        package var principal: String?
        package var requestID: String?

        package init(function: String, input: JSONValue, idempotencyKey: String? = nil, runAfter: Date? = nil, maxAttempts: Int = 3,
                     timeoutSeconds: Double, principal: String? = nil, requestID: String? = nil) {
            self.function = function
            self.input = input
            self.idempotencyKey = idempotencyKey
            self.runAfter = runAfter
            self.maxAttempts = maxAttempts
            self.timeoutSeconds = timeoutSeconds
            self.principal = principal
            self.requestID = requestID
        }
    }

    /// Queues a job. With an idempotency key already used for the same function and input, returns
    /// that job (`created` false); the same key for another function or input is a conflict.
    /// Row-level: a stored key is read first (a retry consumes no id), and the insert yields to a
    /// key stored since (`ON CONFLICT DO NOTHING`, then the read again), so the same key sent to
    /// two hosts at once makes one job and both callers get it.
    package func enqueue(_ request: Request, now: Date) throws -> (job: Job, created: Bool) {
        try database.concurrentWrite { sql in
            func stored(_ key: String) throws -> (job: Job, created: Bool)? {
                guard let row = try sql.queryOne("SELECT * FROM jobs WHERE idempotency_key = ?", key) else { return nil }
                let existing = try Job(row: row)
                guard existing.function == request.function, existing.input == request.input else {
                    throw BundleError(.conflict, "idempotency_key \"\(key)\" was used for job \(existing.id) with another function or input",
                                      details: [ErrorDetail(field: "idempotency_key", problem: "already used for job \(existing.id)")])
                }
                return (existing, false)
            }
            if let key = request.idempotencyKey, let existing = try stored(key) { return existing }
            if let row = try sql.queryOne("""
                INSERT INTO jobs (function, input, status, idempotency_key, max_attempts, timeout_s, run_after, principal,
                                  request_id, created_at, updated_at)
                VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING *
                """, request.function, request.input, request.idempotencyKey, request.maxAttempts, request.timeoutSeconds,
                     request.runAfter ?? now, request.principal, request.requestID, now, now) {
                return (try Job(row: row), true)
            }
            guard let key = request.idempotencyKey, let existing = try stored(key) else {
                throw BundleError(.internal, "the job was not stored")
            }
            return existing
        }
    }

    /// A queued or running job of `function` with exactly this input, if there is one.
    package func activeJob(function: String, input: JSONValue) throws -> Job? {
        try database.read { sql in
            try sql.queryOne("""
                SELECT * FROM jobs WHERE function = ? AND input = ? AND status IN ('queued', 'running') ORDER BY id LIMIT 1
                """, function, input).map(Job.init(row:))
        }
    }

    package func job(_ id: Int) throws -> Job? {
        try database.read { sql in try sql.queryOne("SELECT * FROM jobs WHERE id = ?", id).map(Job.init(row:)) }
    }

    /// Queues a failed or dead job again, now, with a fresh set of attempts (its input and
    /// idempotency key kept, its last error, result and progress cleared). One conditional update:
    /// a job another caller retried at the same moment is already queued, so one of them gets it.
    /// nil when there is no such job; a conflict when it is queued, running or has succeeded.
    package func retry(_ id: Int, now: Date) throws -> Job? {
        try database.concurrentWrite { sql in
            if let row = try sql.queryOne("""
                UPDATE jobs SET status = 'queued', attempts = 0, error = NULL, result = NULL, exit_code = NULL, duration_ms = NULL,
                                progress = 0, progress_message = NULL, run_after = ?, started_at = NULL, finished_at = NULL, updated_at = ?
                WHERE id = ? AND status IN ('failed', 'dead') RETURNING *
                """, now, now, id) {
                return try Job(row: row)
            }
            guard let row = try sql.queryOne("SELECT status FROM jobs WHERE id = ?", id) else { return nil }
            let status = try row.string("status")
            throw BundleError(.conflict, "job \(id) is \(status): only a failed or dead job can be retried",
                              details: [ErrorDetail(field: "id", problem: "job is \(status)")])
        }
    }

    /// Newest first, optionally by status and function; `before` pages on from an id.
    package func list(status: Job.Status?, function: String?, before: Int?, limit: Int) throws -> [Job] {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let status { conditions.append("status = ?"); arguments.append(status.rawValue) }
        if let function { conditions.append("function = ?"); arguments.append(function) }
        if let before { conditions.append("id < ?"); arguments.append(before) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        arguments.append(limit)
        return try database.read { sql in
            try sql.query("SELECT * FROM jobs \(filter) ORDER BY id DESC LIMIT ?", arguments).map(Job.init(row:))
        }
    }

    /// Counts per status, for the worker's summary and `list-jobs`.
    package func counts() throws -> [String: Int] {
        try database.read { sql in
            var counts: [String: Int] = [:]
            for row in try sql.query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status") {
                counts[try row.string("status")] = try row.int("n")
            }
            return counts
        }
    }

    /// Sets a running job's progress (0–100) and message; a job that is not running is left alone.
    package func reportProgress(job id: Int, percent: Int, message: String?, now: Date) throws {
        try database.write { sql in
            try sql.execute("UPDATE jobs SET progress = ?, progress_message = ?, updated_at = ? WHERE id = ? AND status = 'running'",
                            min(100, max(0, percent)), message, now, id)
        }
    }
}
