import Foundation
import Synchronization

/// Runs work at the same moment from several threads of their own, for the race tests of the
/// row-level hot paths: a store call blocks its thread (libpq waits on a socket, PostgreSQL on a
/// row lock), so racing them on the two threads of the cooperative pool would leave most of the
/// racers waiting their turn, and a test sharing the pool with others might not race at all.
/// Racers call the stores' synchronous entry points: an async handler run from a racer would
/// occupy the pool's threads with blocking calls for the whole race and starve the other tests.
package enum Racing {
    /// Runs `body(0)` … `body(count − 1)` each on a thread of its own, released together once all
    /// are started; returns what each returned, in index order, or throws the first error.
    package static func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) async throws -> [T] {
        let state = State<T>(count: count)
        let results: [Result<T, any Error>] = await withCheckedContinuation { continuation in
            state.continuation.withLock { $0 = continuation }
            // One race at a time in this process (waited for on a thread of its own, never on the
            // pool): racers saturate the database for their moment, and several races at once
            // would slow every other test's statements, starving those with deadlines.
            Thread.detachNewThread {
                Racing.gate.wait()
                for index in 0..<count {
                    Thread.detachNewThread {
                        state.arriveAndWait()
                        let result = Result { try body(index) }
                        state.finish(index, result)
                    }
                }
            }
        }
        return try results.map { try $0.get() }
    }

    private static let gate = DispatchSemaphore(value: 1)

    private final class State<T: Sendable>: Sendable {
        let count: Int
        let arrived = Mutex(0)
        let release = DispatchSemaphore(value: 0)
        let results: Mutex<[Result<T, any Error>?]>
        let continuation = Mutex<CheckedContinuation<[Result<T, any Error>], Never>?>(nil)

        init(count: Int) {
            self.count = count
            results = Mutex(Array(repeating: nil, count: count))
        }

        /// A barrier: every racer starts its body once all threads run. Blocking, not spinning:
        /// on a busy machine spinning racers would take the cores the others need to start.
        func arriveAndWait() {
            let last = arrived.withLock { count in
                count += 1
                return count == self.count
            }
            if last {
                for _ in 1..<count { release.signal() }
            } else {
                release.wait()
            }
        }

        func finish(_ index: Int, _ result: Result<T, any Error>) {
            let all: [Result<T, any Error>]? = results.withLock { results in
                results[index] = result
                return results.allSatisfy { $0 != nil } ? results.map { $0! } : nil
            }
            if let all {
                Racing.gate.signal()
                continuation.withLock { $0 }?.resume(returning: all)
            }
        }
    }
}
