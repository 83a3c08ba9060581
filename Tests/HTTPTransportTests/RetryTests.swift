import Core
import Synchronization
import HTTPTransport
import TestSupport
import Testing

/// The retry policy's arithmetic and header reading, without a network.
@Suite struct RetryPolicyUnitTests {
    @Test func backoffIsFullJitterUnderAnExponentialCeiling() {
        let policy = RetryPolicy(baseDelay: .milliseconds(500), maxDelay: .seconds(8))
        for attempt in 1...8 {
            let ceiling = min(Duration.seconds(8), .milliseconds(500) * (1 << (attempt - 1)))
            #expect(policy.backoff(afterAttempt: attempt, random: 0) == .zero, "attempt \(attempt)")
            let top = policy.backoff(afterAttempt: attempt, random: 0.999)
            #expect(top < ceiling, "attempt \(attempt)")
            #expect(top >= ceiling * 0.998, "attempt \(attempt)")
        }
        #expect(policy.backoff(afterAttempt: 2, random: 0.5) == .milliseconds(500))
        #expect(policy.backoff(afterAttempt: 1_000, random: 0.999) < .seconds(8))
    }

    @Test func retryAfterInSecondsAndMilliseconds() {
        func wait(_ headers: [String: String]) -> Duration? { RetryPolicy.retryAfter(HTTPResponse(status: 429, headers: headers), now: 0) }
        #expect(wait(["Retry-After": "1"]) == .seconds(1))
        #expect(wait(["Retry-After": " 2 "]) == .seconds(2))
        #expect(wait(["Retry-After": "0"]) == .zero)
        #expect(wait(["Retry-After": "1.5"]) == .milliseconds(1500))
        #expect(wait(["retry-after-ms": "250"]) == .milliseconds(250))
        #expect(wait(["retry-after-ms": "250", "Retry-After": "9"]) == .milliseconds(250))
        #expect(wait([:]) == nil)
        #expect(wait(["Retry-After": "soon"]) == nil)
        #expect(wait(["Retry-After": "-1"]) == nil)
        #expect(wait(["Retry-After": ""]) == nil)
    }

