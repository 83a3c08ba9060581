import Core
import FoundationEssentials
import Jobs
import Runtime
import Store
import Workflows

/// `POST /api/v1/prospects/{id}/research`: starts research on a prospect as a job and answers
/// 202 with the run, the job and where to follow them. A run already queued or running for the
/// prospect is returned instead of a second one; after a failed run, the new run resumes from the
/// failed step, reusing what the failed run had paid for: a request without `manual_context`
/// inherits the failed run's input; one with a different `manual_context` starts afresh (the
/// answer's `note` says which).
package struct ResearchProspectHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var manualContext: String?

        enum CodingKeys: String, CodingKey {
            case id
            case manualContext = "manual_context"
        }
    }

    package struct Output: Codable, Sendable {
        var runID: Int
        var jobID: Int
        var prospectID: Int
        var status: String
        var created: Bool
        var resumedFromRunID: Int?
        var note: String?
        var statusURL: String
        var researchURL: String

        enum CodingKeys: String, CodingKey {
            case status, created, note
            case runID = "run_id"
            case jobID = "job_id"
            case prospectID = "prospect_id"
            case resumedFromRunID = "resumed_from_run_id"
            case statusURL = "status_url"
            case researchURL = "research_url"
        }
    }

    package static let manifest = FunctionManifest(
        name: "research-prospect",
        summary: "Queues research on a prospect (a run-research job) and answers 202 with the run, the job and a status URL.",
        routes: [Route("POST", "/api/v1/prospects/{id:int}/research")],
        successStatus: 202,
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "manual_context": Schema.nullable(Schema.string("What the account manager knows that research should use", maxLength: 10_000)),
        ], required: ["id"]),
        output: Schema.object([
            "run_id": Schema.integer(minimum: 1), "job_id": Schema.integer(minimum: 1), "prospect_id": Schema.integer(minimum: 1),
            "status": Schema.string(enum: WorkflowRun.Status.allCases.map(\.rawValue)),
            "created": Schema.boolean("false when a run for this prospect was already queued or running"),
            "resumed_from_run_id": Schema.nullable(Schema.integer(minimum: 1)),
            "note": Schema.nullable(Schema.string("How the run relates to the prospect's last failed run (resumed, or started afresh and why)")),
            "status_url": Schema.string("GET it for the job's progress"),
            "research_url": Schema.string("GET it for the research once the job is done"),
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        _ = try ResearchContext.load(prospectID: input.id, manualContext: nil, database: database)  // not_found before anything is stored
        var runInput: [String: JSONValue] = ["prospect_id": .number(Double(input.id))]
        let notes = input.manualContext?.trimmingWhitespace()
        if let notes, !notes.isEmpty { runInput["manual_context"] = .string(notes) }
        let now = context.clock.now()
        let store = WorkflowStore(database: database)
        let subject = ResearchWorkflow.subject(prospectID: input.id)
        // The last run failed: with no manual_context, resume it with its own input (its
        // manual_context included) instead of paying again for what it finished.
        let failed = try store.runs(workflow: ResearchWorkflow.name, subject: subject, limit: 1).first.flatMap { $0.status == .failed ? $0 : nil }
        if let failed, notes?.isEmpty ?? true { runInput = failed.input.objectValue ?? runInput }
        let (run, created) = try store.createRun(workflow: ResearchWorkflow.name, subject: subject, input: .object(runInput), now: now)
        let note = created ? Self.note(run: run, failed: failed) : nil
        let jobID = try RunResearchHandler.job.ensureJob(for: run, context: context)
        context.logger.info("research.requested", ["run": .number(Double(run.id)), "job": .number(Double(jobID)), "created": .bool(created)])
        return Output(runID: run.id, jobID: jobID, prospectID: input.id, status: run.status.rawValue, created: created,
                      resumedFromRunID: run.resumedFromRunID, note: note, statusURL: "/jobs/\(jobID)",
                      researchURL: "/api/v1/prospects/\(input.id)/research/latest")
    }
}

