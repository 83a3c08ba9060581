import Core
import Foundation

/// What a finished child process left behind.
package struct ProcessResult: Sendable {
    package var stdout: [UInt8]
    package var stderr: String
    package var exitCode: Int32
    package var duration: Duration

    package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// stdout as JSON (nil when it is not exactly one JSON document).
    package var json: JSONValue? { try? JSONValue(parsing: stdout) }
    package var errorCode: String? { json?["error"]?["code"]?.stringValue }
    package var logLines: [JSONValue] {
        stderr.split(separator: "\n").compactMap { try? JSONValue(parsing: String($0)) }
    }
}

/// Finds and runs the bundle's binaries the way cron or a person would: JSON on stdin, a clean
/// environment (no developer keys leak into tests), a working directory of the test's own.
package enum Binaries {
    /// `BUNDLE_TEST_BIN_DIR` (for example dist/bin, the stripped release binary and its links), else
    /// `bin/` in the build folder the test runner lives in, where every function's name is made a
    /// link to the debug `bundle`, as `infra/dev build` does in dist/bin.
    package static var directory: String {
        if let explicit = ProcessInfo.processInfo.environment["BUNDLE_TEST_BIN_DIR"], !explicit.isEmpty { return explicit }
        return linkedBuildDirectory
    }

    /// The build folder's `bin/`, made once per test process: links named after each function
    /// that `bundle --list` prints, and `dispatch`, to `../bundle`. It is built beside and renamed
    /// into place, so test processes that start at once never see half of it.
    private static let linkedBuildDirectory: String = {
        let build = buildDirectory
        let target = build + "/bin"
        let bundle = build + "/bundle"
        let listed = (try? run(bundle, arguments: ["--list"], workingDirectory: NSTemporaryDirectory()))?.stdoutText ?? ""
        let names = listed.split(separator: "\n").map(String.init) + ["dispatch", "bundle"]
        let manager = FileManager.default
        let existing = Set((try? manager.contentsOfDirectory(atPath: target)) ?? [])
        if existing.isSuperset(of: names) { return target }
        let staging = build + "/bin.\(getpid())"
        try? manager.removeItem(atPath: staging)
        try? manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
        for name in names { try? manager.createSymbolicLink(atPath: staging + "/" + name, withDestinationPath: "../bundle") }
        try? manager.removeItem(atPath: target)
        if rename(staging, target) != 0 { try? manager.removeItem(atPath: staging) }
        return target
    }()

    /// Test-support executables (not functions) always come from the build folder.
    package static var buildDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.path
    }

    package static func path(_ name: String) -> String { directory + "/" + name }

    /// Whether `path` is one of the bundle's executables (a function's link, `bundle`, or a
    /// test-support program in the build folder), not a shell, python or curl.
    private static func isFunction(_ path: String) -> Bool {
        // Not `directory`: that makes the build folder's links, by running `bundle` through here.
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
        let explicit = ProcessInfo.processInfo.environment["BUNDLE_TEST_BIN_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        return ([buildDirectory, buildDirectory + "/bin"] + (explicit.map { [$0] } ?? []))
            .contains { URL(fileURLWithPath: $0).standardizedFileURL.path == folder }
    }

    package static func run(_ executable: String, arguments: [String] = [], stdin: String = "", environment: [String: String] = [:],
                            workingDirectory: String) throws -> ProcessResult {
        try run(executable, arguments: arguments, stdinBytes: Array(stdin.utf8), environment: environment, workingDirectory: workingDirectory)
    }

    package static func run(_ executable: String, arguments: [String] = [], stdinBytes: [UInt8], environment: [String: String] = [:],
                            workingDirectory: String) throws -> ProcessResult {
        try start(executable, arguments: arguments, stdinBytes: stdinBytes, environment: environment,
                  workingDirectory: workingDirectory).wait()
    }

    /// Starts a process without waiting, so tests can run many at once. posix_spawn and waitpid
    /// directly: Foundation's Process, with other children alive, was seen to notice an exit
    /// only seconds late.
    package static func start(_ executable: String, arguments: [String] = [], stdinBytes: [UInt8] = [],
                              environment: [String: String] = [:], workingDirectory: String) throws -> RunningProcess {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let inputPath = scratch.appendingPathComponent("stdin").path
        try Data(stdinBytes).write(to: URL(fileURLWithPath: inputPath))

        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": workingDirectory, "LOG_LEVEL": "debug"]
        for (name, value) in environment { env[name] = value }
        let path = executable.hasPrefix("/") ? executable : Binaries.path(executable)
        // A function started without DATABASE_URL uses `var/bundle.sqlite` in its working
        // directory; in the PostgreSQL pass that path names its database as TestDatabase maps it,
        // so a test's own handle on the same path (TestDatabase.open) sees what the process wrote.
        if TestDatabase.dialect == .postgresql, env["DATABASE_URL"] == nil, isFunction(path) {
            env["DATABASE_URL"] = try TestDatabase.url(URL(fileURLWithPath: workingDirectory).appendingPathComponent("var/bundle.sqlite").path)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, scratch.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // `env -C` sets the working directory and then becomes the program (same process id).
        let argv = (["/usr/bin/env", "-C", workingDirectory, path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // The test runner's threads block most signals, and a spawned child inherits that mask:
        // reset it, or servers started for a test could not be stopped with SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let status = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, envp)
        guard status == 0 else {
            try? FileManager.default.removeItem(at: scratch)
            throw BundleError(.internal, "cannot start \(path): error \(status)")
        }
        return RunningProcess(pid: pid, scratch: scratch, started: started)
    }
}

/// A started child process; `wait()` collects its result.
package final class RunningProcess: @unchecked Sendable {
    package let processIdentifier: pid_t
    let scratch: URL
    let started: ContinuousClock.Instant

    init(pid: pid_t, scratch: URL, started: ContinuousClock.Instant) {
        processIdentifier = pid
        self.scratch = scratch
        self.started = started
    }

    package func wait() throws -> ProcessResult {
        var status: Int32 = 0
        while waitpid(processIdentifier, &status, 0) < 0 && errno == EINTR {}
        return try result(status: status)
    }

    /// The result once the process has exited, waiting at most `seconds`; nil while it still runs.
    package func wait(seconds: Double) throws -> ProcessResult? {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            var status: Int32 = 0
            let found = waitpid(processIdentifier, &status, WNOHANG)
            if found == processIdentifier { return try result(status: status) }
            if found < 0 && errno != EINTR { throw BundleError(.internal, "waitpid(\(processIdentifier)) failed: errno \(errno)") }
            if ContinuousClock.now >= end { return nil }
            usleep(20_000)
        }
    }

    /// What the process wrote on stderr so far (a server's log while it runs).
    package var stderrSoFar: String {
        String(decoding: (try? Data(contentsOf: scratch.appendingPathComponent("stderr"))) ?? Data(), as: UTF8.self)
    }

    private func result(status: Int32) throws -> ProcessResult {
        let duration = started.duration(to: .now)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let exited = status & 0x7F == 0
        return ProcessResult(stdout: Array(try Data(contentsOf: scratch.appendingPathComponent("stdout"))),
                             stderr: String(decoding: try Data(contentsOf: scratch.appendingPathComponent("stderr")), as: UTF8.self),
                             exitCode: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
                             duration: duration)
    }
}

/// A directory of its own for one test, removed when the value is dropped.
package final class TemporaryDirectory: @unchecked Sendable {
    package let path: String

    package init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    package func file(_ name: String) -> String { path + "/" + name }

    package func write(_ name: String, _ text: String) throws {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
    }
}
