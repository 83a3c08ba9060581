import Core
import Workflows

/// An event match run as the API shows it: its settings, status, the failed step and why, how
/// many prospects ended in each status (once it succeeded) and its recorded steps.
package struct EventMatchAnswer: Codable, Sendable {
    package var runID: Int
    package var eventID: Int?
    package var status: String
    package var settings: EventMatchWorkflow.Settings?
    package var failedStep: String?
    package var error: JSONValue?
    package var counts: [String: Int]?
    package var resumedFromRunID: Int?
    package var jobID: Int?
    package var createdAt: String
    package var startedAt: String?
    package var finishedAt: String?
    package var steps: [WorkflowStepRecord]

    enum CodingKeys: String, CodingKey {
        case status, settings, error, counts, steps
        case runID = "run_id"
        case eventID = "event_id"
        case failedStep = "failed_step"
        case resumedFromRunID = "resumed_from_run_id"
        case jobID = "job_id"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    package init(_ run: WorkflowRun) {
        runID = run.id
        settings = try? run.input.decode(as: EventMatchWorkflow.Settings.self)
        eventID = settings?.eventID
        status = run.status.rawValue
        failedStep = run.failedStep
        error = run.error
        if let result = try? run.result?.decode(as: EventMatchResult.self) {
            counts = Dictionary(EventMatch.statuses.map { status in (status, result.matches.filter { $0.status == status }.count) },
                                uniquingKeysWith: { first, _ in first })
            counts?["drafted"] = result.matches.filter { $0.invitationStatus == "drafted" }.count
            counts?["invitation_failed"] = result.matches.filter { $0.invitationStatus == "failed" }.count
        }
        resumedFromRunID = run.resumedFromRunID
        jobID = run.jobID
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        steps = run.steps
    }

    package static let settingsSchema: JSONValue = Schema.object([
        "event_id": Schema.integer(minimum: 1), "candidate_limit": Schema.integer(minimum: 1),
        "threshold": Schema.integer(minimum: 0, maximum: 100), "max_matches": Schema.integer(minimum: 1),
        "allow_without_research": Schema.boolean(),
    ])

    package static let schema: JSONValue = Schema.object([
        "run_id": Schema.integer(minimum: 1), "event_id": Schema.nullable(Schema.integer(minimum: 1)),
        "status": Schema.string(enum: WorkflowRun.Status.allCases.map(\.rawValue)),
        "settings": Schema.nullable(settingsSchema),
        "failed_step": Schema.nullable(Schema.string()), "error": Schema.any,
        "counts": Schema.nullable(Schema.map(Schema.integer(minimum: 0), "Prospects per status (selected, over_limit, below_threshold, skipped), drafted, invitation_failed")),
        "resumed_from_run_id": Schema.nullable(Schema.integer(minimum: 1)), "job_id": Schema.nullable(Schema.integer(minimum: 1)),
        "created_at": Schema.string(format: "date-time"), "started_at": Schema.nullable(Schema.string(format: "date-time")),
        "finished_at": Schema.nullable(Schema.string(format: "date-time")),
        "steps": WorkflowRun.stepsSchema,
    ], required: ["run_id", "status", "created_at", "steps"])
}
