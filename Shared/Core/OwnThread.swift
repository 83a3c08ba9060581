#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking work (libcurl's transfer, poll(2) on a child's pipes) on a thread of its own, so
/// it never holds one of the few threads of Swift's cooperative pool while it waits.
package enum OwnThread {
    package static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Unmanaged.passRetained(ThreadWork {
                continuation.resume(with: Result { try work() })
            })
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { context in
                let job = Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue()
                job.run()
                return nil
            }, job.toOpaque())
            if status == 0 {
                pthread_detach(thread)
            } else {
                job.takeRetainedValue().run()
            }
        }
    }
}

private final class ThreadWork: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}
