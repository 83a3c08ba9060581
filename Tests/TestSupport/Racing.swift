import Foundation
import Synchronization

/// Runs work at the same moment from several threads of their own, for the race tests of the
/// row-level hot paths: a store call blocks its thread (libpq waits on a socket, PostgreSQL on a
/// row lock), so racing them on the two threads of the cooperative pool would leave most of the
/// racers waiting their turn, and a test sharing the pool with others might not race at all.
package enum Racing {
    /// Runs `body(0)` … `body(count − 1)` each on a thread of its own, released together once all
    /// are started; returns what each returned, in index order, or throws the first error.
    package static func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        let state = State<T>(count: count)
        let results: [Result<T, any Error>] = await withCheckedContinuation { continuation in
            state.continuation.withLock { $0 = continuation }
            for index in 0..<count {
                Thread.detachNewThread {
                    state.arriveAndWait()
                    let result = Result { try body(index) }
                    state.finish(index, result)
                }
            }
        }
        return try results.map { try $0.get() }
    }

    /// Runs an async function to its end on the calling (non-pool) thread's behalf: for a handler
    /// called from a racer of `onThreads`.
    package static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        Task.detached {
            let value: Result<T, any Error>
            do { value = .success(try await body()) } catch { value = .failure(error) }
            result.withLock { $0 = value }
            semaphore.signal()
        }
        semaphore.wait()
        return try result.withLock { $0! }.get()
    }

    private final class State<T: Sendable>: Sendable {
        let count: Int
        let arrived = Mutex(0)
        let results: Mutex<[Result<T, any Error>?]>
        let continuation = Mutex<CheckedContinuation<[Result<T, any Error>], Never>?>(nil)

        init(count: Int) {
            self.count = count
            results = Mutex(Array(repeating: nil, count: count))
        }

        /// A barrier: every racer starts its body once all threads run.
        func arriveAndWait() {
            arrived.withLock { $0 += 1 }
            while arrived.withLock({ $0 }) < count { usleep(50) }
        }

        func finish(_ index: Int, _ result: Result<T, any Error>) {
            let all: [Result<T, any Error>]? = results.withLock { results in
                results[index] = result
                return results.allSatisfy { $0 != nil } ? results.map { $0! } : nil
            }
            if let all { continuation.withLock { $0 }?.resume(returning: all) }
        }
    }
}
