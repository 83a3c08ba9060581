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
    /// `BUNDLE_BIN_DIR` (for example the stripped release binaries in dist/bin), else the build
    /// folder the test runner itself lives in.
    package static var directory: String {
        if let explicit = ProcessInfo.processInfo.environment["BUNDLE_BIN_DIR"], !explicit.isEmpty { return explicit }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On some platforms the runner sits inside a .xctest bundle.
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.path
    }

    /// Test-support executables (not functions) always come from the build folder.
    package static var buildDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.path
    }

    package static func path(_ name: String) -> String { directory + "/" + name }

    package static func run(_ executable: String, arguments: [String] = [], stdin: String = "", environment: [String: String] = [:],
                            workingDirectory: String) throws -> ProcessResult {
        try run(executable, arguments: arguments, stdinBytes: Array(stdin.utf8), environment: environment, workingDirectory: workingDirectory)
    }

    package static func run(_ executable: String, arguments: [String] = [], stdinBytes: [UInt8], environment: [String: String] = [:],
                            workingDirectory: String) throws -> ProcessResult {
        try start(executable, arguments: arguments, stdinBytes: stdinBytes, environment: environment,
                  workingDirectory: workingDirectory).wait()
    }

    /// Starts a process without waiting, so tests can run many at once.
    package static func start(_ executable: String, arguments: [String] = [], stdinBytes: [UInt8] = [],
                              environment: [String: String] = [:], workingDirectory: String) throws -> RunningProcess {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let inputURL = scratch.appendingPathComponent("stdin")
        let outputURL = scratch.appendingPathComponent("stdout")
        let errorURL = scratch.appendingPathComponent("stderr")
        try Data(stdinBytes).write(to: inputURL)
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : path(executable))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": workingDirectory, "LOG_LEVEL": "debug"]
        for (name, value) in environment { env[name] = value }
        process.environment = env
        let handles = [try FileHandle(forReadingFrom: inputURL), try FileHandle(forWritingTo: outputURL),
                       try FileHandle(forWritingTo: errorURL)]
        process.standardInput = handles[0]
        process.standardOutput = handles[1]
        process.standardError = handles[2]
        let started = ContinuousClock.now
        try process.run()
        return RunningProcess(process: process, handles: handles, scratch: scratch, started: started)
    }
}

/// A started child process; `wait()` collects its result.
package final class RunningProcess: @unchecked Sendable {
    let process: Process
    let handles: [FileHandle]
    let scratch: URL
    let started: ContinuousClock.Instant

    init(process: Process, handles: [FileHandle], scratch: URL, started: ContinuousClock.Instant) {
        self.process = process
        self.handles = handles
        self.scratch = scratch
        self.started = started
    }

    package var processIdentifier: Int32 { process.processIdentifier }

    package func wait() throws -> ProcessResult {
        process.waitUntilExit()
        let duration = started.duration(to: .now)
        defer {
            for handle in handles { try? handle.close() }
            try? FileManager.default.removeItem(at: scratch)
        }
        return ProcessResult(stdout: Array(try Data(contentsOf: scratch.appendingPathComponent("stdout"))),
                             stderr: String(decoding: try Data(contentsOf: scratch.appendingPathComponent("stderr")), as: UTF8.self),
                             exitCode: process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus,
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
