import Core
@testable import HTTPTransport
import Synchronization
import TestSupport
import Testing

/// Real libcurl against a loopback server: round trips, timeouts, size cap, refused connections.
@Suite struct CurlTransportTests {
    @Test func postsJSONAndReadsTheAnswer() async throws {
        let server = try LoopbackServer { request in
            .json(201, ["echo": request.json ?? nil, "path": .string(request.path)], headers: ["X-Upstream": "yes"])
        }
        let request = HTTPRequest.json(url: server.baseURL + "/v1/things?limit=2", body: ["name": "ada"],
                                       headers: [("Authorization", "Bearer k")])
        let response = try await CurlTransport().send(request, deadline: Deadline(seconds: 5))
        #expect(response.status == 201)
        #expect(response.header("x-upstream") == "yes")
        #expect(response.json?["echo"] == ["name": "ada"])
        #expect(response.json?["path"] == "/v1/things?limit=2")
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.header("content-type") == "application/json")
        #expect(received.header("authorization") == "Bearer k")
        #expect(received.header("expect") == nil)
    }

    @Test func getsWithoutABody() async throws {
        let server = try LoopbackServer { _ in .text(200, "plain") }
        let response = try await CurlTransport().send(HTTPRequest(url: server.baseURL + "/x"), deadline: Deadline(seconds: 5))
        #expect(response.text == "plain")
        #expect(server.requests.first?.method == "GET")
        #expect(server.requests.first?.body.isEmpty == true)
    }

    @Test func aSlowServerTimesOut() async throws {
        let server = try LoopbackServer { _ in ScriptedResponse(status: 200, delay: .seconds(3)) }
        let started = ContinuousClock.now
        await #expect(throws: TransportError(.timeout, host: "", "")) {
            _ = try await CurlTransport().send(HTTPRequest(url: server.baseURL, timeout: .milliseconds(300)), deadline: Deadline(seconds: 10))
        }
        #expect(started.duration(to: .now) < .milliseconds(2500))
    }

    @Test func theDeadlineCapsTheCallTimeout() async throws {
        let server = try LoopbackServer { _ in ScriptedResponse(status: 200, delay: .seconds(3)) }
        let started = ContinuousClock.now
        await #expect(throws: TransportError(.timeout, host: "", "")) {
            _ = try await CurlTransport().send(HTTPRequest(url: server.baseURL, timeout: .seconds(60)), deadline: Deadline(after: .milliseconds(300)))
        }
        #expect(started.duration(to: .now) < .milliseconds(2500))
    }

    @Test func aResponseOverTheCapIsRejected() async throws {
        let server = try LoopbackServer { _ in ScriptedResponse(status: 200, body: [UInt8](repeating: 65, count: 300_000)) }
        await #expect(throws: TransportError(.tooLarge, host: "", "")) {
            _ = try await CurlTransport(maxResponseBytes: 100_000).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 5))
        }
        let fits = try await CurlTransport(maxResponseBytes: 400_000).send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 5))
        #expect(fits.body.count == 300_000)
    }

    @Test func aRefusedConnectionIsAConnectionError() async throws {
        let server = try LoopbackServer { _ in .text(200, "") }
        let url = server.baseURL
        server.stop()
        await #expect(throws: TransportError(.connection, host: "", "")) {
            _ = try await CurlTransport().send(HTTPRequest(url: url), deadline: Deadline(seconds: 5))
        }
    }

    @Test func nonHTTPSchemesAreRefused() async throws {
        await #expect(throws: TransportError(.invalid, host: "", "")) {
            _ = try await CurlTransport().send(HTTPRequest(url: "file:///etc/passwd"), deadline: Deadline(seconds: 5))
        }
    }

    @Test func headerBlocksKeepTheLastResponse() {
        let headers = CurlTransport.parseHeaders("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: a\r\nSet-Cookie: x\r\nSet-Cookie: y\r\n\r\n")
        #expect(headers == ["content-type": "a", "set-cookie": "x, y"])
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
        let server = try LoopbackServer { _ in .text(200, "") }
        let url = server.baseURL
        server.stop()
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

@Suite struct FakeTransportTests {
    @Test func answersInOrderAndFailsLoudlyOnSurprises() async throws {
        let fake = FakeTransport()
        fake.expect("POST", "https://api.test/v1/a", respond: .json(200, ["n": 1]))
        fake.expect("GET", "https://api.test/v1/b", respond: .json(200, ["n": 2]))
        let first = try await fake.send(HTTPRequest(method: "POST", url: "https://api.test/v1/a?x=1"), deadline: Deadline(seconds: 1))
        #expect(first.json?["n"] == 1)
        await #expect(throws: TransportError(.unexpected, host: "", "")) {
            _ = try await fake.send(HTTPRequest(url: "https://api.test/v1/other"), deadline: Deadline(seconds: 1))
        }
        #expect(fake.unexpected == ["GET https://api.test/v1/other"])
        #expect(fake.pendingCount == 1)
        #expect(fake.received.count == 2)
    }
}
