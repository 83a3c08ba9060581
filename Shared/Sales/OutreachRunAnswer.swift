import Core
import Workflows

/// An outreach run as the routes show it: its status, every step as recorded, and where and why
/// it failed, so a failed draft is visible next to the drafts that succeeded.
package struct OutreachRunAnswer: Codable, Sendable, Equatable {
    package var runID: Int
    package var prospectID: Int?
    package var eventID: Int?
    package var status: String
    package var jobID: Int?
    package var resumedFromRunID: Int?
    package var steps: [WorkflowStepRecord]
    package var llmCalls: Int
    package var failedStep: String?
    package var error: JSONValue?
    package var createdAt: String
    package var finishedAt: String?

    enum CodingKeys: String, CodingKey {
        case status, steps, error
        case runID = "run_id"
        case prospectID = "prospect_id"
        case eventID = "event_id"
        case jobID = "job_id"
        case resumedFromRunID = "resumed_from_run_id"
        case llmCalls = "llm_calls"
        case failedStep = "failed_step"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }

    package init(_ run: WorkflowRun) {
        runID = run.id
        prospectID = run.input["prospect_id"]?.intValue
        eventID = run.input["event_id"]?.intValue
        status = run.status.rawValue
        jobID = run.jobID
        resumedFromRunID = run.resumedFromRunID
        steps = run.steps
        llmCalls = run.steps.reduce(0) { $0 + $1.llmCalls }
        failedStep = run.failedStep
        error = run.error
        createdAt = run.createdAt
        finishedAt = run.finishedAt
    }

    package static let schema: JSONValue = Schema.object([
        "run_id": Schema.integer(minimum: 1), "prospect_id": Schema.nullable(Schema.integer(minimum: 1)),
        "event_id": Schema.nullable(Schema.integer(minimum: 1)),
        "status": Schema.string(enum: WorkflowRun.Status.allCases.map(\.rawValue)),
        "job_id": Schema.nullable(Schema.integer("The run-outreach job (GET /jobs/{id})", minimum: 1)),
        "resumed_from_run_id": Schema.nullable(Schema.integer("The failed run whose finished steps this run reused", minimum: 1)),
        "steps": WorkflowRun.stepsSchema, "llm_calls": Schema.integer(minimum: 0),
        "failed_step": Schema.nullable(Schema.string()), "error": Schema.any,
        "created_at": Schema.string(format: "date-time"), "finished_at": Schema.nullable(Schema.string(format: "date-time")),
    ], required: ["run_id", "status", "steps", "created_at"], additionalProperties: true)
}
