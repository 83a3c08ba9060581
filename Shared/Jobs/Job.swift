import Core
import FoundationEssentials
import Store

/// One durable job: a function name and its JSON input, run by the worker exactly as cron would
/// run the binary. What `GET /jobs/{id}` shows.
package struct Job: Codable, Sendable, Equatable {
    package enum Status: String, Codable, Sendable, CaseIterable {
        case queued, running, succeeded, failed, dead
    }

    package var id: Int
    package var function: String
    package var status: Status
    package var input: JSONValue
    package var attempts: Int
    package var maxAttempts: Int
    package var progress: Int
    package var progressMessage: String?
    package var result: JSONValue?
    package var error: JSONValue?
    package var exitCode: Int?
    package var durationMs: Int?
    package var idempotencyKey: String?
    package var runAfter: String
    package var createdAt: String
    package var updatedAt: String
    package var startedAt: String?
    package var finishedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, function, status, input, attempts, progress, result, error
        case maxAttempts = "max_attempts"
        case progressMessage = "progress_message"
        case exitCode = "exit_code"
        case durationMs = "duration_ms"
        case idempotencyKey = "idempotency_key"
        case runAfter = "run_after"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    init(row: Row) throws {
        id = try row.int("id")
        function = try row.string("function")
        guard let status = Status(rawValue: try row.string("status")) else {
            throw BundleError(.internal, "stored job \(id) has an unknown status")
        }
        self.status = status
        input = try row.json("input")
        attempts = try row.int("attempts")
        maxAttempts = try row.int("max_attempts")
        progress = try row.int("progress")
        progressMessage = row.optionalString("progress_message")
        result = try row.optionalJSON("result")
        error = try row.optionalJSON("error")
        exitCode = row.optionalInt("exit_code")
        durationMs = row.optionalInt("duration_ms")
        idempotencyKey = row.optionalString("idempotency_key")
        runAfter = try row.string("run_after")
        createdAt = try row.string("created_at")
        updatedAt = try row.string("updated_at")
        startedAt = row.optionalString("started_at")
        finishedAt = row.optionalString("finished_at")
    }

    /// The JSON Schema of a job, for manifests.
    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1),
        "function": Schema.string(),
        "status": Schema.string(enum: Status.allCases.map(\.rawValue)),
        "input": Schema.any,
        "attempts": Schema.integer(minimum: 0),
        "max_attempts": Schema.integer(minimum: 1),
        "progress": Schema.integer("0 to 100", minimum: 0, maximum: 100),
        "progress_message": Schema.nullable(Schema.string()),
        "result": Schema.any,
        "error": Schema.any,
        "exit_code": Schema.nullable(Schema.integer()),
        "duration_ms": Schema.nullable(Schema.integer()),
        "idempotency_key": Schema.nullable(Schema.string()),
        "run_after": Schema.string(format: "date-time"),
        "created_at": Schema.string(format: "date-time"),
        "updated_at": Schema.string(format: "date-time"),
        "started_at": Schema.nullable(Schema.string(format: "date-time")),
        "finished_at": Schema.nullable(Schema.string(format: "date-time")),
    ], required: ["id", "function", "status", "attempts", "max_attempts", "progress", "run_after", "created_at", "updated_at"])
}
