import Core
import Foundation

/// `bundle serve-fastcgi` started for one test: the master as a child process in a directory of
/// its own (its socket `s.sock` there, its database `var/bundle.sqlite` there or the test run's
/// PostgreSQL role for that path), its log (the master's and its workers' stderr) readable while
/// it runs. It is started through a link named `bundle` in that directory, so a test can re-point
/// the link (a deploy, or a binary that cannot start) before a SIGHUP. Stopped with SIGTERM when
/// released, SIGKILL if it does not drain in time; workers it left are killed too.
package final class FastCGIServer: @unchecked Sendable {
    package let directory: TemporaryDirectory
    package let socketPath: String
    /// The link the master was started through (`<directory>/bin/bundle`).
    package let link: String
    package let databasePath: String
    package let databaseURL: String
    private let process: RunningProcess
    private var finished: ProcessResult?

    package var pid: pid_t { process.processIdentifier }

    /// `binary`: what the link points at (the test-support probe by default, or the real `bundle`).
    /// `arguments` follow `serve-fastcgi`; `--socket` is added unless given. `databaseURL`
    /// overrides the test database of the directory.
    package init(binary: String = Binaries.buildDirectory + "/runtime-probe", arguments: [String] = ["--workers", "2"],
                 environment: [String: String] = [:], databaseURL: String? = nil, directory: TemporaryDirectory? = nil,
                 waitUntilReady: Bool = true) throws {
        let directory = try directory ?? TemporaryDirectory()
        self.directory = directory
        socketPath = directory.file("s.sock")
        databasePath = directory.file("var/bundle.sqlite")
        try FileManager.default.createDirectory(atPath: directory.file("var"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.file("bin"), withIntermediateDirectories: true)
        link = directory.file("bin/bundle")
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == nil {
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: binary)
        }
        self.databaseURL = try databaseURL ?? TestDatabase.url(databasePath)
        var all = ["serve-fastcgi"] + arguments
        if !arguments.contains("--socket") && !arguments.contains("--listen") { all += ["--socket", socketPath] }
        process = try Binaries.start(link, arguments: all, environment: ["DATABASE_URL": self.databaseURL].merging(environment) { $1 },
                                     workingDirectory: directory.path)
        if waitUntilReady {
            guard waitForLog(within: 120, { $0["msg"] == "fastcgi.ready" }) != nil else {
                let log = self.log
                stop(signal: SIGKILL)
                throw BundleError(.internal, "serve-fastcgi did not get ready: \(log)")
            }
        }
    }

    deinit {
        if finished == nil { stop() }
        killLeftWorkers()
    }

    /// The master's and its workers' stderr so far.
    package var log: String { finished?.stderr ?? process.stderrSoFar }

    package var logLines: [JSONValue] {
        log.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
    }

    /// Lines whose `msg` is `message`.
    package func lines(_ message: String) -> [JSONValue] {
        logLines.filter { $0["msg"]?.stringValue == message }
    }

    /// Waits for a log line that `matches` (nil when none came within `seconds`).
    @discardableResult
    package func waitForLog(within seconds: Double = 60, _ matches: (JSONValue) -> Bool) -> JSONValue? {
        var found: JSONValue?
        _ = Eventually.holds(within: seconds) {
            found = logLines.first(where: matches)
            return found != nil || hasExited
        }
        return found ?? logLines.first(where: matches)
    }

    /// Waits until at least `count` lines say `message`.
    @discardableResult
    package func waitForLines(_ message: String, count: Int, within seconds: Double = 60) -> Bool {
        Eventually.holds(within: seconds) { lines(message).count >= count }
    }

    /// A new connection to the master's socket.
    package func connect(timeout: Int = 90) throws -> FastCGIClient {
        try FastCGIClient(socketPath: socketPath, timeout: timeout)
    }

    package func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Whether the master has exited (reaping it then).
    package var hasExited: Bool {
        if finished != nil { return true }
        if let result = try? process.wait(seconds: 0) {
            finished = result
            return true
        }
        return false
    }

    /// Waits up to `seconds` for the master to exit on its own; its result, or nil.
    package func waitForExit(within seconds: Double) -> ProcessResult? {
        if let finished { return finished }
        finished = try? process.wait(seconds: seconds)
        return finished
    }

    /// Sends `signal`, waits up to `seconds` for the exit, then SIGKILL; the master's result.
    @discardableResult
    package func stop(signal: Int32 = SIGTERM, within seconds: Double = 60) -> ProcessResult? {
        if let finished { return finished }
        kill(process.processIdentifier, signal)
        if let result = try? process.wait(seconds: seconds) {
            finished = result
            return result
        }
        kill(process.processIdentifier, SIGKILL)
        finished = try? process.wait(seconds: 30)
        return finished
    }

    /// The workers the log says were started (pid and generation), in order.
    package var startedWorkers: [(pid: pid_t, generation: Int)] {
        lines("fastcgi.worker_started").compactMap { line in
            guard let pid = line["pid"]?.intValue else { return nil }
            return (pid_t(pid), line["generation"]?.intValue ?? 0)
        }
    }

    /// Whether `pid` is a live process (not a zombie) whose command line is a FastCGI worker's.
    package static func isWorkerAlive(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
        guard state != "Z" && state != "X" else { return false }
        let arguments = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
        return String(decoding: arguments, as: UTF8.self).contains("--worker")
    }

    /// Workers still running once the master is gone (one stuck in a request it was given).
    private func killLeftWorkers() {
        for worker in startedWorkers where Self.isWorkerAlive(worker.pid) { kill(worker.pid, SIGKILL) }
    }
}
