import Core
import FoundationEssentials
import Jobs
import Platform
import Runtime

/// `POST /jobs`: queues a function to run in the background with the given input. The input is
/// checked now as the function's own runtime will check it (`InputContract`), so a mistake is a
/// 422 here rather than a dead job later. The same `idempotency_key` with the same function and input returns the same job.
package struct EnqueueHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var function: String
        var input: JSONValue?
        var idempotencyKey: String?
        var runAfter: String?
        var maxAttempts: Int?

        enum CodingKeys: String, CodingKey {
            case function, input
            case idempotencyKey = "idempotency_key"
            case runAfter = "run_after"
            case maxAttempts = "max_attempts"
        }
    }

    package static let manifest = FunctionManifest(
        name: "enqueue",
        summary: "Queues a function to run in the background; poll GET /jobs/{id} for status, progress and result.",
        routes: [Route("POST", "/jobs")],
        successStatus: 202,
        input: Schema.object([
            "function": Schema.string("The function to run (a name from GET /openapi.json's operation ids)"),
            "input": Schema.map(Schema.any, "Its input object (default {})"),
            "idempotency_key": Schema.string("Repeating a request with the same key returns the same job", minLength: 1, maxLength: 200),
            "run_after": Schema.string("Not before this time (ISO-8601); default now", format: "date-time"),
            "max_attempts": Schema.integer("Runs before the job is dead (default 3)", minimum: 1, maximum: 20),
        ], required: ["function"]),
        output: Job.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        var problems: [ErrorDetail] = []
        let target = Catalog.manifest(named: input.function)
        if let target {
            if target.name == WorkHandler.manifest.name || Catalog.isLocalOnly(target) {
                problems.append(ErrorDetail(field: "function", problem: "\(target.name) cannot run as a job"))
            }
        } else {
            problems.append(ErrorDetail(field: "function", problem: "no function named \"\(input.function.prefix(80))\""))
        }
        var jobInput = input.input ?? [:]
        if case .object(var fields) = jobInput {
            fields["_http"] = nil
            jobInput = .object(fields)
        } else {
            problems.append(ErrorDetail(field: "input", problem: "must be a JSON object"))
        }
        if let target, problems.isEmpty {
            var checked = jobInput
            problems += InputContract.check(&checked, schema: target.inputSchema, at: "input")
        }
        var runAfter: Date?
        if let text = input.runAfter {
            runAfter = Timestamp.parse(text)
            if runAfter == nil { problems.append(ErrorDetail(field: "run_after", problem: "must be an ISO-8601 time, got \"\(text.prefix(40))\"")) }
        }
        let maxAttempts = input.maxAttempts ?? 3
        if !(1...20).contains(maxAttempts) { problems.append(ErrorDetail(field: "max_attempts", problem: "must be 1 to 20")) }
        if let key = input.idempotencyKey, key.isEmpty || key.count > 200 {
            problems.append(ErrorDetail(field: "idempotency_key", problem: "must be 1 to 200 characters"))
        }
        if !problems.isEmpty { throw BundleError.validation(problems) }

        let queue = JobQueue(database: try context.database())
        let (job, created) = try queue.enqueue(
            .init(function: input.function, input: jobInput, idempotencyKey: input.idempotencyKey, runAfter: runAfter,
                  maxAttempts: maxAttempts, timeoutSeconds: target!.timeoutSeconds, principal: context.principal,
                  requestID: context.requestID),
            now: context.clock.now())
        context.logger.info(created ? "job.queued" : "job.replayed", ["job": .number(Double(job.id)), "function": .string(job.function)])
        guard case .object(var fields) = try JSONValue(encoding: job) else { return try JSONValue(encoding: job) }
        var headers: [String: JSONValue] = ["Location": .string("/jobs/\(job.id)")]
        if !created { headers["Idempotent-Replayed"] = "true" }
        fields["_http"] = ["headers": .object(headers)]
        return .object(fields)
    }
}
