import CProcessShim
import Core
#if canImport(Glibc)
import Glibc
#endif

/// Ends the process with a `timeout` error when the deadline passes, even if the handler is stuck
/// in blocking work. Runs on its own thread, outside the cooperative pool.
enum Watchdog {
    static func start(after seconds: Double) {
        let context = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        context.initialize(to: seconds)
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let pointer = raw!.assumingMemoryBound(to: Double.self)
            let seconds = pointer.pointee
            pointer.deallocate()
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
            let error = BundleError(.timeout, "the function did not finish within its deadline of \(JSONValue.number(seconds).jsonText) s")
            let document = Runtime.errorDocument(error) + [10]
            Logger(function: "-", requestID: "-").error("invocation.deadline", ["seconds": .number(seconds)])
            document.withUnsafeBytes { buffer in
                bundle_emit_and_exit(buffer.baseAddress, buffer.count, ErrorCode.timeout.exitCode)
            }
            return nil
        }, context)
        if status == 0 { pthread_detach(thread) }
    }
}

/// Installs the crash handler that writes an `internal` error if the process dies mid-way.
enum CrashGuard {
    static func install() {
        let error = BundleError(.internal, "the function crashed; its log on stderr has the details")
        let document = Runtime.errorDocument(error) + [10]
        document.withUnsafeBytes { buffer in
            bundle_install_crash_guard(buffer.baseAddress, buffer.count, ErrorCode.internal.exitCode)
        }
    }
}