    @Test func retryAfterAsAnHTTPDate() {
        let response = HTTPResponse(status: 503, headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"])
        #expect(RetryPolicy.retryAfter(response, now: 784_111_777 - 30) == .seconds(30))
        #expect(RetryPolicy.retryAfter(response, now: 784_111_777 - 0.5) == .milliseconds(500))
        #expect(RetryPolicy.retryAfter(response, now: 784_111_777 + 60) == .zero)  // already past: retry now
    }

    /// A broken or hostile upstream must not crash the process through a header value.
    @Test(arguments: ["inf", "1e30", "9999999999999999999999"])
    func absurdRetryAftersMeanNoRetryRatherThanACrash(value: String) throws {
        let policy = RetryPolicy()
        for name in ["Retry-After", "retry-after-ms"] {
            let wait = try #require(RetryPolicy.retryAfter(HTTPResponse(status: 429, headers: [name: value]), now: 0))
            #expect(wait > policy.retryAfterCap, "\(name): \(value)")
        }
    }

    @Test(arguments: [
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777.0),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777),
        ("Sun Nov  6 08:49:37 1994", 784_111_777),
        ("Thu, 29 Feb 2024 12:00:00 GMT", 1_709_208_000),
        ("Wednesday, 21-Oct-15 07:28:00 GMT", 1_445_412_480),
    ])
    func parsesTheRFC9110DateForms(text: String, seconds: Double) {
        #expect(HTTPDate.parse(text) == seconds)
    }

    @Test(arguments: [
        "", "tomorrow", "Sun, 06 Nov 1994", "Sun, 06 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT",
        "Sun, 06 Nov 1994 08:61:00 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 9999999999999999:00:00 GMT",
        "Sun, 9223372036854775807 Nov 1994 08:49:37 GMT",
    ])
    func rejectsBrokenDates(text: String) {
        #expect(HTTPDate.parse(text) == nil)
    }

    @Test func statusRulesAndProviderOverrides() {
        let policy = RetryPolicy()
        for status in [408, 409, 425, 429, 500, 502, 503, 504, 529] { #expect(policy.shouldRetry(HTTPResponse(status: status)), "\(status)") }
        for status in [200, 301, 400, 401, 403, 404, 413, 422, 501, 505] { #expect(!policy.shouldRetry(HTTPResponse(status: status)), "\(status)") }
        let forced = policy.with { $0.status == 400 ? true : nil }
        #expect(forced.shouldRetry(HTTPResponse(status: 400)))
        #expect(forced.shouldRetry(HTTPResponse(status: 503)))
        #expect(!forced.shouldRetry(HTTPResponse(status: 404)))
    }

    @Test func onlyConnectionErrorsAndTimeoutsAreRetryable() {
        let retryable: [TransportError.Kind] = [.connection, .timeout]
        for kind in [TransportError.Kind.connection, .timeout, .tooLarge, .tls, .invalid, .unexpected] {
            #expect(TransportError(kind, host: "h", "m").isRetryable == retryable.contains(kind), "\(kind)")
        }
    }
}

/// RetryingTransport around real libcurl, with the sleeps recorded instead of waited.
@Suite struct RetryingTransportCurlTests {
    func transport(_ policy: RetryPolicy = RetryPolicy(), sleeper: RecordingSleeper, wallClock: Double = 0,
                   base: CurlTransport = CurlTransport()) -> RetryingTransport {
        RetryingTransport(base, policy: policy, sleep: sleeper.sleep, random: { 0.5 }, wallClock: { wallClock })
    }

    @Test func aTimedOutAttemptIsRetried() async throws {
        let server = try LoopbackServer.sequence([ScriptedResponse(status: 200, body: Array("late".utf8), delay: .seconds(2)),
                                                  .text(200, "fast")])
        let sleeper = RecordingSleeper()
        let response = try await transport(sleeper: sleeper)
            .send(HTTPRequest(url: server.baseURL, timeout: .milliseconds(300)), deadline: Deadline(seconds: 30))
        #expect(response.text == "fast")
        #expect(server.requests.count == 2)
        #expect(sleeper.recorded == [.milliseconds(250)])
    }

    @Test func aResponseOverTheCapIsNotRetried() async throws {
        let server = try LoopbackServer { _ in ScriptedResponse(status: 200, body: [UInt8](repeating: 1, count: 4096)) }
        let sleeper = RecordingSleeper()
        await #expect(throws: TransportError(.tooLarge, host: "", "")) {
            _ = try await transport(sleeper: sleeper, base: CurlTransport(maxResponseBytes: 1024))
                .send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 5))
        }
        #expect(server.requests.count == 1)
        #expect(sleeper.recorded.isEmpty)
    }

    @Test func anHTTPDateRetryAfterIsMeasuredFromTheInjectedClock() async throws {
        let server = try LoopbackServer.sequence([.json(503, [:], headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:39 GMT"]), .json(200, [:])])
        let sleeper = RecordingSleeper()
        let response = try await transport(sleeper: sleeper, wallClock: 784_111_777)
            .send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 30))
        #expect(response.status == 200)
        #expect(sleeper.recorded == [.seconds(2)])
    }

    @Test func aProviderRuleCanForceARetryOfA400() async throws {
        let server = try LoopbackServer.sequence([.json(400, ["error": ["code": "try_again"]]), .json(200, ["ok": true])])
        let sleeper = RecordingSleeper()
        let policy = RetryPolicy().with { $0.json?["error"]?["code"] == "try_again" ? true : nil }
        let response = try await transport(policy, sleeper: sleeper).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 30))
        #expect(response.status == 200)
        #expect(server.requests.count == 2)
    }

    @Test func insufficientQuotaIsNotRetriedButARateLimitIs() async throws {
        let quota: JSONValue = ["error": ["message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"]]
        let policy = RetryPolicy().with { $0.json?["error"]?["code"] == "insufficient_quota" ? false : nil }
        let noQuota = try LoopbackServer.sequence([.json(429, quota), .json(200, [:])])
        let sleeper = RecordingSleeper()
        let refused = try await transport(policy, sleeper: sleeper).send(HTTPRequest(url: noQuota.baseURL), deadline: Deadline(seconds: 5))
        #expect(refused.status == 429)
        #expect(noQuota.requests.count == 1)

        let limited = try LoopbackServer.sequence([.json(429, ["error": ["code": "rate_limit_exceeded"]]), .json(200, [:])])
        let retried = try await transport(policy, sleeper: sleeper).send(HTTPRequest(url: limited.baseURL), deadline: Deadline(seconds: 5))
        #expect(retried.status == 200)
        #expect(limited.requests.count == 2)
        #expect(sleeper.recorded == [.milliseconds(250)])
    }

    @Test func oneAttemptMeansNoRetry() async throws {
        let server = try LoopbackServer.sequence([.json(503, [:]), .json(200, [:])])
        let sleeper = RecordingSleeper()
        let response = try await transport(RetryPolicy(maxAttempts: 1), sleeper: sleeper)
            .send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 5))
        #expect(response.status == 503)
        #expect(server.requests.count == 1)
        #expect(sleeper.recorded.isEmpty)
    }

    @Test func aConnectionErrorIsThrownAtOnceWhenTheBackoffWouldPassTheDeadline() async throws {
        // Port 9 (discard) of the loopback: nothing listens there. A port freed by a stopped
        // server could be taken by another test's server before the call.
        let url = "http://127.0.0.1:9/"
        let sleeper = RecordingSleeper()
        await #expect(throws: TransportError(.connection, host: "", "")) {
            _ = try await transport(sleeper: sleeper).send(HTTPRequest(url: url), deadline: Deadline(after: .milliseconds(150)))
        }
        #expect(sleeper.recorded.isEmpty)
    }
}

