import Core

/// How a failed step is tried again: up to `attempts` tries, with an exponential backoff
/// (base × 2^(n−1), capped) times a jitter factor in 0.5…1, and only for errors a retry can fix
/// (DESIGN.md's retry column: rate_limited, upstream_failed, unavailable, timeout, internal;
/// not an error marked `retryable: false`).
package struct WorkflowRetry: Sendable {
    package var attempts: Int
    package var baseSeconds: Double
    package var maxSeconds: Double
    package var jitter: @Sendable () -> Double

    package init(attempts: Int = 3, baseSeconds: Double = 2, maxSeconds: Double = 60,
                 jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1.0) }) {
        self.attempts = attempts
        self.baseSeconds = baseSeconds
        self.maxSeconds = maxSeconds
        self.jitter = jitter
    }

    /// `WORKFLOW_RETRY_ATTEMPTS` (default 3) and `WORKFLOW_RETRY_BASE_SECONDS` (default 2).
    package init(config: Config) throws {
        self.init(attempts: try config.int("WORKFLOW_RETRY_ATTEMPTS", default: 3, in: 1...10),
                  baseSeconds: try config.double("WORKFLOW_RETRY_BASE_SECONDS", default: 2, in: 0...300))
    }

    /// The code's rule, except for errors marked not retryable (an answer that failed validation
    /// after its repair: another attempt would pay for the same two calls again).
    package func isRetryable(_ error: BundleError) -> Bool { error.isRetryable }

    package func delay(afterAttempt attempt: Int) -> Double {
        let exponential = baseSeconds * Double(1 << min(30, max(0, attempt - 1)))
        return min(maxSeconds, exponential) * jitter()
    }
}
