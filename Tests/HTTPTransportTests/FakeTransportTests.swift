import Core
import HTTPTransport
import Testing

/// The fake transport follows its script exactly and makes every surprise visible.
@Suite struct FakeTransportScriptTests {
    let deadline = Deadline(seconds: 1)

    @Test func expectedCallsAreAnsweredInOrder() async throws {
        let fake = FakeTransport()
        fake.expect("GET", "https://api.test/v1/items", respond: .json(200, ["page": 1]))
        fake.expect("get", "https://api.test/v1/items", respond: .json(200, ["page": 2]))
        fake.expect("POST", "https://api.test/v1/items") { request in .json(201, ["echo": .string(String(decoding: request.body, as: UTF8.self))]) }
        #expect(fake.pendingCount == 3)

        let first = try await fake.send(HTTPRequest(url: "https://api.test/v1/items?page=1"), deadline: deadline)
        let second = try await fake.send(HTTPRequest(method: "Get", url: "https://api.test/v1/items?page=2"), deadline: deadline)
        let third = try await fake.send(HTTPRequest(method: "POST", url: "https://api.test/v1/items", body: Array("hi".utf8)), deadline: deadline)

        #expect(first.json?["page"] == 1)
        #expect(second.json?["page"] == 2)
        #expect(third.status == 201)
        #expect(third.json?["echo"] == "hi")
        #expect(fake.pendingCount == 0)
        #expect(fake.unexpected.isEmpty)
        #expect(fake.received.map(\.url) == ["https://api.test/v1/items?page=1", "https://api.test/v1/items?page=2", "https://api.test/v1/items"])
    }

    @Test func aCallOutOfScriptThrowsAndIsListed() async throws {
        let fake = FakeTransport()
        fake.expect("POST", "https://api.test/v1/a", respond: .json(200, [:]))
        fake.expect("GET", "https://api.test/v1/b", respond: .json(200, [:]))

        // The second expectation, called first: out of order is unexpected too.
        let outOfOrder = await caughtTransportError {
            _ = try await fake.send(HTTPRequest(url: "https://api.test/v1/b"), deadline: deadline)
        }
        #expect(outOfOrder?.kind == .unexpected)
        #expect(outOfOrder?.host == "api.test")
        #expect(outOfOrder?.bundleError.code == .internal)
        // Right URL, wrong method.
        await #expect(throws: TransportError(.unexpected, host: "", "")) {
            _ = try await fake.send(HTTPRequest(method: "PUT", url: "https://api.test/v1/a"), deadline: deadline)
        }
        #expect(fake.unexpected == ["GET https://api.test/v1/b", "PUT https://api.test/v1/a"])
        #expect(fake.pendingCount == 2)  // surprises consume nothing

        _ = try await fake.send(HTTPRequest(method: "POST", url: "https://api.test/v1/a"), deadline: deadline)
        #expect(fake.pendingCount == 1)
        #expect(fake.received.count == 3)
    }

    @Test func aCallAfterTheScriptRanOutIsUnexpected() async throws {
        let fake = FakeTransport()
        fake.expect("GET", "https://api.test/", respond: HTTPResponse(status: 204))
        _ = try await fake.send(HTTPRequest(url: "https://api.test/ping"), deadline: deadline)
        await #expect(throws: TransportError(.unexpected, host: "", "")) {
            _ = try await fake.send(HTTPRequest(url: "https://api.test/ping"), deadline: deadline)
        }
        #expect(fake.unexpected == ["GET https://api.test/ping"])
        #expect(fake.pendingCount == 0)
    }

    @Test func anAnswerCanThrowATransportError() async throws {
        let fake = FakeTransport()
        fake.expect("GET", "https://slow.test/") { request in throw TransportError(.timeout, host: request.host, "scripted") }
        let error = await caughtTransportError {
            _ = try await fake.send(HTTPRequest(url: "https://slow.test/x"), deadline: deadline)
        }
        #expect(error?.kind == .timeout)
        #expect(error?.message == "scripted")
        #expect(fake.unexpected.isEmpty)
        #expect(fake.pendingCount == 0)
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
