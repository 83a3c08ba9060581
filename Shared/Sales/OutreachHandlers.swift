import Core
import FoundationEssentials
import Jobs
import Runtime
import Store
import Workflows

/// `POST /api/v1/prospects/{id}/outreach`: queues an outreach draft (a run-outreach job) and
/// answers 202 with the run, the job and where to follow them. A prospect without succeeded
/// research is a `conflict` naming the research route unless `allow_without_research` is true;
/// an unknown prospect or event is `not_found`; both before anything is stored. A run already
/// active for the prospect and event is returned instead of a second; a failed one is resumed.
package struct DraftOutreachHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var eventID: Int?
        var customContext: String?
        var allowWithoutResearch: Bool?

        enum CodingKeys: String, CodingKey {
            case id
            case eventID = "event_id"
            case customContext = "custom_context"
            case allowWithoutResearch = "allow_without_research"
        }
    }

    package struct Output: Codable, Sendable {
        var runID: Int
        var jobID: Int
        var prospectID: Int
        var eventID: Int?
        var status: String
        var created: Bool
        var resumedFromRunID: Int?
        var note: String?
        var statusURL: String
        var outreachURL: String

        enum CodingKeys: String, CodingKey {
            case status, created, note
            case runID = "run_id"
            case jobID = "job_id"
            case prospectID = "prospect_id"
            case eventID = "event_id"
            case resumedFromRunID = "resumed_from_run_id"
            case statusURL = "status_url"
            case outreachURL = "outreach_url"
        }
    }

    package static let manifest = FunctionManifest(
        name: "draft-outreach",
        summary: "Queues an outreach draft for a prospect (a run-outreach job; optionally an invitation to an event) and answers 202 with the run, the job and a status URL.",
        routes: [Route("POST", "/api/v1/prospects/{id:int}/outreach")],
        successStatus: 202,
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "event_id": Schema.nullable(Schema.integer("The event the email invites to", minimum: 1)),
            "custom_context": Schema.nullable(Schema.string("What the account manager wants the email to use", maxLength: 10_000)),
            "allow_without_research": Schema.boolean("Write even though the prospect has no succeeded research (marked on the draft)"),
        ], required: ["id"]),
        output: Schema.object([
            "run_id": Schema.integer(minimum: 1), "job_id": Schema.integer(minimum: 1), "prospect_id": Schema.integer(minimum: 1),
            "event_id": Schema.nullable(Schema.integer(minimum: 1)),
            "status": Schema.string(enum: WorkflowRun.Status.allCases.map(\.rawValue)),
            "created": Schema.boolean("false when a run for this prospect and event was already queued or running"),
            "resumed_from_run_id": Schema.nullable(Schema.integer(minimum: 1)),
            "note": Schema.nullable(Schema.string("How the run relates to the last failed run (resumed, or started afresh)")),
            "status_url": Schema.string("GET it for the job's progress"),
            "outreach_url": Schema.string("GET it for the drafts and the latest run's status"),
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let request = OutreachRequest(prospectID: input.id, eventID: input.eventID, customContext: input.customContext,
                                      allowWithoutResearch: input.allowWithoutResearch ?? false)
        let (run, created, note) = try OutreachRuns.start(request, context: context)
        let jobID = try RunOutreachHandler.job.ensureJob(for: run, context: context)
        context.logger.info("outreach.requested", ["run": .number(Double(run.id)), "job": .number(Double(jobID)), "created": .bool(created)])
        return Output(runID: run.id, jobID: jobID, prospectID: input.id, eventID: input.eventID, status: run.status.rawValue, created: created,
                      resumedFromRunID: run.resumedFromRunID, note: note, statusURL: "/jobs/\(jobID)", outreachURL: "/api/v1/prospects/\(input.id)/outreach")
    }
}

/// `run-outreach`: the job that runs one outreach run's six steps (progress per step). Through
/// HTTP it only makes sure the run's job is queued. A run held by another worker, or finished,
/// is returned as it is; a failed run still answers (status `failed`, the step and why).
package struct RunOutreachHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Output: Codable, Sendable {
        var queued: Bool
        var ran: Bool
        var jobID: Int?
        var run: OutreachRunAnswer
        var draft: OutreachDraft?

        enum CodingKeys: String, CodingKey {
            case queued, ran, run, draft
            case jobID = "job_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "run-outreach",
        summary: "Runs an outreach run's six steps, each recorded and retried, and stores its draft (the job draft-outreach queues); through HTTP it queues the job.",
        routes: [Route("POST", "/api/v1/outreach-runs/{id:int}/run")],
        successStatus: 202,
        input: Schema.object(["id": Schema.integer("The outreach run", minimum: 1)]),
        output: WorkflowJob.answerSchema(runKey: "run", OutreachRunAnswer.schema, extra: ("draft", Schema.nullable(OutreachDraft.schema))),
        timeoutSeconds: 600
    )

    package init() {}

    /// The job kind that runs outreach runs (its keys, lease and follow-ups).
    package static let job = WorkflowJob(function: manifest.name, keyPrefix: "outreach-run", timeoutSeconds: manifest.timeoutSeconds)
    package static let leaseSeconds = job.leaseSeconds

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let store = WorkflowStore(database: database)
        let run = try WorkflowJob.run(input.id, of: OutreachWorkflow.name, called: "outreach", store: store)
        let drafts = OutreachStore(database: database)
        if context.http != nil {
            let jobID = run.isActive ? try RunOutreachHandler.job.ensureJob(for: run, context: context) : run.jobID
            return Output(queued: run.isActive, ran: false, jobID: jobID, run: OutreachRunAnswer(run), draft: try drafts.draft(runID: run.id))
        }
        let owner = WorkflowJob.owner(context)
        let (finished, ran) = try await OutreachRuns.execute(run.id, owner: owner, context: context,
                                                             progress: { percent, step in context.reportProgress(percent, "outreach: \(step) done") })
        if let followUp = try Self.job.followUp(finished, ran: ran, context: context) {
            return Output(queued: true, ran: false, jobID: followUp, run: OutreachRunAnswer(finished), draft: nil)
        }
        context.logger.info("outreach.finished", ["run": .number(Double(run.id)), "status": .string(finished.status.rawValue), "ran": .bool(ran)])
        return Output(queued: false, ran: ran, jobID: finished.jobID ?? context.jobID, run: OutreachRunAnswer(finished),
                      draft: try drafts.draft(runID: run.id))
    }
}
