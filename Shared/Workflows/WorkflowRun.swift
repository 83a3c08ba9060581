import Core
import Store

/// One recorded run of a workflow for one subject ("prospect:42"), with its steps in order: what
/// the research routes show and what a new run of the same subject resumes from.
package struct WorkflowRun: Codable, Sendable, Equatable {
    package enum Status: String, Codable, Sendable, CaseIterable {
        case queued, running, succeeded, failed
    }

    package var id: Int
    package var workflow: String
    package var subject: String
    package var status: Status
    package var input: JSONValue
    /// The last step's output, when the run succeeded.
    package var result: JSONValue?
    package var failedStep: String?
    /// `{code, message}` of the failure, when the run failed.
    package var error: JSONValue?
    package var resumedFromRunID: Int?
    package var jobID: Int?
    /// Until when the worker running it holds it (a run past this with status running lost its worker).
    package var leaseUntil: String?
    package var createdAt: String
    package var updatedAt: String
    package var startedAt: String?
    package var finishedAt: String?
    package var steps: [WorkflowStepRecord]

    enum CodingKeys: String, CodingKey {
        case id, workflow, subject, status, input, result, error, steps
        case failedStep = "failed_step"
        case resumedFromRunID = "resumed_from_run_id"
        case jobID = "job_id"
        case leaseUntil = "lease_until"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    init(row: Row, steps: [WorkflowStepRecord] = []) throws {
        id = try row.int("id")
        workflow = try row.string("workflow")
        subject = try row.string("subject")
        guard let status = Status(rawValue: try row.string("status")) else {
            throw BundleError(.internal, "stored workflow run \(id) has an unknown status")
        }
        self.status = status
        input = try row.json("input")
        result = try row.optionalJSON("result")
        failedStep = row.optionalString("failed_step")
        error = try row.optionalJSON("error")
        resumedFromRunID = row.optionalInt("resumed_from_run_id")
        jobID = row.optionalInt("job_id")
        leaseUntil = row.optionalString("lease_until")
        createdAt = try row.string("created_at")
        updatedAt = try row.string("updated_at")
        startedAt = row.optionalString("started_at")
        finishedAt = row.optionalString("finished_at")
        self.steps = steps
    }

    package var isActive: Bool { status == .queued || status == .running }

    /// The JSON Schema of a run's steps, for manifests of functions that show them.
    package static let stepsSchema: JSONValue = Schema.array(WorkflowStepRecord.schema)
}

/// One step of a run as recorded: `reused` when its output was taken from the failed run this
/// run resumes (never paid twice); a failed step keeps its error and no output.
package struct WorkflowStepRecord: Codable, Sendable, Equatable {
    package enum Status: String, Codable, Sendable, CaseIterable {
        case running, succeeded, failed, reused
    }

    package var name: String
    package var position: Int
    package var status: Status
    package var attempts: Int
    package var inputSummary: String?
    package var output: JSONValue?
    package var error: JSONValue?
    package var llmCalls: Int
    package var reusedFromRunID: Int?
    package var startedAt: String?
    package var finishedAt: String?
    package var durationMs: Int?

    enum CodingKeys: String, CodingKey {
        case name, position, status, attempts, output, error
        case inputSummary = "input_summary"
        case llmCalls = "llm_calls"
        case reusedFromRunID = "reused_from_run_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationMs = "duration_ms"
    }

    init(row: Row) throws {
        name = try row.string("name")
        position = try row.int("position")
        guard let status = Status(rawValue: try row.string("status")) else {
            throw BundleError(.internal, "stored workflow step \(name) has an unknown status")
        }
        self.status = status
        attempts = try row.int("attempts")
        inputSummary = row.optionalString("input_summary")
        output = try row.optionalJSON("output")
        error = try row.optionalJSON("error")
        llmCalls = try row.int("llm_calls")
        reusedFromRunID = row.optionalInt("reused_from_run_id")
        startedAt = row.optionalString("started_at")
        finishedAt = row.optionalString("finished_at")
        durationMs = row.optionalInt("duration_ms")
    }

    package static let schema: JSONValue = Schema.object([
        "name": Schema.string(),
        "position": Schema.integer(minimum: 0),
        "status": Schema.string(enum: Status.allCases.map(\.rawValue)),
        "attempts": Schema.integer("Attempts made; 0 for a reused step", minimum: 0),
        "input_summary": Schema.nullable(Schema.string()),
        "output": Schema.any,
        "error": Schema.any,
        "llm_calls": Schema.integer("LLM calls made by this step (repairs included)", minimum: 0),
        "reused_from_run_id": Schema.nullable(Schema.integer("The failed run whose output this step reused", minimum: 1)),
        "started_at": Schema.nullable(Schema.string(format: "date-time")),
        "finished_at": Schema.nullable(Schema.string(format: "date-time")),
        "duration_ms": Schema.nullable(Schema.integer(minimum: 0)),
    ], required: ["name", "position", "status", "attempts", "llm_calls"])
}
