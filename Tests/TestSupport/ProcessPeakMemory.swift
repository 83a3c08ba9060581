import Foundation

extension Binaries {
    /// Runs a program like `run`, also returning its peak resident memory in bytes: a memory bound
    /// is a behaviour a test can assert, unlike a timing. The program is started by a small Python
    /// process that forks it and reads `ru_maxrss` from `wait4`. Linux keeps a process's high-water
    /// mark across `execve` and takes it from the memory the process had before: a child spawned
    /// straight from the test runner (`posix_spawn` shares the runner's memory until it execs) would
    /// report the runner's peak, hundreds of megabytes that are not the program's.
    package static func runMeasuringPeakMemory(_ executable: String, stdinBytes: [UInt8], environment: [String: String],
                                               workingDirectory: String) throws -> (result: ProcessResult, peakBytes: Int) {
        let peakFile = FileManager.default.temporaryDirectory.appendingPathComponent("peak-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: peakFile) }
        let script = """
            import os, sys
            pid = os.fork()
            if pid == 0:
                os.execv(sys.argv[2], sys.argv[2:])
            _, status, usage = os.wait4(pid, 0)
            with open(sys.argv[1], "w") as out:
                out.write(str(usage.ru_maxrss * 1024))
            code = os.waitstatus_to_exitcode(status)
            sys.exit(code if code >= 0 else 128 - code)
            """
        let path = executable.hasPrefix("/") ? executable : Binaries.path(executable)
        let result = try Binaries.start("/usr/bin/python3", arguments: ["-c", script, peakFile, path], stdinBytes: stdinBytes,
                                        environment: environment, workingDirectory: workingDirectory).wait()
        let peak = Int((try? String(contentsOfFile: peakFile, encoding: .utf8)) ?? "") ?? Int.max
        return (result, peak)
    }
}
