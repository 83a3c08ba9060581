import Core
import FoundationEssentials
import Store

/// Runs a workflow's steps in order for one claimed run, recording each (input summary, output,
/// status, attempts, times, LLM calls, error), retrying retryable failures with backoff, and
/// stopping at the first step that still fails: the run then records that step and why. A run
/// resumed from a failed one reuses the succeeded steps' outputs (recorded as `reused`) instead
/// of paying for them again; a run whose worker died is claimed again when its lease expires and
/// keeps the steps it had finished. The lease is renewed before every attempt; a worker that
/// finds it lost stops and reports that it did not run the run.
package struct WorkflowRunner: Sendable {
    package var store: WorkflowStore
    package var retry: WorkflowRetry
    package var clock: BundleClock
    package var logger: Logger
    package var deadline: Deadline
    /// Who holds the lease ("job-12", "request-…").
    package var owner: String
    package var leaseSeconds: Double
    /// How many LLM calls have been made so far (by this process); the difference across a step
    /// is the step's count. Nil records 0.
    package var countLLMCalls: (@Sendable () -> Int)?
    /// Called after each step with a percentage and the step's name.
    package var progress: (@Sendable (Int, String) -> Void)?
    /// The wait between attempts (tests make it instant).
    package var sleep: @Sendable (Double) async throws -> Void
    /// What a success changes outside the workflow tables (the run's input and result given),
    /// written in the transaction that marks the run succeeded: both are stored or neither, so a
    /// crash between them cannot leave a succeeded run whose outcome a retry would never record.
    package var onSuccess: (@Sendable (any SQLExecutor, _ input: JSONValue, _ result: JSONValue?) throws -> Void)?

    package init(store: WorkflowStore, retry: WorkflowRetry, clock: BundleClock, logger: Logger, deadline: Deadline, owner: String,
                 leaseSeconds: Double = 300, countLLMCalls: (@Sendable () -> Int)? = nil, progress: (@Sendable (Int, String) -> Void)? = nil,
                 sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
                 onSuccess: (@Sendable (any SQLExecutor, _ input: JSONValue, _ result: JSONValue?) throws -> Void)? = nil) {
        self.store = store
        self.retry = retry
        self.clock = clock
        self.logger = logger
        self.deadline = deadline
        self.owner = owner
        self.leaseSeconds = leaseSeconds
        self.countLLMCalls = countLLMCalls
        self.progress = progress
        self.sleep = sleep
        self.onSuccess = onSuccess
    }

    /// Runs `runID` if this owner can claim it. Returns the run as recorded at the end and whether
    /// this call ran it (false: another worker holds it, took it over meanwhile, or it has already
    /// finished).
    package func execute(_ runID: Int, steps: [WorkflowStep]) async throws -> (run: WorkflowRun, ran: Bool) {
        // The database's clock for the lease unless time is frozen (BUNDLE_NOW), as the job queue's claims.
        guard let claimed = try store.claim(runID, owner: owner, leaseSeconds: leaseSeconds, now: clock.isFrozen ? clock.now() : nil) else {
            guard let current = try store.run(runID) else { throw BundleError(.notFound, "no workflow run with id \(runID)") }
            return (current, false)
        }
        logger.info("workflow.claimed", ["run": .number(Double(runID)), "workflow": .string(claimed.workflow)])
        let own = Dictionary((try store.run(runID)?.steps ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let previous = try claimed.resumedFromRunID.flatMap { try store.run($0) }
        let inherited = Dictionary((previous?.steps ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        var outputs = WorkflowOutputs(input: claimed.input)
        // Earlier outputs are taken only up to the first step that must run again: what follows
        // it could depend on what it will now produce.
        var reusing = true
        for (position, step) in steps.enumerated() {
            if reusing, let done = own[step.name], done.status == .succeeded || done.status == .reused, let output = done.output {
                outputs.set(step.name, output)
                continue
            }
            if reusing, let earlier = inherited[step.name], let previous, earlier.status == .succeeded || earlier.status == .reused,
               let output = earlier.output {
                try store.reuse(earlier, from: earlier.reusedFromRunID ?? previous.id, into: runID, now: clock.now())
                outputs.set(step.name, output)
                logger.info("workflow.step_reused", ["run": .number(Double(runID)), "step": .string(step.name)])
                continue
            }
            reusing = false
            switch try await runStep(step, position: position, runID: runID, outputs: outputs) {
            case .success(let output):
                outputs.set(step.name, output)
                progress?(Int(Double(position + 1) / Double(steps.count) * 100), step.name)
            case .failure(let error):
                let errorJSON: JSONValue = ["code": .string(error.code.rawValue), "message": .string(error.message)]
                guard try store.finishRun(runID, owner: owner, succeeded: false, result: nil, failedStep: step.name, error: errorJSON,
                                          now: clock.now()) else { return try lost(runID, fallback: claimed) }
                logger.warning("workflow.failed", ["run": .number(Double(runID)), "step": .string(step.name),
                                                   "code": .string(error.code.rawValue)])
                return (try store.run(runID) ?? claimed, true)
            case nil:
                return try lost(runID, fallback: claimed)
            }
        }
        let result = steps.last.flatMap { outputs[$0.name] }
        let onSuccess = self.onSuccess
        let finished: Bool
        do {
            finished = try store.finishRun(runID, owner: owner, succeeded: true, result: result, failedStep: nil, error: nil, now: clock.now(),
                                           then: onSuccess.map { hook in { sql in try hook(sql, claimed.input, result) } })
        } catch {
            return try recordingFailure(of: Self.successHookStep, error, runID: runID, claimed: claimed)
        }
        guard finished else { return try lost(runID, fallback: claimed) }
        logger.info("workflow.succeeded", ["run": .number(Double(runID))])
        return (try store.run(runID) ?? claimed, true)
    }

    /// The name a run's failure carries when every step succeeded but storing the result (the
    /// success hook, in the same transaction) did not: the next run reuses all the steps and
    /// tries only that again.
    package static let successHookStep = "record_result"

    /// Ends the run as failed at `stepName` in a transaction of its own (the one that failed was
    /// rolled back), so the run never stays `running` and a later request can resume it.
    private func recordingFailure(of stepName: String, _ error: any Error, runID: Int,
                                  claimed: WorkflowRun) throws -> (run: WorkflowRun, ran: Bool) {
        let failure = BundleError.converting(error, otherwise: BundleError(.internal, "storing the result of the run failed unexpectedly"))
        let errorJSON: JSONValue = ["code": .string(failure.code.rawValue), "message": .string(failure.message)]
        guard try store.finishRun(runID, owner: owner, succeeded: false, result: nil, failedStep: stepName, error: errorJSON,
                                  now: clock.now()) else { return try lost(runID, fallback: claimed) }
        logger.warning("workflow.failed", ["run": .number(Double(runID)), "step": .string(stepName), "code": .string(failure.code.rawValue)])
        return (try store.run(runID) ?? claimed, true)
    }

    /// The answer when another worker took the run over: its record as it is now, not run by us.
    private func lost(_ runID: Int, fallback: WorkflowRun) throws -> (run: WorkflowRun, ran: Bool) {
        logger.warning("workflow.lease_lost", ["run": .number(Double(runID))])
        return (try store.run(runID) ?? fallback, false)
    }

    /// Extends the lease from now; false when another worker has taken the run over.
    private func renewLease(_ runID: Int) throws -> Bool {
        try store.renew(runID, owner: owner, leaseSeconds: leaseSeconds, now: clock.isFrozen ? clock.now() : nil)
    }

    /// One step with its retries, the lease renewed before each attempt; the step's record ends
    /// succeeded (with output) or failed (with the last error only). Nil when the lease was lost
    /// before an attempt (the step's record is then left to the worker that holds the run).
    private func runStep(_ step: WorkflowStep, position: Int, runID: Int, outputs: WorkflowOutputs) async throws -> Result<JSONValue, BundleError>? {
        guard try renewLease(runID) else { return nil }
        let started = clock.now()
        let startedInstant = ContinuousClock.now
        try store.startStep(run: runID, position: position, name: step.name, inputSummary: step.summarize(outputs), now: started)
        let callsBefore = countLLMCalls?() ?? 0
        var attempt = 0
        var outcome: Result<JSONValue, BundleError>
        while true {
            attempt += 1
            if attempt > 1 { guard try renewLease(runID) else { return nil } }
            do {
                outcome = .success(try await step.run(outputs, StepAttempt(number: attempt, runID: runID)))
                break
            } catch {
                let failure = BundleError.converting(error, otherwise: error is CancellationError
                    ? BundleError(.timeout, "step \(step.name) was cancelled at the deadline")
                    : BundleError(.internal, "step \(step.name) failed unexpectedly"))
                outcome = .failure(failure)
                let wait = retry.delay(afterAttempt: attempt)
                guard attempt < retry.attempts, retry.isRetryable(failure), deadline.remainingSeconds > wait + 1 else { break }
                logger.warning("workflow.step_retry", ["run": .number(Double(runID)), "step": .string(step.name),
                                                       "attempt": .number(Double(attempt)), "code": .string(failure.code.rawValue)])
                try await sleep(wait)
            }
        }
        let calls = max(0, (countLLMCalls?() ?? 0) - callsBefore)
        let duration = Int(startedInstant.duration(to: .now).milliseconds)
        switch outcome {
        case .success(let output):
            try store.finishStep(run: runID, owner: owner, name: step.name, succeeded: true, attempts: attempt, output: output, error: nil,
                                 llmCalls: calls, durationMs: duration, now: clock.now())
        case .failure(let error):
            try store.finishStep(run: runID, owner: owner, name: step.name, succeeded: false, attempts: attempt, output: nil,
                                 error: ["code": .string(error.code.rawValue), "message": .string(error.message)],
                                 llmCalls: calls, durationMs: duration, now: clock.now())
        }
        return outcome
    }
}
