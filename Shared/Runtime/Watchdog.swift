import CProcessShim
import Core
import FoundationEssentials

/// Ends the process with a `timeout` error when the deadline passes, even if the handler is stuck
/// in blocking work: a SIGALRM timer whose handler writes the pre-rendered error.
enum Watchdog {
    static func start(after seconds: Double, logger: Logger, channel: OutputChannel) {
        let error = BundleError(.timeout, "the function did not finish within its deadline of \(JSONValue.number(seconds).jsonText) s")
        let document = channel.failure(error, requestID: logger.requestID)
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

/// Installs the crash handler that writes an `internal` error if the process dies mid-way.
enum CrashGuard {
    static func install(_ channel: OutputChannel) {
        let error = BundleError(.internal, "the function crashed; its log on stderr has the details")
        let document = channel.failure(error, requestID: channel.requestID ?? "-")
        document.withUnsafeBytes { buffer in
            bundle_install_crash_guard(buffer.baseAddress, buffer.count, ErrorCode.internal.exitCode)
        }
    }
}

extension CrashGuard {
    /// The log line the crash handler writes before its answer, for this logger's function and
    /// request id (so the answer's "its log on stderr has the details" holds).
    static func describe(_ logger: Logger) {
        let fields: JSONValue = [
            "level": "error", "fn": .string(logger.function), "request_id": .string(logger.requestID), "msg": "invocation.crashed",
        ]
        let text = fields.jsonText
        let inner = Array(text.utf8.dropFirst().dropLast())  // without the braces
        inner.withUnsafeBytes { bundle_set_crash_log($0.baseAddress, $0.count) }
    }
}