/// Records requested waits instead of sleeping.
final class RecordingSleeper: Sendable {
    private let waits = Mutex<[Duration]>([])
    var sleep: RetryingTransport.Sleeper { { duration in self.waits.withLock { $0.append(duration) } } }
    var recorded: [Duration] { waits.withLock { $0 } }
}

@Suite struct RetryTests {
    func transport(_ policy: RetryPolicy = RetryPolicy(), sleeper: RecordingSleeper) -> RetryingTransport {
        RetryingTransport(CurlTransport(), policy: policy, sleep: sleeper.sleep, random: { 0.5 })
    }

    @Test func retries429HonouringRetryAfter() async throws {
        let server = try LoopbackServer.sequence([.json(429, ["error": "slow down"], headers: ["Retry-After": "1"]), .json(200, ["ok": true])])
        let sleeper = RecordingSleeper()
        let response = try await transport(sleeper: sleeper).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 10))
        #expect(response.status == 200)
        #expect(server.requests.count == 2)
        #expect(sleeper.recorded == [.seconds(1)])
    }

    @Test func reallyWaitsForRetryAfter() async throws {
        let server = try LoopbackServer.sequence([.json(429, [:], headers: ["Retry-After": "1"]), .json(200, [:])])
        let started = ContinuousClock.now
        let response = try await RetryingTransport(CurlTransport()).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 10))
        #expect(response.status == 200)
        #expect(started.duration(to: .now) >= .milliseconds(950))
    }

    @Test func retryAfterMillisecondsAndHTTPDates() async throws {
        let server = try LoopbackServer.sequence([.json(503, [:], headers: ["retry-after-ms": "250"]), .json(200, [:])])
        let sleeper = RecordingSleeper()
        _ = try await transport(sleeper: sleeper).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 10))
        #expect(sleeper.recorded == [.milliseconds(250)])
        let now = 784_111_777.0  // Sun, 06 Nov 1994 08:49:37 GMT
        let dated = HTTPResponse(status: 429, headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:47 GMT"])
        #expect(RetryPolicy.retryAfter(dated, now: now) == .seconds(10))
        #expect(RetryPolicy.retryAfter(HTTPResponse(status: 429, headers: ["Retry-After": "soon"]), now: now) == nil)
    }

    @Test func noRetryOnA400() async throws {
        let server = try LoopbackServer.sequence([.json(400, ["error": "bad"]), .json(200, [:])])
        let sleeper = RecordingSleeper()
        let response = try await transport(sleeper: sleeper).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 10))
        #expect(response.status == 400)
        #expect(server.requests.count == 1)
        #expect(sleeper.recorded.isEmpty)
    }

    @Test func givesUpAfterMaxAttemptsWithBackoff() async throws {
        let server = try LoopbackServer.sequence([.json(503, [:])])
        let sleeper = RecordingSleeper()
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(400), maxDelay: .seconds(8))
        let response = try await transport(policy, sleeper: sleeper).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 10))
        #expect(response.status == 503)
        #expect(server.requests.count == 3)
        #expect(sleeper.recorded == [.milliseconds(200), .milliseconds(400)])  // random 0.5 of 400 ms, then of 800 ms
    }

    @Test func aRetryAfterBeyondTheCapEndsRetries() async throws {
        let server = try LoopbackServer.sequence([.json(429, [:], headers: ["Retry-After": "3600"]), .json(200, [:])])
        let sleeper = RecordingSleeper()
        let response = try await transport(RetryPolicy(retryAfterCap: .seconds(30)), sleeper: sleeper)
            .send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 10))
        #expect(response.status == 429)
        #expect(server.requests.count == 1)
    }

    @Test func neverWaitsPastTheDeadline() async throws {
        let server = try LoopbackServer.sequence([.json(429, [:], headers: ["Retry-After": "5"]), .json(200, [:])])
        let sleeper = RecordingSleeper()
        let response = try await transport(sleeper: sleeper).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 2))
        #expect(response.status == 429)
        #expect(sleeper.recorded.isEmpty)
    }

    @Test func aProviderRuleCanForbidARetry() async throws {
        let server = try LoopbackServer.sequence([.json(429, ["error": ["code": "insufficient_quota"]]), .json(200, [:])])
        let sleeper = RecordingSleeper()
        let policy = RetryPolicy().with { $0.json?["error"]?["code"] == "insufficient_quota" ? false : nil }
        let response = try await transport(policy, sleeper: sleeper).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 10))
        #expect(response.status == 429)
        #expect(server.requests.count == 1)
    }

    @Test func connectionErrorsAreRetriedThenThrown() async throws {
        // Port 9 (discard) of the loopback: nothing listens there. A port freed by a stopped
        // server could be taken by another test's server before the call.
        let url = "http://127.0.0.1:9/"
        let sleeper = RecordingSleeper()
        await #expect(throws: TransportError(.connection, host: "", "")) {
            _ = try await transport(sleeper: sleeper).send(HTTPRequest(url: url), deadline: Deadline(seconds: 10))
        }
        #expect(sleeper.recorded.count == 2)
    }

    @Test func backoffIsFullJitterUnderTheCeiling() {
        let policy = RetryPolicy(baseDelay: .milliseconds(500), maxDelay: .seconds(8))
        #expect(policy.backoff(afterAttempt: 1, random: 0) == .zero)
        #expect(policy.backoff(afterAttempt: 1, random: 0.5) == .milliseconds(250))
        #expect(policy.backoff(afterAttempt: 3, random: 0.5) == .seconds(1))
        #expect(policy.backoff(afterAttempt: 10, random: 0.999) < .seconds(8))
        #expect(policy.backoff(afterAttempt: 10, random: 0.999) > .milliseconds(7900))
    }

    @Test(arguments: ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"])
    func parsesTheThreeHTTPDateForms(text: String) {
        #expect(HTTPDate.parse(text) == 784_111_777)
    }

    @Test func statusRules() {
        let policy = RetryPolicy()
        for status in [408, 409, 429, 500, 502, 503, 504, 529] { #expect(policy.shouldRetry(HTTPResponse(status: status)), "\(status)") }
        for status in [200, 400, 401, 403, 404, 422, 501] { #expect(!policy.shouldRetry(HTTPResponse(status: status)), "\(status)") }
    }
}
