import Core
import Jobs
import Runtime
import Workflows

extension FunctionContext {
    /// The outreach workflow, run in this process (for event invitations).
    package func outreachDrafting() throws -> any OutreachDrafting {
        InProcessOutreachDrafting(context: self)
    }

    /// Who holds outreach run `runID` when this invocation drafts it in process: the job (or the
    /// request) and the run, nothing random, so a retried match job takes back the runs its
    /// earlier attempt claimed instead of waiting for their leases to expire. Runs drafted side
    /// by side differ by run id.
    package func outreachOwner(runID: Int) -> String {
        (jobID.map { "job-\($0)" } ?? "request-\(requestID)") + "-outreach-\(runID)"
    }
}

/// Outreach drafting for callers that need the draft now (event matching's invitations): the
/// same checks as `POST /api/v1/prospects/{id}/outreach`, then a recorded run (a failed one for
/// the same prospect and event resumed) run to its end here, its draft stored with its success.
/// A run another worker holds at that moment is reported as it is (`running`, no draft).
struct InProcessOutreachDrafting: OutreachDrafting {
    let context: FunctionContext

    func draft(_ request: OutreachRequest, deadline: Deadline) async throws -> OutreachOutcome {
        let (run, _, _) = try OutreachRuns.start(request, context: context)
        let (finished, _) = try await OutreachRuns.execute(run.id, owner: context.outreachOwner(runID: run.id), context: context, deadline: deadline,
                                                              matchRunID: request.matchRunID)
        let draft = finished.status == .succeeded ? try OutreachStore(database: try context.database()).draft(runID: run.id) : nil
        return OutreachOutcome(runID: run.id, draftID: draft?.id, status: finished.status.rawValue, failedStep: finished.failedStep,
                               error: finished.error?["message"]?.stringValue)
    }
}
