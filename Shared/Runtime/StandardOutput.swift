import CProcessShim
#if canImport(Glibc)
import Glibc
#endif

/// The process's stdout for an answer written in parts (an SSE stream): the same one-writer claim
/// the watchdog and the crash guard use, so once a stream has started neither writes a second
/// answer into it, and a stream cannot start after either of them answered.
package enum StandardOutput {
    /// Takes stdout for this writer; false when the watchdog or the crash guard already answered.
    package static func claim() -> Bool {
        bundle_claim_stdout() == 1
    }

    /// Writes all bytes to fd 1 with write(2) (no buffering in between); false on any failure
    /// (EPIPE after the client went away: SIGPIPE is ignored by the CGI adapter).
    package static func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { bundle_write_all(STDOUT_FILENO, $0.baseAddress, $0.count) == 0 }
    }

    /// Ends the process after a streamed answer: the deadline timer is disarmed first, and `_exit`
    /// runs no exit handlers.
    package static func exit(_ code: Int32) -> Never {
        bundle_disarm_deadline()
        _exit(code)
    }
}
