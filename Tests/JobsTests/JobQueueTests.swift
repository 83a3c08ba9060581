import Core
import FoundationEssentials
import Jobs
import Store
import TestSupport
import Testing

@Suite struct JobQueueTests {
    let directory: TemporaryDirectory
    let queue: JobQueue
    let start = Date(timeIntervalSince1970: 1_780_000_000)
    let retry = RetryPolicy(baseSeconds: 10, maxSeconds: 100, jitter: { 1.0 })

    init() throws {
        directory = try TemporaryDirectory()
        queue = JobQueue(database: try TestDatabase.open(directory.file("bundle.sqlite"), migrations: JobsSchema.migrations))
    }

    func enqueue(_ function: String = "health", input: JSONValue = [:], key: String? = nil, maxAttempts: Int = 3,
                 timeout: Double = 10, runAfter: Date? = nil) throws -> (job: Job, created: Bool) {
        try queue.enqueue(.init(function: function, input: input, idempotencyKey: key, runAfter: runAfter, maxAttempts: maxAttempts,
                                timeoutSeconds: timeout), now: start)
    }

    func outcome(_ exitCode: Int32, _ document: JSONValue?) -> JobQueue.Outcome {
        .init(exitCode: exitCode, document: document, duration: .milliseconds(5))
    }

    @Test func theSameIdempotencyKeyGivesTheSameJob() throws {
        let first = try enqueue(input: ["a": 1], key: "k1")
        let again = try enqueue(input: ["a": 1], key: "k1")
        #expect(first.created && !again.created)
        #expect(first.job.id == again.job.id)
        #expect(throws: BundleError.self, "another input under the same key") { try enqueue(input: ["a": 2], key: "k1") }
        #expect(try enqueue(input: ["a": 1]).job.id != first.job.id, "no key, a new job")
    }

    @Test func aClaimedJobIsRunningUnderALeaseAndSucceeds() throws {
        let job = try enqueue(input: ["x": "y"]).job
        let claim = try #require(try queue.claim(worker: "w1", now: start, maxTimeout: 60))
        #expect(claim.job.id == job.id)
        #expect(claim.job.status == .running)
        #expect(claim.job.attempts == 1)
        #expect(claim.leaseExpiresAt == start.addingTimeInterval(10 + JobQueue.leaseGrace))
        #expect(try queue.claim(worker: "w2", now: start, maxTimeout: 60) == nil, "a leased job is not handed out twice")
        let status = try queue.finish(claim, worker: "w1", outcome: outcome(0, ["ok": true]), retry: retry, now: start.addingTimeInterval(1))
        #expect(status == .succeeded)
        let stored = try #require(try queue.job(job.id))
        #expect(stored.result == ["ok": true])
        #expect(stored.progress == 100)
        #expect(stored.exitCode == 0)
        #expect(stored.finishedAt != nil)
    }

    @Test func retryableFailuresBackOffExponentiallyThenDie() throws {
        let job = try enqueue(maxAttempts: 3).job
        var now = start
        var delays: [Double] = []
        for attempt in 1...3 {
            let claim = try #require(try queue.claim(worker: "w", now: now, maxTimeout: 60), "attempt \(attempt)")
            #expect(claim.job.attempts == attempt)
            let error: JSONValue = ["error": ["code": "upstream_failed", "message": "502 from the LLM"]]
            let status = try queue.finish(claim, worker: "w", outcome: outcome(69, error), retry: retry, now: now)
            let stored = try #require(try queue.job(job.id))
            if attempt < 3 {
                #expect(status == .queued)
                let runAfter = try #require(Timestamp.parse(stored.runAfter))
                delays.append(runAfter.timeIntervalSince(now))
                #expect(try queue.claim(worker: "w", now: runAfter.addingTimeInterval(-1), maxTimeout: 60) == nil, "not before its backoff")
                now = runAfter
            } else {
                #expect(status == .dead)
                #expect(stored.error?["code"] == "upstream_failed")
            }
        }
        #expect(delays.map { ($0 * 1000).rounded() / 1000 } == [10, 20])
    }

    @Test func aDeadOrFailedJobIsRetriedWithFreshAttemptsAndNothingElseIs() throws {
        let job = try enqueue(input: ["n": 1], key: "retry-me", maxAttempts: 1).job
        #expect(throws: BundleError.self, "a queued job is not retried") { try queue.retry(job.id, now: start) }
        let claim = try #require(try queue.claim(worker: "w", now: start, maxTimeout: 60))
        #expect(throws: BundleError.self, "nor a running one") { try queue.retry(job.id, now: start) }
        let failure: JSONValue = ["error": ["code": "upstream_failed", "message": "502 from the LLM"]]
        #expect(try queue.finish(claim, worker: "w", outcome: outcome(69, failure), retry: retry, now: start) == .dead)

        let later = start.addingTimeInterval(600)
        let retried = try #require(try queue.retry(job.id, now: later))
        #expect(retried.status == .queued && retried.attempts == 0 && retried.error == nil && retried.exitCode == nil)
        #expect(retried.input == ["n": 1] && retried.idempotencyKey == "retry-me", "the same job: input and key kept")
        #expect(Timestamp.parse(retried.runAfter) == later)
        let again = try #require(try queue.claim(worker: "w", now: later, maxTimeout: 60), "due at once")
        #expect(again.job.id == job.id && again.job.attempts == 1)
        #expect(try queue.finish(again, worker: "w", outcome: outcome(0, ["ok": true]), retry: retry, now: later) == .succeeded)
        do {
            _ = try queue.retry(job.id, now: later)
            Issue.record("a succeeded job was retried")
        } catch let error as BundleError {
            #expect(error.code == .conflict && error.message.contains("succeeded"))
        }
        #expect(try queue.retry(9_999, now: later) == nil, "no such job")
    }

