import Core
import Foundation
import Sales
import Store
import Synchronization
import Testing
import Workflows

/// What a match run keeps when it stops part way: every score is saved as it arrives and a
/// retried step or a resumed run pays only for the rest; and the job's progress only rises,
/// through scoring and invitations alike.
@Suite(.serialized) struct EventMatchResumeTests {
    @Test func scoresAreSavedAsTheyArriveAndARetryOrAResumeNeverPaysTwice() async throws {
        let harness = try EventMatchHarness()
        let context = harness.context()
        let queued = try await harness.call(MatchProspectsHandler(), ["id": 1, "candidate_limit": 40], context: context)
        let runID = try #require(queued["run_id"]?.intValue)
        let services = try context.eventMatchServices()
        let event = try #require(try harness.database.read { sql in try SalesEvent.load(1, sql: sql) })
        let pool = try await EventCandidateFinder(database: harness.database, embedder: try services.embedder(), deadline: Deadline(seconds: 60),
                                                  clock: context.clock).find(event: event, limit: 40)
        #expect(pool.candidates.count == 40 && pool.candidates.allSatisfy(\.hasSucceededResearch))
        let failing = pool.candidates.filter { FakeRelevanceLLM.fails($0.prospectID) }.count
        #expect(failing > 0)
        let workflow = EventMatchWorkflow(services: services, database: harness.database, deadline: Deadline(seconds: 120), clock: context.clock)
        func calls() -> Int { harness.llm.load.state.withLock { $0.calls } }

        let first = try await workflow.score(pool, runID: runID, allowWithoutResearch: false)
        #expect(calls() == 40 && first.scored == 40 - failing && first.skipped == failing)
        let saved = try harness.database.read { sql in
            try sql.queryOne("SELECT COUNT(*) AS n FROM sales_event_match_scores WHERE run_id = ? AND event_id = 1", runID)?.int("n")
        }
        #expect(saved == 40 - failing, "each score saved, the failed calls not")

        // The step again (as after a crash or a deadline): only the failed calls are made again.
        let retried = try await workflow.score(pool, runID: runID, allowWithoutResearch: false)
        #expect(calls() == 40 + failing)
        #expect(retried == first)

        // A run resuming this one (same settings) takes its scores; an unrelated run pays for all.
        let (resumed, fresh) = try harness.database.write { sql in
            let insert = """
                INSERT INTO workflow_runs (workflow, subject, status, input, resumed_from_run_id, created_at, updated_at)
                VALUES ('event_match', 'event:1', 'failed', '{}', ?, '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z') RETURNING id
                """
            return (try sql.queryOne(insert, runID)!.int("id"), try sql.queryOne(insert, Int?.none)!.int("id"))
        }
        let again = try await workflow.score(pool, runID: resumed, allowWithoutResearch: false)
        #expect(calls() == 40 + 2 * failing && again == first)
        _ = try await workflow.score(pool, runID: fresh, allowWithoutResearch: false)
        #expect(calls() == 80 + 2 * failing, "scores of another run with no link are not taken")
    }

    @Test func unresearchedProspectsAreScoredOnlyWhenAllowed() async throws {
        let harness = try EventMatchHarness()
        let context = harness.context()
        let services = try context.eventMatchServices()
        let event = try #require(try harness.database.read { sql in try SalesEvent.load(1, sql: sql) })
        let pool = try await EventCandidateFinder(database: harness.database, embedder: try services.embedder(), deadline: Deadline(seconds: 60),
                                                  clock: context.clock).find(event: event, limit: 200)
        let workflow = EventMatchWorkflow(services: services, database: harness.database, deadline: Deadline(seconds: 120), clock: context.clock)
        let strict = try await workflow.score(pool, runID: 1_000, allowWithoutResearch: false)
        #expect(harness.llm.load.state.withLock { $0.calls } == 100)
        #expect(strict.scores.filter { $0.prospectID % 2 == 0 }.allSatisfy { $0.score == nil && $0.skipReason?.hasPrefix("needs research") == true })
        let lenient = try await workflow.score(pool, runID: 1_001, allowWithoutResearch: true)
        #expect(harness.llm.load.state.withLock { $0.calls } == 300)
        #expect(lenient.scores.first { $0.prospectID == 2 }?.score == FakeRelevanceLLM.score(2))
    }

