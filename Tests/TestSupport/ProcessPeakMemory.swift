import Foundation

extension RunningProcess {
    /// Waits like `wait()`, also returning the child's peak resident memory in bytes (wait4's
    /// `ru_maxrss`): a memory bound is a behaviour a test can assert, unlike a timing.
    package func waitMeasuringPeakMemory() throws -> (result: ProcessResult, peakBytes: Int) {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(processIdentifier, &status, 0, &usage) < 0 && errno == EINTR {}
        let duration = started.duration(to: .now)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let exited = status & 0x7F == 0
        let result = ProcessResult(stdout: Array(try Data(contentsOf: scratch.appendingPathComponent("stdout"))),
                                   stderr: String(decoding: try Data(contentsOf: scratch.appendingPathComponent("stderr")), as: UTF8.self),
                                   exitCode: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F), duration: duration)
        return (result, Int(usage.ru_maxrss) * 1024)
    }
}
