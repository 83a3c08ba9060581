import Core
import FoundationEssentials
import Jobs
import Runtime
import Store
import Workflows

/// `POST /api/v1/events/{id}/match-prospects`: starts an event match as a job and answers 202
/// with the run, the job and where to follow them. A run already queued or running for the event
/// is returned instead of a second one; after a failed run with the same settings, the new run
/// resumes from the failed step.
package struct MatchProspectsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var candidateLimit: Int?
        var threshold: Int?
        var maxMatches: Int?
        var allowWithoutResearch: Bool?

        enum CodingKeys: String, CodingKey {
            case id, threshold
            case candidateLimit = "candidate_limit"
            case maxMatches = "max_matches"
            case allowWithoutResearch = "allow_without_research"
        }
    }

    package struct Output: Codable, Sendable {
        var runID: Int
        var jobID: Int
        var eventID: Int
        var status: String
        var created: Bool
        var resumedFromRunID: Int?
        var settings: EventMatchWorkflow.Settings
        var statusURL: String
        var matchesURL: String

        enum CodingKeys: String, CodingKey {
            case status, created, settings
            case runID = "run_id"
            case jobID = "job_id"
            case eventID = "event_id"
            case resumedFromRunID = "resumed_from_run_id"
            case statusURL = "status_url"
            case matchesURL = "matches_url"
        }
    }

    package static let defaultCandidateLimit = 200
    package static let maxCandidateLimit = 2_000

    package static let manifest = FunctionManifest(
        name: "match-prospects",
        summary: "Queues matching prospects to an event (a run-event-match job: candidates, LLM scores, top matches, invitations); answers 202.",
        routes: [Route("POST", "/api/v1/events/{id:int}/match-prospects")],
        successStatus: 202,
        input: Schema.object([
            "id": Schema.integer("The event", minimum: 1),
            "candidate_limit": Schema.integer("At most this many candidates are scored (default 200)", minimum: 1, maximum: maxCandidateLimit),
            "threshold": Schema.integer("The lowest score selected (default 70)", minimum: 0, maximum: 100),
            "max_matches": Schema.integer("At most this many matches get invitations (default 20)", minimum: 1, maximum: 100),
            "allow_without_research": Schema.boolean("Draft invitations to prospects never researched (default false: recorded as failed)"),
        ], required: ["id"]),
        output: Schema.object([
            "run_id": Schema.integer(minimum: 1), "job_id": Schema.integer(minimum: 1), "event_id": Schema.integer(minimum: 1),
            "status": Schema.string(enum: WorkflowRun.Status.allCases.map(\.rawValue)),
            "created": Schema.boolean("false when a run for this event was already queued or running"),
            "resumed_from_run_id": Schema.nullable(Schema.integer(minimum: 1)),
            "settings": EventMatchAnswer.settingsSchema,
            "status_url": Schema.string("GET it for the job's progress"),
            "matches_url": Schema.string("GET it for the matches once the job is done"),
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        _ = try SalesEvent.require(input.id, database: database)  // not_found before anything is stored
        let settings = EventMatchWorkflow.Settings(eventID: input.id, candidateLimit: input.candidateLimit ?? Self.defaultCandidateLimit,
                                                   threshold: input.threshold ?? 70, maxMatches: input.maxMatches ?? 20,
                                                   allowWithoutResearch: input.allowWithoutResearch ?? false)
        let store = WorkflowStore(database: database)
        let (run, created) = try store.createRun(workflow: EventMatchWorkflow.name, subject: EventMatchWorkflow.subject(eventID: input.id),
                                                 input: try JSONValue(encoding: settings), now: context.clock.now())
        let jobID = try RunEventMatchHandler.job.ensureJob(for: run, context: context)
        context.logger.info("event_match.requested", ["run": .number(Double(run.id)), "job": .number(Double(jobID)), "created": .bool(created)])
        return Output(runID: run.id, jobID: jobID, eventID: input.id, status: run.status.rawValue, created: created,
                      resumedFromRunID: run.resumedFromRunID, settings: (try? run.input.decode(as: EventMatchWorkflow.Settings.self)) ?? settings,
                      statusURL: "/jobs/\(jobID)", matchesURL: "/api/v1/events/\(input.id)/matches")
    }
}

/// `run-event-match`: the job that runs one match run's four steps (progress reported while
/// scoring). Through HTTP it only makes sure the run's job is queued. A run held by another
/// worker, or already finished, is returned as it is; a failed run still answers (status
/// `failed`, the step and why).
package struct RunEventMatchHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Output: Codable, Sendable {
        var queued: Bool
        var ran: Bool
        var jobID: Int?
        var run: EventMatchAnswer

        enum CodingKeys: String, CodingKey {
            case queued, ran, run
            case jobID = "job_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "run-event-match",
        summary: "Runs an event match run's four steps, each recorded (the job match-prospects queues); through HTTP it queues the job.",
        routes: [Route("POST", "/api/v1/event-match-runs/{id:int}/run")],
        successStatus: 202,
        input: Schema.object(["id": Schema.integer("The event match run", minimum: 1)]),
        output: WorkflowJob.answerSchema(runKey: "run", EventMatchAnswer.schema),
        timeoutSeconds: 1_800
    )

    package init() {}

    /// The job kind that runs event match runs (its keys, lease and follow-ups).
    package static let job = WorkflowJob(function: manifest.name, keyPrefix: "event-match-run", timeoutSeconds: manifest.timeoutSeconds)
    package static let leaseSeconds = job.leaseSeconds

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let store = WorkflowStore(database: database)
        let run = try WorkflowJob.run(input.id, of: EventMatchWorkflow.name, called: "event match", store: store)
        if context.http != nil {
            let jobID = run.isActive ? try Self.job.ensureJob(for: run, context: context) : run.jobID
            return Output(queued: run.isActive, ran: false, jobID: jobID, run: EventMatchAnswer(run))
        }
        let services = try context.eventMatchServices()
        let clock = context.clock
        // One figure that only rises over the attempt (the worker starts each attempt at 0).
        let progress = EventMatchProgress { percent, message in context.reportProgress(percent, message) }
        let runner = WorkflowRunner(store: store, retry: try WorkflowRetry(config: context.config), clock: clock, logger: context.logger,
                                    deadline: context.deadline, owner: WorkflowJob.owner(context),
                                    leaseSeconds: Self.leaseSeconds, countLLMCalls: services.countLLMCalls,
                                    progress: { _, step in progress.finished(step) },
                                    onSuccess: { [runID = run.id] sql, _, result in
                                        guard let result = try result?.decode(as: EventMatchResult.self) else {
                                            throw BundleError(.internal, "a succeeded event match has no result")
                                        }
                                        try EventMatchOutcome.record(result, runID: runID, sql: sql, now: clock.now())
                                    })
        let workflow = EventMatchWorkflow(services: services, database: database, deadline: context.deadline, clock: clock,
                                          progress: progress)
        let (finished, ran) = try await runner.execute(run.id, steps: workflow.steps())
        if let followUp = try Self.job.followUp(finished, ran: ran, context: context) {
            return Output(queued: true, ran: false, jobID: followUp, run: EventMatchAnswer(finished))
        }
        context.logger.info("event_match.finished", ["run": .number(Double(run.id)), "status": .string(finished.status.rawValue), "ran": .bool(ran)])
        return Output(queued: false, ran: ran, jobID: finished.jobID ?? context.jobID, run: EventMatchAnswer(finished))
    }
}
