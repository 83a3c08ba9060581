import CProcessShim
import Core
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Ends the process with a `timeout` answer when the deadline passes, even if the handler is stuck
/// in blocking work: a SIGALRM timer whose handler writes the pre-rendered answer. The adapter
/// renders that answer for its transport (a JSON document, a CGI 504); the runtime only arms it.
package enum Watchdog {
    /// The grace past a timeout before the watchdog answers: the handler fails on its own
    /// deadline first (and records what it did) unless it is stuck.
    package static func grace(for timeout: Double) -> Double { min(1.0, timeout * 0.1) }

    package static func start(after seconds: Double, logger: Logger, render: (BundleError) -> [UInt8]) {
        let error = BundleError(.timeout, "the function did not finish within its deadline of \(JSONValue.number(seconds).jsonText) s")
        let document = render(error)
        let firesAt = Date().addingTimeInterval(seconds)
        let line: JSONValue = [
            "ts": .string(Timestamp.format(firesAt, milliseconds: true)), "level": "error", "fn": .string(logger.function),
            "request_id": .string(logger.requestID), "msg": "invocation.deadline", "seconds": .number(seconds),
        ]
        let logLine = Array((line.jsonText + "\n").utf8)
        document.withUnsafeBytes { documentBytes in
            logLine.withUnsafeBytes { logBytes in
                bundle_arm_deadline(seconds, documentBytes.baseAddress, documentBytes.count, logBytes.baseAddress, logBytes.count,
                                    ErrorCode.timeout.exitCode)
            }
        }
    }
}

/// Installs the crash handler that writes an `internal` answer if the process dies mid-way,
/// rendered by the adapter for its transport.
package enum CrashGuard {
    package static func install(render: (BundleError) -> [UInt8]) {
        let document = render(BundleError(.internal, "the function crashed; its log on stderr has the details"))
        document.withUnsafeBytes { buffer in
            bundle_install_crash_guard(buffer.baseAddress, buffer.count, ErrorCode.internal.exitCode)
        }
    }

    /// The log line the crash handler writes before its answer, for this logger's function and
    /// request id (so the answer's "its log on stderr has the details" holds).
    package static func describe(_ logger: Logger) {
        guard bundle_crash_guard_installed() != 0 else { return }
        let fields: JSONValue = [
            "level": "error", "fn": .string(logger.function), "request_id": .string(logger.requestID), "msg": "invocation.crashed",
        ]
        let text = fields.jsonText
        let inner = Array(text.utf8.dropFirst().dropLast())  // without the braces
        inner.withUnsafeBytes { bundle_set_crash_log($0.baseAddress, $0.count) }
    }
}

/// Writes the one answer if nothing else has, then exits at once: the deadline timer is disarmed
/// first, and `_exit` runs no exit handlers that could crash or stall after the answer is out.
package enum ProcessAnswer {
    package static func emit(_ bytes: [UInt8], exitCode: Int32) -> Never {
        bytes.withUnsafeBytes { buffer in
            if bundle_claim_stdout() == 1 {
                bundle_disarm_deadline()
                _ = bundle_write_all(1, buffer.baseAddress, buffer.count)
            }
        }
        _exit(exitCode)
    }
}