    @Test func progressOnlyRisesThroughScoringAndInvitations() async throws {
        let harness = try EventMatchHarness()
        let context = harness.context()
        let queued = try await harness.call(MatchProspectsHandler(), ["id": 1, "candidate_limit": 60, "max_matches": 10], context: context)
        let runID = try #require(queued["run_id"]?.intValue)
        let seen = Mutex<[(Int, String)]>([])
        let progress = EventMatchProgress { percent, message in seen.withLock { $0.append((percent, message)) } }
        let store = WorkflowStore(database: harness.database)
        let runner = WorkflowRunner(store: store, retry: try WorkflowRetry(config: context.config), clock: context.clock, logger: .discarding,
                                    deadline: Deadline(seconds: 120), owner: "job-1", progress: { _, step in progress.finished(step) })
        let workflow = EventMatchWorkflow(services: try context.eventMatchServices(), database: harness.database, deadline: Deadline(seconds: 120),
                                          clock: context.clock, progress: progress)
        let (run, ran) = try await runner.execute(runID, steps: workflow.steps())
        #expect(ran && run.status == .succeeded)
        let figures = seen.withLock { $0 }.map(\.0)
        #expect(figures == figures.sorted() && Set(figures).count == figures.count, "never lower, never repeated: \(figures)")
        #expect(figures.last == 100)
        let messages = seen.withLock { $0 }.map(\.1)
        #expect(messages.contains { $0.hasPrefix("scored ") } && messages.contains { $0.hasPrefix("drafted ") })
        #expect(figures.contains { $0 > 72 && $0 < 100 }, "invitations report as they go: \(figures)")

        // A report below what was reported (a later step's figure from the old 50 % rule, an
        // earlier attempt's floor) is not passed on.
        let floored = EventMatchProgress(floor: 40) { percent, message in seen.withLock { $0.append((percent, message)) } }
        seen.withLock { $0 = [] }
        floored.advance("score_relevance", done: 10, total: 60, message: "scored 10 of 60 candidates")
        floored.finished("find_candidates")
        floored.advance("score_relevance", done: 60, total: 60, message: "scored 60 of 60 candidates")
        floored.finished("score_relevance")
        #expect(seen.withLock { $0 }.map(\.0) == [70] && floored.current == 70)
    }

    /// A run that fails in `generate_invitations` after drafting some, then a fresh run (other
    /// settings, so not a resume): the failed run's unsent drafts go, one invitation per prospect.
    @Test func aFailedRunsDraftsAreRemovedByTheNextFreshRun() async throws {
        let harness = try EventMatchHarness()
        let context = harness.context()
        let queued = try await harness.call(MatchProspectsHandler(), ["id": 1, "max_matches": 5], context: context)
        let failedID = try #require(queued["run_id"]?.intValue)
        let workflow = EventMatchWorkflow(services: try context.eventMatchServices(), database: harness.database, deadline: Deadline(seconds: 120),
                                          clock: context.clock)
        // The real steps, the last one failing after its invitations were drafted (as on a crash).
        let steps = workflow.steps().map { step in
            step.name != "generate_invitations" ? step : WorkflowStep(step.name, summarize: step.summarize) { outputs, attempt in
                _ = try await step.run(outputs, attempt)
                throw BundleError(.upstreamFailed, "the worker stopped after drafting")
            }
        }
        let runner = WorkflowRunner(store: WorkflowStore(database: harness.database), retry: try WorkflowRetry(config: context.config),
                                    clock: context.clock, logger: .discarding, deadline: Deadline(seconds: 120), owner: "job-1")
        let (failed, _) = try await runner.execute(failedID, steps: steps)
        #expect(failed.status == .failed && failed.failedStep == "generate_invitations")
        #expect(try drafts(harness).count == 5, "the failed run drafted its five (its retry reused them)")

        let fresh = try await harness.match(["id": 1, "max_matches": 4])
        #expect(fresh["status"] == "succeeded" && fresh["resumed_from_run_id"] == .null, "a fresh run, not a resume: \(fresh)")
        let selected = try #require(try await harness.matches(["id": 1, "status": "selected"])["matches"]?.arrayValue)
        #expect(selected.count == 4)
        let remaining = try drafts(harness)
        #expect(remaining.count == 4 && Set(remaining.values) == Set(selected.compactMap { $0["prospect_id"]?.intValue }),
                "exactly one unsent invitation per selected prospect: \(remaining)")
        #expect(Set(selected.compactMap { $0["draft_id"]?.intValue }) == Set(remaining.keys))
    }

    func drafts(_ harness: EventMatchHarness) throws -> [Int: Int] {
        try harness.database.read { sql in
            Dictionary(uniqueKeysWithValues: try sql.query("SELECT id, prospect_id FROM sales_outreach_drafts WHERE event_id = 1 AND sent_at IS NULL").map {
                (try $0.int("id"), try $0.int("prospect_id"))
            })
        }
    }
}
