import Core
import Synchronization

/// When and how long to wait before trying a request again.
package struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    package var maxAttempts: Int
    package var baseDelay: Duration
    package var maxDelay: Duration
    /// The longest `Retry-After` honoured; a longer one ends the retries.
    package var retryAfterCap: Duration
    /// A provider's own rule for a response: false means a retry cannot help (OpenAI's 429
    /// `insufficient_quota`), true forces a retry, nil defers to the status rule.
    package var classify: @Sendable (HTTPResponse) -> Bool?

    package init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
                 retryAfterCap: Duration = .seconds(30), classify: @escaping @Sendable (HTTPResponse) -> Bool? = { _ in nil }) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryAfterCap = retryAfterCap
        self.classify = classify
    }

    /// Reads `UPSTREAM_MAX_ATTEMPTS` and `UPSTREAM_RETRY_AFTER_CAP_S`.
    package init(config: Config) throws {
        self.init(maxAttempts: try config.int("UPSTREAM_MAX_ATTEMPTS", default: 3, in: 1...10),
                  retryAfterCap: .milliseconds(Int64(try config.double("UPSTREAM_RETRY_AFTER_CAP_S", default: 30, in: 0...600) * 1000)))
    }

    package func with(classify: @escaping @Sendable (HTTPResponse) -> Bool?) -> RetryPolicy {
        var copy = self
        copy.classify = classify
        return copy
    }

    /// 408, 409, 429 and 5xx can change on their own; other statuses cannot.
    package func shouldRetry(_ response: HTTPResponse) -> Bool {
        if let verdict = classify(response) { return verdict }
        switch response.status {
        case 408, 409, 425, 429: return true
        case 501, 505: return false
        case 500...599: return true
        default: return false
        }
    }

    /// Full-jitter exponential backoff: a random wait in [0, min(maxDelay, base·2^(n-1))).
    package func backoff(afterAttempt attempt: Int, random: Double) -> Duration {
        let exponent = min(attempt - 1, 20)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        return ceiling * random
    }

    /// `retry-after-ms` (OpenAI), then `Retry-After` in seconds or as an HTTP date. Absurd values
    /// ("inf", "1e30") are clamped to about 30 years, past any cap, rather than trapping in `Int64`.
    package static func retryAfter(_ response: HTTPResponse, now: Double) -> Duration? {
        if let text = response.header("retry-after-ms"), let milliseconds = Double(text.trimmingWhitespace()), milliseconds >= 0 {
            return .milliseconds(Int64(min(milliseconds, 1e12)))
        }
        guard let text = response.header("retry-after")?.trimmingWhitespace() else { return nil }
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(Int64(min(seconds, 1e9) * 1000)) }
        if let date = HTTPDate.parse(text) {
            let seconds = max(0, date - now)
            return .milliseconds(Int64(seconds * 1000))
        }
        return nil
    }
}

/// Wraps a transport with the retry policy: retries retryable statuses and connection errors
/// with backoff and jitter, honours `Retry-After` up to its cap, and never waits past the deadline
/// (it then returns the last response, which the caller maps to an error).
package struct RetryingTransport: Transport {
    package typealias Sleeper = @Sendable (Duration) async throws -> Void

    package let base: any Transport
    package let policy: RetryPolicy
    package let logger: Logger
    private let sleep: Sleeper
    private let random: @Sendable () -> Double
    private let wallClock: @Sendable () -> Double

    package init(_ base: any Transport, policy: RetryPolicy = RetryPolicy(), logger: Logger = .discarding,
                 sleep: @escaping Sleeper = { try await Task.sleep(for: $0) },
                 random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                 wallClock: @escaping @Sendable () -> Double = { BundleClock.system.now().timeIntervalSince1970 }) {
        self.base = base
        self.policy = policy
        self.logger = logger
        self.sleep = sleep
        self.random = random
        self.wallClock = wallClock
    }

    package func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        try await withRetries(request, deadline: deadline, replayable: { true }) {
            try await base.send(request, deadline: deadline)
        }
    }

    /// Retries like `send` only while nothing was handed to `onBytes`: a retryable status (its
    /// body is buffered, never streamed) or a connection error before the first byte. Once bytes
    /// went out a failure is thrown as it is, since a replay would hand the caller a second copy
    /// of what it already has.
    package func stream(_ request: HTTPRequest, deadline: Deadline,
                        onBytes: @escaping @Sendable ([UInt8]) -> Bool) async throws -> HTTPResponse {
        let handedOver = Flag()
        return try await withRetries(request, deadline: deadline, replayable: { !handedOver.isRaised }) {
            try await base.stream(request, deadline: deadline) { piece in
                handedOver.raise()
                return onBytes(piece)
            }
        }
    }

    /// The one retry loop: `attempt` is tried again while `replayable` says it may be.
    private func withRetries(_ request: HTTPRequest, deadline: Deadline, replayable: () -> Bool,
                             _ call: () async throws -> HTTPResponse) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            let wait: Duration
            let reason: JSONValue
            do {
                let response = try await call()
                guard attempt < policy.maxAttempts, replayable(), policy.shouldRetry(response) else { return response }
                if let retryAfter = RetryPolicy.retryAfter(response, now: wallClock()) {
                    guard retryAfter <= policy.retryAfterCap else {
                        logger.warning("http.retry_after_too_long", ["host": .string(request.host), "status": .number(Double(response.status)),
                                                                     "retry_after_ms": .number(Double(retryAfter.milliseconds))])
                        return response
                    }
                    wait = retryAfter
                } else {
                    wait = policy.backoff(afterAttempt: attempt, random: random())
                }
                guard wait < deadline.remaining else { return response }
                reason = .number(Double(response.status))
            } catch let error as TransportError where error.isRetryable && attempt < policy.maxAttempts && replayable() {
                wait = policy.backoff(afterAttempt: attempt, random: random())
                guard !deadline.hasPassed, wait < deadline.remaining else { throw error }
                reason = .string(error.message)
            }
            logger.warning("http.retry", ["host": .string(request.host), "attempt": .number(Double(attempt)),
                                          "reason": reason, "delay_ms": .number(Double(wait.milliseconds))])
            try await sleep(wait)
            attempt += 1
        }
    }
}

/// Set once, from the transfer's thread; read by the retry loop.
private final class Flag: Sendable {
    private let raised = Atomic(false)
    func raise() { raised.store(true, ordering: .releasing) }
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}

/// Parses the HTTP date formats of RFC 9110 (IMF-fixdate, and the obsolete RFC 850 and asctime
/// forms), returning seconds since 1970.
package enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    package static func parse(_ text: String) -> Double? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        var day: Int64?, month: Int64?, year: Int64?, time: [Int64]?
        for token in tokens {
            if token.contains(":") {
                let parts = token.split(separator: ":").compactMap { Int64($0) }
                if parts.count == 3 { time = parts }
            } else if let index = months.firstIndex(of: String(token.prefix(3)).lowercased()), token.count <= 9, month == nil, Int(token) == nil {
                month = Int64(index + 1)
            } else if let number = Int64(token) {
                if token.count == 4 { year = number } else if day == nil { day = number } else if year == nil { year = number < 70 ? 2000 + number : 1900 + number }
            }
        }
        // Out-of-range fields are a broken date, and unchecked they overflow the arithmetic below.
        guard let day, let month, let year, let time, (1...31).contains(day),
              (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2]) else { return nil }
        let days = Timestamp.days(fromCivil: year, month, day)
        return Double(days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2])
    }
}
