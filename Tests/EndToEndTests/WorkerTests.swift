import Core
import Foundation
import Synchronization
import TestSupport
import Testing

/// The job worker on real binaries: `work` runs queued jobs as cron would, retries by exit code,
/// survives `kill -9`, and two workers never run one job twice.
@Suite struct WorkerTests {
    let directory: TemporaryDirectory
    var database: String { directory.file("var/bundle.sqlite") }

    init() throws {
        directory = try TemporaryDirectory()
    }

    func run(_ name: String, _ input: JSONValue = [:], _ environment: [String: String] = [:]) throws -> ProcessResult {
        try Binaries.run(name, stdin: input.jsonText, environment: environment, workingDirectory: directory.path)
    }

    func enqueue(_ function: String, _ input: JSONValue = [:], maxAttempts: Int = 3) throws -> Int {
        let result = try run("enqueue", ["function": .string(function), "input": input, "max_attempts": .number(Double(maxAttempts))])
        guard let id = result.json?["id"]?.intValue else { throw BundleError(.internal, "enqueue failed: \(result.stdoutText)") }
        return id
    }

    func job(_ id: Int) throws -> JSONValue {
        try #require(try run("get-job", ["id": .number(Double(id))]).json)
    }

    @Test func jobsSucceedFailAndDieByExitCode() throws {
        let healthy = try enqueue("health")
        let missing = try enqueue("get-job", ["id": 424242])  // not_found: exit 66, no retry
        let unreachable = try enqueue("llm-check", ["text": "hello"], maxAttempts: 2)  // upstream_failed: exit 69, retried
        let environment = ["LLM_PROVIDER": "openai", "LLM_BASE_URL": "http://127.0.0.1:9/v1", "UPSTREAM_MAX_ATTEMPTS": "1",
                           "JOB_RETRY_BASE_S": "0", "WORK_BUDGET_S": "20"]
        let work = try run("work", [:], environment)
        #expect(work.exitCode == 0, "\(work.stdoutText) \(work.stderr)")
        #expect(work.json?["claimed"] == 4)
        #expect(work.json?["succeeded"] == 1)
        #expect(work.json?["failed"] == 1)
        #expect(work.json?["retried"] == 1)
        #expect(work.json?["dead"] == 1)
        #expect(work.json?["stopped_because"] == "drained")

        let done = try job(healthy)
        #expect(done["status"] == "succeeded")
        #expect(done["result"]?["status"] == "ok")
        #expect(done["attempts"] == 1)
        let failed = try job(missing)
        #expect(failed["status"] == "failed")
        #expect(failed["exit_code"] == 66)
        #expect(failed["error"]?["code"] == "not_found")
        let dead = try job(unreachable)
        #expect(dead["status"] == "dead")
        #expect(dead["attempts"] == 2)
        #expect(dead["exit_code"] == 69)
        #expect(dead["error"]?["code"] == "upstream_failed")
    }

    @Test func enqueueChecksTheFunctionAndItsInput() throws {
        let unknown = try run("enqueue", ["function": "nope"])
        #expect(unknown.exitCode == 65)
        #expect(unknown.json?["error"]?["details"]?.arrayValue?.first?["field"] == "function")
        let badInput = try run("enqueue", ["function": "get-job", "input": ["id": "seven"]])
        #expect(badInput.exitCode == 65)
        #expect(badInput.json?["error"]?["details"]?.arrayValue?.first?["field"] == "input.id")
        #expect(try run("enqueue", ["function": "create-api-key", "input": ["name": "x"]]).exitCode == 65, "local-only functions never queue")
        #expect(try run("enqueue", ["function": "work"]).exitCode == 65)
        let first = try run("enqueue", ["function": "health", "idempotency_key": "nightly-2026-01-05"])
        let again = try run("enqueue", ["function": "health", "idempotency_key": "nightly-2026-01-05"])
        #expect(first.json?["id"] != nil && first.json?["id"] == again.json?["id"])
        let conflict = try run("enqueue", ["function": "llm-usage", "idempotency_key": "nightly-2026-01-05"])
        #expect(conflict.exitCode == 65)
        #expect(conflict.errorCode == "conflict")
    }

    @Test func aWorkerKilledMidJobLosesNothing() throws {
        let server = try LoopbackServer { _ in
            let brief: JSONValue = ["title": "Slow", "summary": "Answered late.", "key_points": ["Late."], "action_items": [], "sentiment": "neutral"]
            let answer: JSONValue = ["model": "gpt-4.1-mini", "usage": ["prompt_tokens": 1, "completion_tokens": 1],
                                     "choices": [["message": ["role": "assistant", "content": .string(brief.jsonText)]]]]
            return ScriptedResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(answer.jsonText.utf8),
                                    delay: .seconds(2))
        }
        let id = try enqueue("llm-check", ["text": "notes"])
        let environment = ["LLM_PROVIDER": "openai", "LLM_BASE_URL": server.baseURL + "/v1", "LLM_API_KEY": "sk-test"]
        let worker = try Binaries.start(Binaries.path("work"), stdinBytes: [], environment: environment, workingDirectory: directory.path)
        var running = false
        for _ in 0..<200 where !running {
            usleep(20_000)
            running = try job(id)["status"] == "running"
        }
        #expect(running)
        kill(worker.processIdentifier, SIGKILL)
        _ = try worker.wait()
        #expect(try job(id)["status"] == "running", "the killed worker's lease still holds the job")

