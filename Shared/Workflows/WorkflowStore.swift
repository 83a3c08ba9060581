import Core
import FoundationEssentials
import Store

/// The workflow tables: runs created one per subject at a time (a constraint, not a check first),
/// claimed by compare-and-set under a lease, and their steps recorded as they start and finish.
package struct WorkflowStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// Creates a queued run of `workflow` for `subject`, or returns the queued or running one
    /// (`created` false). A new run resumes the subject's last run when that one failed with the
    /// same input: its succeeded steps are reused instead of paid for again.
    /// Row-level (`concurrentWrite`): the one active run per subject is a unique index, and a
    /// racing creator's insert yields to it (`ON CONFLICT DO NOTHING`) and reads the winner.
    package func createRun(workflow: String, subject: String, input: JSONValue, now: Date) throws -> (run: WorkflowRun, created: Bool) {
        try database.concurrentWrite { sql in
            let last = try sql.queryOne("""
                SELECT id, status, input FROM workflow_runs WHERE workflow = ? AND subject = ? ORDER BY id DESC LIMIT 1
                """, workflow, subject)
            var resumed: Int?
            if let last, try last.string("status") == WorkflowRun.Status.failed.rawValue, try last.json("input") == input {
                resumed = try last.int("id")
            }
            let inserted = try sql.queryOne("""
                INSERT INTO workflow_runs (workflow, subject, status, input, resumed_from_run_id, created_at, updated_at)
                VALUES (?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *
                """, workflow, subject, input, resumed, now, now)
            if let inserted { return (try WorkflowRun(row: inserted), true) }
            guard let active = try sql.queryOne("""
                SELECT * FROM workflow_runs WHERE workflow = ? AND subject = ? AND status IN ('queued', 'running') ORDER BY id DESC LIMIT 1
                """, workflow, subject) else {
                throw BundleError(.conflict, "another run of \(workflow) for \(subject) was just created; retry")
            }
            return (try WorkflowRun(row: active, steps: try Self.steps(of: try active.int("id"), sql)), false)
        }
    }

    /// Records the job that runs the run (the newest one, when a stuck run was queued again).
    package func attachJob(_ jobID: Int, toRun runID: Int, now: Date) throws {
        try database.write { sql in
            try sql.execute("UPDATE workflow_runs SET job_id = ?, updated_at = ? WHERE id = ? AND (job_id IS NULL OR job_id < ?)",
                            jobID, now, runID, jobID)
        }
    }

    /// Takes the run for `owner` until `until`: a queued run, a running one whose lease has
    /// expired (its worker died), or one `owner` itself held (a retry of the same job, whose
    /// earlier attempt ended without finishing the run). One compare-and-set on the run's row
    /// (`concurrentWrite`: no global lock), so two workers never both get it.
    package func claim(_ runID: Int, owner: String, until: Date, now: Date) throws -> WorkflowRun? {
        try database.concurrentWrite { sql in try Self.claim(runID, owner: owner, until: until, now: now, sql) }
    }

    /// `claim` with a lease of `leaseSeconds` from `now`; `now` nil reads the database's clock
    /// (workers on hosts whose clocks disagree agree on when a lease ends), a fixed time
    /// (`BUNDLE_NOW`, tests) is used as given, as the job queue does.
    package func claim(_ runID: Int, owner: String, leaseSeconds: Double, now fixedNow: Date?) throws -> WorkflowRun? {
        try database.concurrentWrite { sql in
            let now = try fixedNow ?? sql.databaseTime()
            return try Self.claim(runID, owner: owner, until: now.addingTimeInterval(leaseSeconds), now: now, sql)
        }
    }

    private static func claim(_ runID: Int, owner: String, until: Date, now: Date, _ sql: any SQLExecutor) throws -> WorkflowRun? {
        try sql.queryOne("""
            UPDATE workflow_runs SET status = 'running', lease_owner = ?, lease_until = ?, started_at = COALESCE(started_at, ?), updated_at = ?
            WHERE id = ? AND (status = 'queued'
                              OR (status = 'running' AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)))
            RETURNING *
            """, owner, until, now, now, runID, now, owner).map { try WorkflowRun(row: $0) }
    }

    /// Extends the lease by `leaseSeconds` from `now` while its owner still holds it; false when
    /// it was lost. One conditional update of the run's row; `now` nil means the database's clock
    /// (as `claim`).
    package func renew(_ runID: Int, owner: String, leaseSeconds: Double, now fixedNow: Date?) throws -> Bool {
        try database.concurrentWrite { sql in
            let now = try fixedNow ?? sql.databaseTime()
            return try sql.execute("""
                UPDATE workflow_runs SET lease_until = ?, updated_at = ? WHERE id = ? AND status = 'running' AND lease_owner = ?
                """, now.addingTimeInterval(leaseSeconds), now, runID, owner) == 1
        }
    }

    /// Copies a step of an earlier run into this one as `reused` (no attempt, no LLM call).
    func reuse(_ step: WorkflowStepRecord, from runID: Int, into run: Int, now: Date) throws {
        try database.write { sql in
            try sql.execute("""
                INSERT INTO workflow_steps (run_id, position, name, status, attempts, input_summary, output, llm_calls, reused_from_run_id,
                                            started_at, finished_at, duration_ms)
                VALUES (?, ?, ?, 'reused', 0, ?, ?, 0, ?, ?, ?, 0)
                ON CONFLICT (run_id, name) DO UPDATE SET status = 'reused', attempts = 0, input_summary = excluded.input_summary,
                    output = excluded.output, error = NULL, llm_calls = 0, reused_from_run_id = excluded.reused_from_run_id,
                    started_at = excluded.started_at, finished_at = excluded.finished_at, duration_ms = 0
                """, run, step.position, step.name, step.inputSummary, step.output, runID, now, now)
        }
    }

    func startStep(run: Int, position: Int, name: String, inputSummary: String, now: Date) throws {
        try database.write { sql in
            try sql.execute("""
                INSERT INTO workflow_steps (run_id, position, name, status, attempts, input_summary, started_at)
                VALUES (?, ?, ?, 'running', 0, ?, ?)
                ON CONFLICT (run_id, name) DO UPDATE SET status = 'running', attempts = 0, input_summary = excluded.input_summary,
                    output = NULL, error = NULL, llm_calls = 0, reused_from_run_id = NULL, started_at = excluded.started_at,
                    finished_at = NULL, duration_ms = NULL
                """, run, position, name, String(inputSummary.prefix(2000)), now)
        }
    }

    /// Records how a step ended: its output when it succeeded, only its error when it failed.
    /// Only while `owner` holds the run: a worker that lost it leaves the step to the new holder.
    func finishStep(run: Int, owner: String, name: String, succeeded: Bool, attempts: Int, output: JSONValue?, error: JSONValue?,
                    llmCalls: Int, durationMs: Int, now: Date) throws {
        try database.write { sql in
            try sql.execute("""
                UPDATE workflow_steps SET status = ?, attempts = ?, output = ?, error = ?, llm_calls = ?, finished_at = ?, duration_ms = ?
                WHERE run_id = ? AND name = ?
                  AND EXISTS (SELECT 1 FROM workflow_runs WHERE id = ? AND status = 'running' AND lease_owner = ?)
                """, succeeded ? "succeeded" : "failed", attempts, succeeded ? output : nil, succeeded ? nil : error, llmCalls, now,
                durationMs, run, name, run, owner)
        }
    }

    /// Ends a run held by `owner`; false when the lease was lost meanwhile (another worker has it).
    /// `then` runs in the same transaction once the run is marked ended, so what a success
    /// changes elsewhere is stored with it or not at all (its error rolls both back).
    func finishRun(_ runID: Int, owner: String, succeeded: Bool, result: JSONValue?, failedStep: String?, error: JSONValue?,
                   now: Date, then: ((any SQLExecutor) throws -> Void)? = nil) throws -> Bool {
        try database.write { sql in
            let ended = try sql.execute("""
                UPDATE workflow_runs SET status = ?, result = ?, failed_step = ?, error = ?, finished_at = ?, updated_at = ?,
                    lease_owner = NULL, lease_until = NULL
                WHERE id = ? AND status = 'running' AND lease_owner = ?
                """, succeeded ? "succeeded" : "failed", result, failedStep, error, now, now, runID, owner) == 1
            if ended { try then?(sql) }
            return ended
        }
    }

    /// How many runs of `workflow` the subject has (the total behind `runs`' pages).
    package func count(workflow: String, subject: String) throws -> Int {
        try database.read { sql in
            try sql.queryOne("SELECT COUNT(*) AS runs FROM workflow_runs WHERE workflow = ? AND subject = ?", workflow, subject)?.int("runs") ?? 0
        }
    }

    package func run(_ id: Int) throws -> WorkflowRun? {
        try database.read { sql in
            try sql.queryOne("SELECT * FROM workflow_runs WHERE id = ?", id).map { try WorkflowRun(row: $0, steps: try Self.steps(of: id, sql)) }
        }
    }

    /// The subject's runs, newest first, each with its steps.
    package func runs(workflow: String, subject: String, limit: Int = 50, offset: Int = 0) throws -> [WorkflowRun] {
        try database.read { sql in
            try sql.query("""
                SELECT * FROM workflow_runs WHERE workflow = ? AND subject = ? ORDER BY id DESC LIMIT ? OFFSET ?
                """, workflow, subject, limit, offset).map { try WorkflowRun(row: $0, steps: try Self.steps(of: try $0.int("id"), sql)) }
        }
    }

    /// The subject's newest succeeded run, or its newest run when none succeeded.
    package func latest(workflow: String, subject: String) throws -> WorkflowRun? {
        try database.read { sql in
            let row = try sql.queryOne("""
                SELECT * FROM workflow_runs WHERE workflow = ? AND subject = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1
                """, workflow, subject) ?? sql.queryOne("""
                SELECT * FROM workflow_runs WHERE workflow = ? AND subject = ? ORDER BY id DESC LIMIT 1
                """, workflow, subject)
            return try row.map { try WorkflowRun(row: $0, steps: try Self.steps(of: try $0.int("id"), sql)) }
        }
    }

    static func steps(of runID: Int, _ sql: any SQLExecutor) throws -> [WorkflowStepRecord] {
        try sql.query("SELECT * FROM workflow_steps WHERE run_id = ? ORDER BY position, id", runID).map(WorkflowStepRecord.init(row:))
    }
}
