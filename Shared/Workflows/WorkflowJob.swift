import Core
import FoundationEssentials
import Jobs
import Runtime

/// The job kind that runs one workflow's runs (`run-research`, `run-outreach`, …: a function
/// whose input is `{"id": <run>}`), and the rules every such job follows: one idempotency key per
/// run and job, so repeated requests queue at most one; a run whose job ended without finishing it
/// (a worker died, the job gave up) gets a new job after the run's lease; a worker that finds the
/// run held elsewhere queues a follow-up for when that lease ends, so a run whose worker was killed
/// resumes without waiting for a new request.
package struct WorkflowJob: Sendable {
    /// The run handler's function name.
    package var function: String
    /// Names the idempotency keys: "research-run" gives "research-run-12", "research-run-12-after-job-7".
    package var keyPrefix: String
    package var timeoutSeconds: Double
    package var maxAttempts: Int

    package init(function: String, keyPrefix: String, timeoutSeconds: Double, maxAttempts: Int = 3) {
        self.function = function
        self.keyPrefix = keyPrefix
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
    }

    /// How long a worker holds a run without renewing (it renews before every step attempt)
    /// before another may take it over: longer than the job may run, so a live worker is never
    /// overtaken by a follow-up job.
    package var leaseSeconds: Double { timeoutSeconds + 60 }

    /// The schema of a run handler's answer: whether the call queued the job instead of running,
    /// whether it ran the run, the job, and the run's own answer under `runKey` (plus one `extra` field).
    package static func answerSchema(runKey: String, _ run: JSONValue, extra: (key: String, schema: JSONValue)? = nil) -> JSONValue {
        let queued = Schema.boolean("true when the call queued the job instead of running")
        let ran = Schema.boolean("false when another worker holds the run or it had already finished")
        let job = Schema.nullable(Schema.integer(minimum: 1))
        guard let extra else { return Schema.object(["queued": queued, "ran": ran, "job_id": job, runKey: run]) }
        return Schema.object(["queued": queued, "ran": ran, "job_id": job, runKey: run, extra.key: extra.schema])
    }

    /// Run `id` of `workflow`, or `not_found` saying which kind ("no research run with id 4").
    package static func run(_ id: Int, of workflow: String, called kind: String, store: WorkflowStore) throws -> WorkflowRun {
        guard let run = try store.run(id), run.workflow == workflow else { throw BundleError(.notFound, "no \(kind) run with id \(id)") }
        return run
    }

    /// Who holds a run's lease: the job ("job-12"), or the request when run outside the queue.
    package static func owner(_ context: FunctionContext) -> String {
        context.jobID.map { "job-\($0)" } ?? "request-\(context.requestID)"
    }

    /// The job that will run an active run: its own while that job is waiting or running; a new
    /// one (after the lease, if a worker holds it) when its job ended without finishing the run.
    package func ensureJob(for run: WorkflowRun, context: FunctionContext) throws -> Int {
        guard let current = run.jobID else { return try enqueue(runID: run.id, key: "\(keyPrefix)-\(run.id)", after: nil, context: context) }
        if let job = try JobQueue(database: try context.database()).job(current), job.status == .queued || job.status == .running {
            return current
        }
        return try enqueue(runID: run.id, key: "\(keyPrefix)-\(run.id)-after-job-\(current)", after: run.leaseUntil.flatMap(Timestamp.parse),
                           context: context)
    }

    /// After `execute` did not run an active run (another worker holds it): the follow-up job
    /// queued for when that worker's lease ends. Nil when there is nothing to follow up (the run
    /// finished, or this call is not a job).
    package func followUp(_ finished: WorkflowRun, ran: Bool, context: FunctionContext) throws -> Int? {
        guard !ran, finished.isActive, let jobID = context.jobID else { return nil }
        let job = try enqueue(runID: finished.id, key: "\(keyPrefix)-\(finished.id)-after-job-\(jobID)",
                              after: finished.leaseUntil.flatMap(Timestamp.parse), context: context)
        context.logger.info("workflow.held_elsewhere", ["run": .number(Double(finished.id)), "follow_up": .number(Double(job))])
        return job
    }

    package func enqueue(runID: Int, key: String, after: Date?, context: FunctionContext) throws -> Int {
        let database = try context.database()
        let now = context.clock.now()
        let (job, _) = try JobQueue(database: database).enqueue(.init(
            function: function, input: ["id": .number(Double(runID))], idempotencyKey: key, runAfter: after.map { max($0, now) },
            maxAttempts: maxAttempts, timeoutSeconds: timeoutSeconds, principal: context.principal, requestID: context.requestID), now: now)
        try WorkflowStore(database: database).attachJob(job.id, toRun: runID, now: now)
        return job.id
    }
}
