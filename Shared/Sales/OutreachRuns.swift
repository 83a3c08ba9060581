import Core
import FoundationEssentials
import Jobs
import Runtime
import Store
import Workflows

/// Starting and running outreach runs, shared by the 202 handler, the job and in-process
/// drafting (event invitations): the checks before anything is stored, one active run per
/// prospect and event, a failed run resumed, and the runner with the success hook that stores
/// the draft.
package enum OutreachRuns {
    /// The run for a request: a new one (resuming the last failed one when the input matches;
    /// without `custom_context`, the failed run's is inherited), or the active one (`created` false).
    /// The prospect, its research and the event are checked first, so a refused request stores nothing.
    static func start(_ request: OutreachRequest, context: FunctionContext) throws -> (run: WorkflowRun, created: Bool, note: String?) {
        let database = try context.database()
        _ = try OutreachContext.load(request, database: database)
        let store = WorkflowStore(database: database)
        let subject = OutreachWorkflow.subject(prospectID: request.prospectID, eventID: request.eventID)
        var input = OutreachWorkflow.input(request)
        let failed = try store.runs(workflow: OutreachWorkflow.name, subject: subject, limit: 1).first.flatMap { $0.status == .failed ? $0 : nil }
        if let failed, input["custom_context"]?.stringValue == nil, let notes = failed.input["custom_context"], case .object(var fields) = input {
            fields["custom_context"] = notes
            input = .object(fields)
        }
        let (run, created) = try store.createRun(workflow: OutreachWorkflow.name, subject: subject, input: input, now: context.clock.now())
        var note: String?
        if created, let failed {
            note = run.resumedFromRunID == failed.id
                ? "resumes failed run \(failed.id) from its failed step \(failed.failedStep ?? "?"), reusing the steps it finished"
                : "starts afresh: the request differs from failed run \(failed.id)'s, so none of its steps are reused"
        }
        return (run, created, note)
    }

    /// Runs the run's steps under `owner`; the draft is stored in the transaction that marks it
    /// succeeded (with `matchRunID`, the event match run drafting it, if any).
    static func execute(_ runID: Int, owner: String, context: FunctionContext, deadline: Deadline? = nil, matchRunID: Int? = nil,
                        progress: (@Sendable (Int, String) -> Void)? = nil) async throws -> (run: WorkflowRun, ran: Bool) {
        let deadline = deadline ?? context.deadline
        let database = try context.database()
        let services = context.outreachServices()
        let (llm, counter) = CountingLLMRecorder.counting(try services.llm())
        let clock = context.clock
        let runner = WorkflowRunner(store: WorkflowStore(database: database), retry: try WorkflowRetry(config: context.config), clock: clock,
                                    logger: context.logger, deadline: deadline, owner: owner, leaseSeconds: RunOutreachHandler.leaseSeconds,
                                    countLLMCalls: { counter.count }, progress: progress,
                                    onSuccess: { sql, _, result in
                                        guard let draft = try result?.decode(as: OutreachResult.self) else {
                                            throw BundleError(.internal, "a succeeded outreach run has no draft")
                                        }
                                        try OutreachStore.save(draft, matchRunID: matchRunID, sql: sql, now: clock.now())
                                    })
        let workflow = OutreachWorkflow(services: services, llm: llm, database: database, deadline: deadline)
        return try await runner.execute(runID, steps: workflow.steps())
    }
}