        // A worker whose clock is past the lease takes the job over and runs it again.
        let later = Timestamp.format(Date().addingTimeInterval(3_600))
        let rescue = try run("work", [:], environment.merging(["BUNDLE_NOW": later]) { $1 })
        #expect(rescue.json?["reclaimed"] == 1, "\(rescue.stdoutText)")
        #expect(rescue.json?["succeeded"] == 1)
        let finished = try job(id)
        #expect(finished["status"] == "succeeded")
        #expect(finished["attempts"] == 2)
        #expect(finished["result"]?["brief"]?["title"] == "Slow")
    }

    /// The children of a process (of all its threads), from /proc.
    func children(of pid: pid_t) -> [pid_t] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { pid_t($0) }
        }
    }

    /// Whether a process exists and is not a zombie (an orphan's zombie may wait for init).
    func isAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let paren = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: paren)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    @Test func aKilledWorkersChildrenDieWithItAndItsLeaseIsTakenOverAtOnce() throws {
        let served = Mutex(0)
        let server = try LoopbackServer { _ in
            let first = served.withLock { count in
                defer { count += 1 }
                return count == 0
            }
            let brief: JSONValue = ["title": "Again", "summary": "Answered.", "key_points": ["Yes."], "action_items": [], "sentiment": "neutral"]
            let answer: JSONValue = ["model": "gpt-4.1-mini", "usage": ["prompt_tokens": 1, "completion_tokens": 1],
                                     "choices": [["message": ["role": "assistant", "content": .string(brief.jsonText)]]]]
            // The first call hangs: its caller must die with its worker, not finish and record it.
            return ScriptedResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(answer.jsonText.utf8),
                                    delay: first ? .seconds(60) : .zero)
        }
        let id = try enqueue("llm-check", ["text": "notes"])
        let environment = ["LLM_PROVIDER": "openai", "LLM_BASE_URL": server.baseURL + "/v1", "LLM_API_KEY": "sk-test"]
        let worker = try Binaries.start(Binaries.path("work"), stdinBytes: [], environment: environment, workingDirectory: directory.path)
        var child: pid_t?
        for _ in 0..<500 where child == nil || server.requests.isEmpty {
            usleep(20_000)
            child = children(of: worker.processIdentifier).first
        }
        let running = try #require(child, "the worker started the job's process")
        #expect(!server.requests.isEmpty, "the job's process is waiting for the model")
        kill(worker.processIdentifier, SIGKILL)
        _ = try worker.wait()
        var orphanAlive = true
        for _ in 0..<250 where orphanAlive {
            orphanAlive = isAlive(running)
            if orphanAlive { usleep(20_000) }
        }
        #expect(!orphanAlive, "the job's process died with its worker")

        // No clock games: the next worker on this host sees the holder is gone and runs the job now.
        let rescue = try run("work", [:], environment)
        #expect(rescue.json?["reclaimed"] == 1, "\(rescue.stdoutText)")
        #expect(rescue.json?["succeeded"] == 1)
        let finished = try job(id)
        #expect(finished["status"] == "succeeded")
        #expect(finished["result"]?["brief"]?["title"] == "Again")
        #expect(server.requests.count == 2, "one call per attempt")
    }

    @Test func twoWorkersAtOnceNeverRunAJobTwice() throws {
        for _ in 0..<24 { _ = try enqueue("health") }
        let environment = ["WORK_CONCURRENCY": "3", "WORK_BUDGET_S": "60"]
        let workers = try (0..<2).map { _ in
            try Binaries.start(Binaries.path("work"), stdinBytes: Array("{}".utf8), environment: environment, workingDirectory: directory.path)
        }
        let summaries = try workers.map { try $0.wait() }
        for summary in summaries { #expect(summary.exitCode == 0, "\(summary.stdoutText)") }
        let claimed = summaries.compactMap { $0.json?["claimed"]?.intValue }
        #expect(claimed.reduce(0, +) == 24)
        let listed = try #require(try run("list-jobs", ["limit": 100]).json)
        #expect(listed["counts"] == ["succeeded": 24])
        #expect(listed["jobs"]?.arrayValue?.allSatisfy { $0["attempts"] == 1 } == true)
    }
}
