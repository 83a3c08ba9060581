import Core
import FoundationEssentials
import Processes
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// `work`: drains due jobs within a time budget, up to `concurrency` at once. Each job runs in a
/// child process, `bundle <function>` (a crash or a runaway job cannot take the worker down), with
/// the job's input on stdin and `JOB_ID` in the environment, exactly as
/// cron would run it. Claims stop once the budget is spent; jobs already running finish within
/// their own deadlines. It returns when nothing due is left (or the budget is spent) and nothing
/// is running.
package struct Worker: Sendable {
    package struct Settings: Sendable {
        package var budgetSeconds: Double
        package var concurrency: Int
        /// The bundle's executable; each job runs as `<executable> <function>`.
        package var executable: String
        /// The environment every job's process gets (plus `JOB_ID` and `REQUEST_ID`).
        package var environment: [String: String]

        package init(budgetSeconds: Double, concurrency: Int, executable: String, environment: [String: String]) {
            self.budgetSeconds = budgetSeconds
            self.concurrency = concurrency
            self.executable = executable
            self.environment = environment
        }
    }

    package struct Summary: Codable, Sendable {
        package var worker: String
        package var claimed = 0
        package var succeeded = 0
        package var failed = 0
        package var retried = 0
        package var dead = 0
        package var reclaimed = 0
        package var lost = 0
        package var elapsedMs = 0
        /// `drained` (nothing due is left) or `budget` (time ran out with jobs still due).
        package var stoppedBecause = "drained"

        enum CodingKeys: String, CodingKey {
            case worker, claimed, succeeded, failed, retried, dead, reclaimed, lost
            case elapsedMs = "elapsed_ms"
            case stoppedBecause = "stopped_because"
        }
    }

    let queue: JobQueue
    let settings: Settings
    let retry: RetryPolicy
    let clock: BundleClock
    let logger: Logger
    package let id: String

    package init(queue: JobQueue, settings: Settings, retry: RetryPolicy, clock: BundleClock, logger: Logger) {
        self.queue = queue
        self.settings = settings
        self.retry = retry
        self.clock = clock
        self.logger = logger
        self.id = "\(LeaseHolder.hostname())/\(getpid())/\(RequestID.generate().prefix(8))"
    }

    private struct Running {
        var claim: JobQueue.Claim
        var process: ChildProcess
        var killAt: ContinuousClock.Instant
    }

    package func run() throws -> Summary {
        let started = ContinuousClock.now
        let end = started + .milliseconds(Int64(settings.budgetSeconds * 1000))
        var summary = Summary(worker: id)
        var running: [Running] = []
        var moreDue = true
        while true {
            // Fill free slots while the budget lasts.
            while moreDue, running.count < settings.concurrency {
                let remaining = Double(ContinuousClock.now.duration(to: end).milliseconds) / 1000
                guard remaining > 0 else { break }
                // The budget bounds claiming, not running: a job's timeout is its worst case, and
                // holding long jobs back until the worker is idle ran pipelines one at a time
                // (measured: 20 meetings took 4x longer). Jobs in flight finish within their own
                // deadlines, well inside this function's.
                guard let claim = try queue.claim(worker: id, now: clock.isFrozen ? clock.now() : nil, maxTimeout: .greatestFiniteMagnitude,
                                                  releasingDeadHolders: summary.claimed == 0) else {
                    moreDue = false
                    break
                }
                summary.claimed += 1
                if claim.reclaimed {
                    summary.reclaimed += 1
                    logger.warning("job.reclaimed", ["job": .number(Double(claim.job.id)), "function": .string(claim.job.function)])
                }
                if let started = start(claim) { running.append(started) } else { summary.failed += 1 }
            }
            if running.isEmpty { break }
            // Wait for the first child to end (or the first deadline).
            let nextKill = running.map(\.killAt).min()!
            if !running.contains(where: { $0.process.poll() }) {
                let wait = min(ContinuousClock.now.duration(to: nextKill), .milliseconds(200))
                ChildProcess.waitForAny(running.map(\.process), atMost: max(wait, .milliseconds(1)))
            }
            var index = 0
            while index < running.count {
                let entry = running[index]
                if entry.process.poll() || ContinuousClock.now >= entry.killAt {
                    if !entry.process.poll() { entry.process.kill() }
                    record(entry, into: &summary)
                    running.remove(at: index)
                    moreDue = true  // a retry may be due again at once, or others came in meanwhile
                } else {
                    index += 1
                }
            }
            if ContinuousClock.now >= end && running.isEmpty { break }
        }
        if moreDue || ContinuousClock.now >= end {
            summary.stoppedBecause = (try? queue.hasDueJobs(now: clock.isFrozen ? clock.now() : nil)) == true ? "budget" : "drained"
        }
        summary.elapsedMs = Int(started.duration(to: .now).milliseconds)
        return summary
    }

    /// Starts a claimed job's process (`bundle <function>`); one that cannot start (out of
    /// processes or memory) is `unavailable`, retried by the job's policy, and the worker goes on
    /// with the others.
    private func start(_ claim: JobQueue.Claim) -> Running? {
        var environment = settings.environment
        environment["JOB_ID"] = String(claim.job.id)
        environment["REQUEST_ID"] = "job-\(claim.job.id)-\(claim.job.attempts)"
        let path = settings.executable
        logger.info("job.started", ["job": .number(Double(claim.job.id)), "function": .string(claim.job.function),
                                    "attempt": .number(Double(claim.job.attempts))])
        do {
            let process = try ChildProcess(path: path, argv0: FunctionCatalog.executableName, arguments: [claim.job.function],
                                           environment: environment, input: Array(claim.job.input.jsonText.utf8))
            // The function's own watchdog ends it at its timeout; this is the backstop, well inside the lease.
            let killAt = ContinuousClock.now + .milliseconds(Int64((claim.timeoutSeconds + 5) * 1000))
            return Running(claim: claim, process: process, killAt: killAt)
        } catch {
            logger.error("job.spawn_failed", ["job": .number(Double(claim.job.id)), "path": .string(path)])
            let document = BundleError(.unavailable, "the job's process could not be started; it will be retried").document
            _ = try? queue.finish(claim, worker: id, outcome: .init(exitCode: ErrorCode.unavailable.exitCode, document: document, duration: .zero),
                                  retry: retry, now: clock.now())
            return nil
        }
    }

    private func record(_ entry: Running, into summary: inout Summary) {
        let result = entry.process.collect()
        let document = try? JSONValue(parsing: result.stdout)
        let outcome = JobQueue.Outcome(exitCode: result.termination.exitCode, document: document, duration: result.duration)
        let status: Job.Status?
        do {
            status = try queue.finish(entry.claim, worker: id, outcome: outcome, retry: retry, now: clock.now())
        } catch {
            logger.error("job.record_failed", ["job": .number(Double(entry.claim.job.id))])
            return
        }
        switch status {
        case .succeeded?: summary.succeeded += 1
        case .failed?: summary.failed += 1
        case .queued?: summary.retried += 1
        case .dead?: summary.dead += 1
        case .running?, nil: summary.lost += 1
        }
        logger.info("job.finished", ["job": .number(Double(entry.claim.job.id)), "function": .string(entry.claim.job.function),
                                     "status": .string(status?.rawValue ?? "lease_lost"), "exit": .number(Double(outcome.exitCode)),
                                     "ms": .number(Double(result.duration.milliseconds))])
    }
}

extension JobQueue {
    /// Whether any job is due now (queued and past its time, or under an expired lease).
    /// `now` nil: the database's clock, as `claim` reads it.
    package func hasDueJobs(now fixedNow: Date?) throws -> Bool {
        try database.read { sql in
            let now = try fixedNow ?? sql.databaseTime()
            return try sql.queryOne("""
                SELECT 1 AS due FROM jobs WHERE (status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_expires_at <= ?) LIMIT 1
                """, now, now) != nil
        }
    }
}
