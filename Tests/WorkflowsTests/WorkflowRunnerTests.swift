import Core
import FoundationEssentials
import Store
import Synchronization
import TestSupport
import Testing
import Workflows

/// The workflow engine against a real SQLite database: steps recorded in order, retried with
/// backoff only for retryable errors, a failed run resumed from its failed step with the earlier
/// outputs reused (never re-run), a failed output never reaching a later step, one claim per run.
@Suite struct WorkflowRunnerTests {
    let directory: TemporaryDirectory
    let database: any Database
    let store: WorkflowStore
    static let now = Timestamp.parse("2026-03-02T10:00:00Z")!

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: WorkflowsSchema.migrations)
        store = WorkflowStore(database: database)
    }

    /// Counts how often each step's work ran, and the waits between attempts.
    final class Journal: Sendable {
        let runs = Mutex<[String: Int]>([:])
        let waits = Mutex<[Double]>([])
        let seen = Mutex<[String: [String]]>([:])
        func ran(_ name: String) { runs.withLock { $0[name, default: 0] += 1 } }
        func count(_ name: String) -> Int { runs.withLock { $0[name] ?? 0 } }
    }

    func runner(_ journal: Journal, attempts: Int = 3, owner: String = "test", clock: BundleClock = BundleClock(frozenAt: now)) -> WorkflowRunner {
        WorkflowRunner(store: store, retry: WorkflowRetry(attempts: attempts, baseSeconds: 2, jitter: { 1 }), clock: clock,
                       logger: .discarding, deadline: .distantFuture, owner: owner, countLLMCalls: { journal.count("llm") },
                       sleep: { seconds in journal.waits.withLock { $0.append(seconds) } })
    }

    /// Three steps; `failing` decides, per call, whether the middle one throws (and with what).
    func steps(_ journal: Journal, failing: @escaping @Sendable (Int) -> BundleError?) -> [WorkflowStep] {
        [
            WorkflowStep("first", summarize: { _ in "start" }) { outputs, _ in
                journal.ran("first")
                journal.ran("llm")
                return ["value": .string("one:" + (outputs.input["seed"]?.stringValue ?? ""))]
            },
            WorkflowStep("second", summarize: { "from " + ($0["first"]?["value"]?.stringValue ?? "?") }) { outputs, attempt in
                journal.ran("second")
                journal.ran("llm")
                if let error = failing(journal.count("second")) { throw error }
                return ["value": .string("two after " + (outputs["first"]?["value"]?.stringValue ?? "?") + " attempt \(attempt.number)")]
            },
            WorkflowStep("third", summarize: { _ in "end" }) { outputs, _ in
                journal.ran("third")
                journal.seen.withLock { $0["third"] = outputs.outputs.keys.sorted() }
                return ["value": .string("three after " + (outputs["second"]?["value"]?.stringValue ?? "?"))]
            },
        ]
    }

    @Test func recordsEveryStepAndRetriesWithBackoff() async throws {
        let journal = Journal()
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:1", input: ["seed": "s"], now: Self.now)
        let (done, ran) = try await runner(journal).execute(run.id, steps: steps(journal) { call in
            call < 3 ? BundleError(.upstreamFailed, "model overloaded") : nil
        })
        #expect(ran)
        #expect(done.status == .succeeded)
        #expect(done.steps.map(\.name) == ["first", "second", "third"])
        #expect(done.steps.map(\.status) == [.succeeded, .succeeded, .succeeded])
        #expect(done.steps[1].attempts == 3)
        #expect(done.steps[1].llmCalls == 3, "the calls of every attempt count")
        #expect(done.steps[1].inputSummary == "from one:s")
        #expect(journal.waits.withLock { $0 } == [2, 4], "exponential: base × 2^(n−1)")
        #expect(done.result?["value"] == "three after two after one:s attempt 3")
        #expect(done.startedAt != nil && done.finishedAt != nil)
    }

    @Test func aNonRetryableErrorFailsAtOnceAndTheRunSaysWhere() async throws {
        let journal = Journal()
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:2", input: [:], now: Self.now)
        let (done, _) = try await runner(journal).execute(run.id, steps: steps(journal) { _ in
            BundleError(.validationFailed, "the prospect has no company")
        })
        #expect(done.status == .failed)
        #expect(done.failedStep == "second")
        #expect(done.error?["code"] == "validation_failed")
        #expect(done.error?["message"] == "the prospect has no company")
        #expect(done.steps.map(\.name) == ["first", "second"], "nothing runs after the failed step")
        #expect(done.steps[1].attempts == 1)
        #expect(done.steps[1].output == nil)
        #expect(journal.count("third") == 0)
    }

    @Test func anUpstreamFailureMarkedNotRetryableFailsAtOnceWithItsCode() async throws {
        let journal = Journal()
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:7", input: [:], now: Self.now)
        let (done, _) = try await runner(journal).execute(run.id, steps: steps(journal) { _ in
            BundleError(.upstreamFailed, "the LLM's answer for second failed validation twice", retryable: false)
        })
        #expect(done.status == .failed && done.failedStep == "second")
        #expect(done.error?["code"] == "upstream_failed", "the code stays what callers know")
        #expect(done.steps[1].attempts == 1 && journal.count("second") == 1)
        #expect(journal.waits.withLock { $0 }.isEmpty, "no backoff either")
    }

    @Test func aNewRunResumesFromTheFailedStepReusingEarlierOutputs() async throws {
        let journal = Journal()
        let broken = Mutex(true)
        let workflow = steps(journal) { _ in broken.withLock { $0 } ? BundleError(.rateLimited, "slow down") : nil }
        let (first, _) = try store.createRun(workflow: "demo", subject: "thing:3", input: ["seed": "x"], now: Self.now)
        let (failed, _) = try await runner(journal).execute(first.id, steps: workflow)
        #expect(failed.status == .failed)
        #expect(failed.steps[1].attempts == 3)
        #expect(failed.steps[1].error?["code"] == "rate_limited")
        #expect(journal.count("first") == 1)

        broken.withLock { $0 = false }
        let (second, created) = try store.createRun(workflow: "demo", subject: "thing:3", input: ["seed": "x"], now: Self.now)
        #expect(created)
        #expect(second.resumedFromRunID == first.id)
        let (done, _) = try await runner(journal).execute(second.id, steps: workflow)
        #expect(done.status == .succeeded)
        #expect(journal.count("first") == 1, "the succeeded step is not paid for again")
        #expect(done.steps.map(\.status) == [.reused, .succeeded, .succeeded])
        #expect(done.steps[0].reusedFromRunID == first.id)
        #expect(done.steps[0].attempts == 0 && done.steps[0].llmCalls == 0)
        #expect(done.steps[0].output == ["value": "one:x"])
        #expect(done.result?["value"] == "three after two after one:x attempt 1")

        // Another input starts afresh instead of reusing outputs made for other input.
        let (other, _) = try store.createRun(workflow: "demo", subject: "thing:3", input: ["seed": "y"], now: Self.now)
        #expect(other.resumedFromRunID == nil)
    }

    @Test func aFailedStepsOutputNeverReachesALaterStep() async throws {
        let journal = Journal()
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:4", input: [:], now: Self.now)
        let (failed, _) = try await runner(journal, attempts: 1).execute(run.id, steps: steps(journal) { _ in
            BundleError(.timeout, "took too long")
        })
        #expect(failed.status == .failed)
        let (again, _) = try store.createRun(workflow: "demo", subject: "thing:4", input: [:], now: Self.now)
        let (done, _) = try await runner(journal, attempts: 1).execute(again.id, steps: steps(journal) { _ in nil })
        #expect(done.status == .succeeded)
        #expect(done.steps[1].status == .succeeded && done.steps[1].reusedFromRunID == nil, "the failed step runs again, it is not reused")
        #expect(journal.seen.withLock { $0["third"] } == ["first", "second"])
        #expect(failed.steps[1].output == nil)
    }

    @Test func oneActiveRunPerSubjectAndOneClaimPerRun() async throws {
        let (run, created) = try store.createRun(workflow: "demo", subject: "thing:5", input: [:], now: Self.now)
        let (same, again) = try store.createRun(workflow: "demo", subject: "thing:5", input: ["other": true], now: Self.now)
        #expect(created && !again)
        #expect(same.id == run.id)

        let lease = Self.now.addingTimeInterval(300)
        let claims = try await withThrowingTaskGroup(of: Bool.self) { group in
            for worker in 0..<8 {
                group.addTask { try store.claim(run.id, owner: "worker-\(worker)", until: lease, now: Self.now) != nil }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        #expect(claims == 1)
        // A second runner finds the run held and does not run it.
        let journal = Journal()
        let (_, ran) = try await runner(journal, owner: "late").execute(run.id, steps: steps(journal) { _ in nil })
        #expect(!ran)
        #expect(journal.count("first") == 0)
        // Once the holder's lease has expired (it died), the run can be claimed again.
        let later = BundleClock(frozenAt: lease.addingTimeInterval(1))
        let (done, took) = try await runner(journal, owner: "rescuer", clock: later).execute(run.id, steps: steps(journal) { _ in nil })
        #expect(took)
        #expect(done.status == .succeeded)
    }

    @Test func aRunWhoseWorkerDiedIsTakenOverAndKeepsItsFinishedSteps() async throws {
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:6", input: ["seed": "k"], now: Self.now)
        let lease = Self.now.addingTimeInterval(300)
        #expect(try store.claim(run.id, owner: "dead-worker", until: lease, now: Self.now) != nil)
        // What the dead worker had recorded: the first step done, the second one started.
        try database.write { sql in
            try sql.execute("""
                INSERT INTO workflow_steps (run_id, position, name, status, attempts, output, llm_calls, started_at, finished_at, duration_ms)
                VALUES (?, 0, 'first', 'succeeded', 1, '{"value": "one:k"}', 1, '2026-03-02T10:00:00Z', '2026-03-02T10:00:01Z', 1000)
                """, run.id)
            try sql.execute("""
                INSERT INTO workflow_steps (run_id, position, name, status, attempts, started_at) VALUES (?, 1, 'second', 'running', 1, '2026-03-02T10:00:01Z')
                """, run.id)
        }
        let journal = Journal()
        let later = BundleClock(frozenAt: lease.addingTimeInterval(1))
        let (done, ran) = try await runner(journal, owner: "rescuer", clock: later).execute(run.id, steps: steps(journal) { _ in nil })
        #expect(ran)
        #expect(done.status == .succeeded)
        #expect(journal.count("first") == 0, "the finished step is kept, not run again")
        #expect(done.steps.map(\.status) == [.succeeded, .succeeded, .succeeded])
        #expect(done.steps[1].attempts == 1 && done.steps[1].output != nil)
        #expect(done.result?["value"] == "three after two after one:k attempt 1")
    }

    @Test func retryDelaysGrowAndAreCapped() {
        let retry = WorkflowRetry(attempts: 5, baseSeconds: 2, maxSeconds: 10, jitter: { 0.5 })
        #expect([1, 2, 3, 4].map(retry.delay(afterAttempt:)) == [1, 2, 4, 5])
        #expect(retry.isRetryable(BundleError(.internal, "x")))
        #expect(!retry.isRetryable(BundleError(.misconfigured, "x")))
        #expect(retry.isRetryable(BundleError(.upstreamFailed, "x")))
        #expect(!retry.isRetryable(BundleError(.upstreamFailed, "x", retryable: false)))
        #expect(!retry.isRetryable(BundleError(.misconfigured, "x", retryable: true)), "the code's rule still holds")
    }
}
