import Core
import Gateway
import FoundationEssentials
import Jobs
import Processes
import Runtime

/// `GET /jobs/{id}`: a job's status, attempts, progress, and its result or error.
package struct GetJobHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-job",
        summary: "A job's status (queued, running, succeeded, failed, dead), attempts, progress, and result or error.",
        routes: [Route("GET", "/jobs/{id:int}")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Job.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Job {
        guard let job = try JobQueue(database: try context.database()).job(input.id) else {
            throw BundleError(.notFound, "no job with id \(input.id)")
        }
        return job
    }
}

/// `POST /jobs/{id}/retry`: runs a failed or dead job again (the console's retry button).
package struct RetryJobHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "retry-job",
        summary: "Queues a failed or dead job again, now, with a fresh set of attempts (409 when it is queued, running or succeeded).",
        routes: [Route("POST", "/jobs/{id:int}/retry")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Job.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Job {
        guard let job = try JobQueue(database: try context.database()).retry(input.id, now: context.clock.now()) else {
            throw BundleError(.notFound, "no job with id \(input.id)")
        }
        context.logger.info("job.retried", ["job": .number(Double(job.id)), "function": .string(job.function)])
        return job
    }
}

/// `GET /jobs`: newest first, filtered by status and function, paged with `before`.
package struct ListJobsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var status: String?
        var function: String?
        var limit: Int?
        var before: Int?
    }

    package struct Output: Codable, Sendable {
        var jobs: [Job]
        var counts: [String: Int]
        var nextBefore: Int?

        enum CodingKeys: String, CodingKey {
            case jobs, counts
            case nextBefore = "next_before"
        }
    }

    package static let manifest = FunctionManifest(
        name: "list-jobs",
        summary: "Lists jobs, newest first, by status and function; `before` pages on from `next_before`.",
        routes: [Route("GET", "/jobs")],
        input: Schema.object([
            "status": Schema.string(enum: Job.Status.allCases.map(\.rawValue)),
            "function": Schema.string(),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 500),
            "before": Schema.integer("Only jobs with a smaller id", minimum: 1),
        ], required: []),
        output: Schema.object([
            "jobs": Schema.array(Job.schema),
            "counts": Schema.map(Schema.integer(), "Jobs per status, over the whole queue"),
            "next_before": Schema.nullable(Schema.integer()),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        var problems: [ErrorDetail] = []
        let status = input.status.flatMap { Job.Status(rawValue: $0) }
        if let text = input.status, status == nil {
            problems.append(ErrorDetail(field: "status", problem: "must be one of \(Job.Status.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text.prefix(40))\""))
        }
        let limit = input.limit ?? 50
        if !(1...500).contains(limit) { problems.append(ErrorDetail(field: "limit", problem: "must be 1 to 500")) }
        if !problems.isEmpty { throw BundleError.validation(problems) }
        let queue = JobQueue(database: try context.database())
        let jobs = try queue.list(status: status, function: input.function, before: input.before, limit: limit)
        return Output(jobs: jobs, counts: try queue.counts(), nextBefore: jobs.count == limit ? jobs.last?.id : nil)
    }
}

/// `work` (cron, every minute; not routed): runs due jobs within `WORK_BUDGET_S`, up to
/// `WORK_CONCURRENCY` at once.
package struct WorkHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "work",
        summary: "Runs due jobs (claimed with a lease, retried by exit code with backoff) within WORK_BUDGET_S, WORK_CONCURRENCY at once.",
        input: Schema.object([:], required: []),
        output: Schema.object([
            "worker": Schema.string(),
            "claimed": Schema.integer(minimum: 0),
            "succeeded": Schema.integer(minimum: 0),
            "failed": Schema.integer(minimum: 0),
            "retried": Schema.integer(minimum: 0),
            "dead": Schema.integer(minimum: 0),
            "reclaimed": Schema.integer("Jobs taken over from a worker that stopped", minimum: 0),
            "lost": Schema.integer("Jobs whose lease another worker took over", minimum: 0),
            "elapsed_ms": Schema.integer(minimum: 0),
            "stopped_because": Schema.string(enum: ["drained", "budget"]),
        ]),
        schedule: "* * * * *",
        // The budget plus the longest job it may start near the end, with room to record it.
        timeoutSeconds: 900
    )

    package init() {}

    package func handle(_ input: NoInput, context: FunctionContext) async throws -> Worker.Summary {
        let config = context.config
        var environment = ProcessEnvironment.current()
        for name in ["JOB_ID", "REQUEST_ID", "FUNCTION_TIMEOUT_S"] { environment[name] = nil }
        // A job reads its input on stdin: a CGI variable inherited from whatever started the
        // worker would make the child take itself for a CGI program.
        for name in environment.keys where CGIExchange.isCGIVariable(name) { environment[name] = nil }
        let settings = Worker.Settings(
            budgetSeconds: try config.double("WORK_BUDGET_S", default: 50, in: 0.1...3_600),
            concurrency: try config.int("WORK_CONCURRENCY", default: 2, in: 1...64),
            executable: OwnExecutable.spawnPath,
            environment: environment)
        let worker = Worker(queue: JobQueue(database: try context.database()), settings: settings,
                            retry: try RetryPolicy(config: config), clock: context.clock, logger: context.logger)
        return try worker.run()
    }
}