    @Test func failuresARetryCannotFixFailAtOnce() throws {
        for (exitCode, code) in [(Int32(65), "validation_failed"), (66, "not_found"), (78, "misconfigured"), (64, "invalid_request")] {
            let job = try enqueue(maxAttempts: 5).job
            let claim = try #require(try queue.claim(worker: "w", now: start, maxTimeout: 60))
            #expect(claim.job.id == job.id)
            let status = try queue.finish(claim, worker: "w", outcome: outcome(exitCode, ["error": ["code": .string(code), "message": "no"]]),
                                          retry: retry, now: start)
            #expect(status == .failed, "exit \(exitCode)")
        }
    }

    @Test func aCrashWithoutOutputIsRetriedAsInternal() throws {
        _ = try enqueue(maxAttempts: 2)
        let claim = try #require(try queue.claim(worker: "w", now: start, maxTimeout: 60))
        #expect(try queue.finish(claim, worker: "w", outcome: outcome(128 + 9, nil), retry: retry, now: start) == .queued)
        #expect(try queue.job(claim.job.id)?.error?["code"] == "internal")
    }

    @Test func anExpiredLeaseIsReclaimedAndTheOldWorkerCannotRecord() throws {
        _ = try enqueue(maxAttempts: 3)
        let first = try #require(try queue.claim(worker: "dead-worker", now: start, maxTimeout: 60))
        #expect(try queue.claim(worker: "w2", now: first.leaseExpiresAt.addingTimeInterval(-1), maxTimeout: 60) == nil)
        let second = try #require(try queue.claim(worker: "w2", now: first.leaseExpiresAt, maxTimeout: 60))
        #expect(second.reclaimed)
        #expect(second.job.attempts == 2)
        #expect(try queue.finish(first, worker: "dead-worker", outcome: outcome(0, ["late": true]), retry: retry, now: start) == nil)
        #expect(try queue.finish(second, worker: "w2", outcome: outcome(0, ["ok": true]), retry: retry, now: start) == .succeeded)
        #expect(try queue.job(second.job.id)?.result == ["ok": true])
    }

    @Test func aJobWhoseLastLeaseExpiredIsDead() throws {
        _ = try enqueue(maxAttempts: 1)
        let claim = try #require(try queue.claim(worker: "w", now: start, maxTimeout: 60))
        #expect(try queue.claim(worker: "w2", now: claim.leaseExpiresAt, maxTimeout: 60) == nil)
        let job = try #require(try queue.job(claim.job.id))
        #expect(job.status == .dead)
        #expect(job.error?["message"]?.stringValue?.contains("lease expired") == true)
    }

    @Test func claimsRespectRunAfterTimeoutBudgetAndOrder() throws {
        let later = try enqueue(runAfter: start.addingTimeInterval(60)).job
        let long = try enqueue(timeout: 300).job
        let short = try enqueue(timeout: 10).job
        #expect(try queue.claim(worker: "w", now: start, maxTimeout: 30)?.job.id == short.id, "the long job does not fit 30 s")
        #expect(try queue.claim(worker: "w", now: start, maxTimeout: 30) == nil)
        #expect(try queue.claim(worker: "w", now: start, maxTimeout: 600)?.job.id == long.id)
        #expect(try queue.claim(worker: "w", now: start.addingTimeInterval(20), maxTimeout: 600) == nil, "later is not due yet")
        // By then the short job's lease (10 s + grace) has expired: it is due again, and earlier.
        let reclaimed = try queue.claim(worker: "w", now: start.addingTimeInterval(60), maxTimeout: 600)
        #expect(reclaimed?.job.id == short.id && reclaimed?.reclaimed == true)
        #expect(try queue.claim(worker: "w", now: start.addingTimeInterval(60), maxTimeout: 600)?.job.id == later.id)
    }

    @Test func progressIsRecordedOnlyWhileRunning() throws {
        let job = try enqueue().job
        try queue.reportProgress(job: job.id, percent: 50, message: "half", now: start)
        #expect(try queue.job(job.id)?.progress == 0, "a queued job has no progress")
        _ = try queue.claim(worker: "w", now: start, maxTimeout: 60)
        try queue.reportProgress(job: job.id, percent: 140, message: "scoring 3 of 6", now: start)
        let stored = try #require(try queue.job(job.id))
        #expect(stored.progress == 100)
        #expect(stored.progressMessage == "scoring 3 of 6")
    }

    @Test func listingFiltersAndPages() throws {
        for index in 0..<5 { _ = try enqueue(index.isMultiple(of: 2) ? "health" : "llm-check") }
        #expect(try queue.list(status: nil, function: "health", before: nil, limit: 10).count == 3)
        let page = try queue.list(status: .queued, function: nil, before: nil, limit: 2)
        #expect(page.map(\.id) == [5, 4])
        #expect(try queue.list(status: .queued, function: nil, before: 4, limit: 10).map(\.id) == [3, 2, 1])
        #expect(try queue.counts() == ["queued": 5])
    }

    @Test func backoffIsCappedAndJittered() {
        let policy = RetryPolicy(baseSeconds: 10, maxSeconds: 60, jitter: { 0.5 })
        #expect(policy.delay(afterAttempt: 1) == 5)
        #expect(policy.delay(afterAttempt: 2) == 10)
        #expect(policy.delay(afterAttempt: 10) == 30)
        #expect(!policy.isRetryable(exitCode: 65))
        #expect(policy.isRetryable(exitCode: 75))
        #expect(policy.isRetryable(exitCode: 137))
    }
}
