import Core
import Foundation
import Sales
import Store
import Testing
import Workflows

/// A match job that died while drafting an invitation in process leaves the outreach run held
/// under its name; the job's retry (same job id) takes it back and finishes it, rather than
/// finding it "running" until the lease expires.
struct EventInvitationOwnerTests {
    @Test func aRetriedJobTakesBackTheOutreachRunItsEarlierAttemptHeld() async throws {
        let harness = try await OutreachHarness()
        let context = harness.context(config: ["JOB_ID": "7"])
        #expect(context.outreachOwner(runID: 12) == "job-7-outreach-12")
        #expect(harness.context(config: ["JOB_ID": "7"]).outreachOwner(runID: 12) == context.outreachOwner(runID: 12), "nothing random")
        #expect(harness.context().outreachOwner(runID: 12) == "request-req-outreach-outreach-12")

        // The earlier attempt: the run created and claimed under the job's name, the lease far from over.
        let queued = try await harness.call(DraftOutreachHandler(), ["id": 1, "event_id": 1], context: harness.context())
        let runID = try #require(queued["run_id"]?.intValue)
        let store = WorkflowStore(database: harness.database)
        let now = context.clock.now()
        let held = try store.claim(runID, owner: context.outreachOwner(runID: runID), until: now.addingTimeInterval(3_600), now: now)
        #expect(held?.status == .running)
        #expect(try store.claim(runID, owner: "job-8-outreach-\(runID)", until: now.addingTimeInterval(60), now: now) == nil,
                "another job cannot take it")

        let outcome = try await context.outreachDrafting().draft(OutreachRequest(prospectID: 1, eventID: 1), deadline: Deadline(seconds: 60))
        #expect(outcome.runID == runID && outcome.status == "succeeded" && outcome.draftID != nil, "\(outcome)")
    }
}
