import Core
import FoundationEssentials
import Store
import Synchronization
import TestSupport
import Testing
import Workflows

/// The lease and the success hook: renewed before every attempt (a slow attempt cannot let the
/// lease lapse before the next), a worker that lost the run reports it did not run it, the same
/// owner takes its run back at once, and what a success changes elsewhere is stored with it.
@Suite struct WorkflowLeaseTests {
    let directory: TemporaryDirectory
    let database: any Database
    let store: WorkflowStore
    static let now = Timestamp.parse("2026-03-02T10:00:00Z")!

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: WorkflowsSchema.migrations)
        store = WorkflowStore(database: database)
    }

    func runner(owner: String = "worker", onSuccess: (@Sendable (any SQLExecutor, JSONValue, JSONValue?) throws -> Void)? = nil) -> WorkflowRunner {
        WorkflowRunner(store: store, retry: WorkflowRetry(attempts: 3, baseSeconds: 0, jitter: { 0 }), clock: BundleClock(frozenAt: Self.now),
                       logger: .discarding, deadline: .distantFuture, owner: owner, leaseSeconds: 300, sleep: { _ in }, onSuccess: onSuccess)
    }

    func lease(_ runID: Int) throws -> (owner: String?, until: String?) {
        try database.read { sql in
            let row = try sql.queryOne("SELECT lease_owner, lease_until FROM workflow_runs WHERE id = ?", runID)
            return (row?.optionalString("lease_owner"), row?.optionalString("lease_until"))
        }
    }

    func setLease(_ runID: Int, owner: String, until: String) throws {
        try database.write { sql in
            try sql.execute("UPDATE workflow_runs SET lease_owner = ?, lease_until = ? WHERE id = ?", owner, until, runID)
        }
    }

    @Test func theLeaseIsRenewedBeforeEveryAttempt() async throws {
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:1", input: [:], now: Self.now)
        let seen = Mutex<[String?]>([])
        let database = self.database
        let step = WorkflowStep("slow", summarize: { _ in "" }) { _, attempt in
            let until = try database.read { try $0.queryOne("SELECT lease_until FROM workflow_runs WHERE id = ?", run.id)?.optionalString("lease_until") }
            seen.withLock { $0.append(until) }
            if attempt.number == 1 {
                // The first attempt took long: the lease it started with has nearly run out.
                try database.write { try $0.execute("UPDATE workflow_runs SET lease_until = '2026-03-02T10:00:01.000Z' WHERE id = ?", run.id) }
                throw BundleError(.upstreamFailed, "slow and failed")
            }
            return ["ok": true]
        }
        let (done, ran) = try await runner().execute(run.id, steps: [step])
        #expect(ran && done.status == .succeeded)
        #expect(seen.withLock { $0 } == ["2026-03-02T10:05:00.000Z", "2026-03-02T10:05:00.000Z"], "renewed before the second attempt")
    }

    @Test func aWorkerThatLostTheLeaseDuringAStepDoesNotClaimToHaveRunIt() async throws {
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:2", input: [:], now: Self.now)
        let database = self.database
        let attempts = Mutex(0)
        let step = WorkflowStep("taken", summarize: { _ in "" }) { _, _ in
            attempts.withLock { $0 += 1 }
            try database.write { try $0.execute("UPDATE workflow_runs SET lease_owner = 'rescuer' WHERE id = ?", run.id) }
            throw BundleError(.misconfigured, "not retryable")
        }
        let (current, ran) = try await runner().execute(run.id, steps: [step])
        #expect(!ran, "finishRun found the run held by another worker")
        #expect(current.status == .running)
        #expect(try lease(run.id).owner == "rescuer")
        let kept = try #require(try store.run(run.id)?.steps.first)
        #expect(kept.status == .running && kept.error == nil, "the step is left to the worker that holds the run")

        // A retryable failure: the lease is checked before the next attempt, which never starts.
        let (other, _) = try store.createRun(workflow: "demo", subject: "thing:3", input: [:], now: Self.now)
        attempts.withLock { $0 = 0 }
        let retried = WorkflowStep("taken", summarize: { _ in "" }) { _, _ in
            attempts.withLock { $0 += 1 }
            try database.write { try $0.execute("UPDATE workflow_runs SET lease_owner = 'rescuer' WHERE id = ?", other.id) }
            throw BundleError(.upstreamFailed, "retryable")
        }
        let (_, ranOther) = try await runner().execute(other.id, steps: [retried])
        #expect(!ranOther)
        #expect(attempts.withLock { $0 } == 1)
    }

    @Test func theSameOwnerTakesItsRunBackAtOnce() throws {
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:4", input: [:], now: Self.now)
        let until = Self.now.addingTimeInterval(300)
        #expect(try store.claim(run.id, owner: "job-7", until: until, now: Self.now) != nil)
        #expect(try store.claim(run.id, owner: "job-8", until: until, now: Self.now) == nil, "another owner waits for the lease")
        #expect(try store.claim(run.id, owner: "job-7", until: until, now: Self.now) != nil, "a retry of job 7 needs no wait")
    }

    @Test func whatASuccessChangesIsStoredWithItOrNotAtAllAndAFailedStoreIsResumed() async throws {
        try database.write { sql in
            try sql.execute("CREATE TABLE outcomes (run_input TEXT NOT NULL, result TEXT)")
        }
        let (run, _) = try store.createRun(workflow: "demo", subject: "thing:5", input: ["seed": "x"], now: Self.now)
        let calls = Mutex(0)
        let step = WorkflowStep("only", summarize: { _ in "" }) { _, _ in
            calls.withLock { $0 += 1 }
            return ["answer": 42]
        }
        let failing = runner { sql, _, _ in
            try sql.execute("INSERT INTO outcomes (run_input, result) VALUES ('x', 'partial')", [])
            throw BundleError(.internal, "the outcome could not be written")
        }
        // The steps succeeded but their result could not be stored: the run fails at that point
        // (never left `running`, never succeeded without its outcome), and nothing partial stays.
        let (failed, ranFailing) = try await failing.execute(run.id, steps: [step])
        #expect(ranFailing && failed.status == .failed && failed.failedStep == WorkflowRunner.successHookStep)
        #expect(try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM outcomes")?.int("n") } == 0)

        // The next run of the subject resumes it: every step reused, only the storing tried again.
        let (resumed, created) = try store.createRun(workflow: "demo", subject: "thing:5", input: ["seed": "x"], now: Self.now)
        #expect(created && resumed.resumedFromRunID == run.id)
        let working = runner { sql, input, result in
            try sql.execute("INSERT INTO outcomes (run_input, result) VALUES (?, ?)", input, result)
        }
        let (done, ran) = try await working.execute(resumed.id, steps: [step])
        #expect(ran && done.status == .succeeded && calls.withLock { $0 } == 1)
        #expect(done.steps.map(\.status) == [.reused])
        let row = try database.read { try $0.queryOne("SELECT run_input, result FROM outcomes") }
        #expect(try row?.json("result") == ["answer": 42] && row?.json("run_input") == ["seed": "x"])
    }
}