extension ResearchProspectHandler {
    /// What a new run does with the prospect's last failed run; nil when the last run did not fail.
    static func note(run: WorkflowRun, failed: WorkflowRun?) -> String? {
        guard let failed else { return nil }
        if run.resumedFromRunID == failed.id {
            return "resumes failed run \(failed.id) from its failed step \(failed.failedStep ?? "?"), reusing the steps it finished"
        }
        return "starts afresh: manual_context differs from failed run \(failed.id)'s, so none of its steps are reused"
    }
}

/// `run-research`: the job that runs one research run's steps (the worker runs it; progress is
/// reported per step). Through HTTP it only makes sure the run's job is queued, since the steps
/// outlast a request. A run held by another worker, or already finished, is returned as it is.
/// A run that fails still answers (status `failed`, the step and why): the job did its work, and
/// a new request resumes from the failed step.
package struct RunResearchHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Output: Codable, Sendable {
        var queued: Bool
        var ran: Bool
        var jobID: Int?
        var research: ResearchAnswer

        enum CodingKeys: String, CodingKey {
            case queued, ran, research
            case jobID = "job_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "run-research",
        summary: "Runs a research run's six steps, each recorded and retried (the job research-prospect queues); through HTTP it queues the job.",
        routes: [Route("POST", "/api/v1/research-runs/{id:int}/run")],
        successStatus: 202,
        input: Schema.object(["id": Schema.integer("The research run", minimum: 1)]),
        output: WorkflowJob.answerSchema(runKey: "research", ResearchAnswer.schema),
        timeoutSeconds: 900
    )

    package init() {}

    /// The job kind that runs research runs (its keys, lease and follow-ups).
    package static let job = WorkflowJob(function: manifest.name, keyPrefix: "research-run", timeoutSeconds: manifest.timeoutSeconds)
    package static let leaseSeconds = job.leaseSeconds

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let store = WorkflowStore(database: database)
        let run = try WorkflowJob.run(input.id, of: ResearchWorkflow.name, called: "research", store: store)
        if context.http != nil {
            let jobID = run.isActive ? try Self.job.ensureJob(for: run, context: context) : run.jobID
            return Output(queued: run.isActive, ran: false, jobID: jobID, research: ResearchAnswer(run))
        }
        let services = context.researchServices()
        let runner = WorkflowRunner(store: store, retry: try WorkflowRetry(config: context.config), clock: context.clock, logger: context.logger,
                                    deadline: context.deadline, owner: WorkflowJob.owner(context),
                                    leaseSeconds: Self.leaseSeconds, countLLMCalls: services.countLLMCalls,
                                    progress: { percent, step in context.reportProgress(percent, "research: \(step) done") },
                                    onSuccess: Self.recordOutcome(clock: context.clock))
        let workflow = ResearchWorkflow(services: services, database: database, deadline: context.deadline, clock: context.clock)
        let (finished, ran) = try await runner.execute(run.id, steps: workflow.steps())
        if let followUp = try Self.job.followUp(finished, ran: ran, context: context) {
            return Output(queued: true, ran: false, jobID: followUp, research: ResearchAnswer(finished))
        }
        context.logger.info("research.finished", ["run": .number(Double(run.id)), "status": .string(finished.status.rawValue),
                                                  "ran": .bool(ran)])
        return Output(queued: false, ran: ran, jobID: finished.jobID ?? context.jobID, research: ResearchAnswer(finished))
    }

    /// Records a succeeded run's findings on the prospect and company, in the transaction that
    /// marks the run succeeded.
    static func recordOutcome(clock: BundleClock) -> @Sendable (any SQLExecutor, JSONValue, JSONValue?) throws -> Void {
        { sql, input, result in
            guard let prospectID = input["prospect_id"]?.intValue, let findings = try result?.decode(as: ResearchFindings.self) else {
                throw BundleError(.internal, "a succeeded research run has no prospect_id or findings")
            }
            try ResearchOutcome.record(findings, prospectID: prospectID, sql: sql, now: clock.now())
        }
    }
}
