import Core
@testable import HTTPTransport
import TestSupport
import Testing

/// The error a transport call threw, for tests that look past the kind (host, message).
func caughtTransportError(_ call: () async throws -> Void) async -> TransportError? {
    do {
        try await call()
        return nil
    } catch {
        return error as? TransportError
    }
}

/// What real libcurl puts on the wire and makes of odd answers: methods, headers, redirects, the
/// exact size cap, chunked and truncated responses, a deadline already passed.
@Suite struct CurlTransportWireTests {
    @Test func getSendsPathQueryAndHeadersAndReadsTheAnswer() async throws {
        let server = try LoopbackServer { _ in .json(200, ["items": [1, 2]], headers: ["X-Trace": "abc"]) }
        let request = HTTPRequest(url: server.baseURL + "/v1/items?limit=2&q=a%20b",
                                  headers: [("Authorization", "Bearer t"), ("X-Custom", "v")])
        let response = try await CurlTransport().send(request, deadline: Deadline(seconds: 5))

        #expect(response.status == 200)
        #expect(response.isSuccess)
        #expect(response.header("X-Trace") == "abc")
        #expect(response.header("content-type") == "application/json")
        #expect(response.json == ["items": [1, 2]])
        let received = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(received.method == "GET")
        #expect(received.path == "/v1/items?limit=2&q=a%20b")
        #expect(received.header("authorization") == "Bearer t")
        #expect(received.header("x-custom") == "v")
        #expect(received.header("host") == "127.0.0.1:\(server.port)")
        #expect(received.header("user-agent") == "function-bundle/1 (libcurl)")
        #expect(received.header("accept-encoding")?.contains("gzip") == true)
        #expect(received.header("content-length") == nil)
        #expect(received.body.isEmpty)
    }

    @Test func postsJSONWithItsExactLength() async throws {
        let server = try LoopbackServer { request in .json(201, ["got": request.json ?? nil]) }
        let body: JSONValue = ["name": "Ada", "tags": ["a", "é"], "n": 3]
        let response = try await CurlTransport(userAgent: "probe/2")
            .send(.json(url: server.baseURL + "/v1/people", body: body), deadline: Deadline(seconds: 5))

        #expect(response.status == 201)
        #expect(response.json?["got"] == body)
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.path == "/v1/people")
        #expect(received.json == body)
        #expect(received.header("content-length") == String(Array(body.jsonText.utf8).count))
        #expect(received.header("content-type") == "application/json")
        #expect(received.header("accept") == "application/json")
        #expect(received.header("user-agent") == "probe/2")
        #expect(received.header("expect") == nil)
    }

    @Test func otherMethodsKeepTheirNameAndBody() async throws {
        let server = try LoopbackServer { request in .text(200, request.method + " " + request.text) }
        let transport = CurlTransport()
        // Generous: several calls share it, and a busy test run may keep a call waiting for a thread.
        let deadline = Deadline(seconds: 30)

        let emptyPost = try await transport.send(HTTPRequest(method: "POST", url: server.baseURL + "/a"), deadline: deadline)
        #expect(emptyPost.text == "POST ")
        #expect(server.requests.last?.header("content-length") == "0")

        let put = try await transport.send(HTTPRequest(method: "put", url: server.baseURL + "/b", body: Array("v=1".utf8)), deadline: deadline)
        #expect(put.text == "PUT v=1")

        let patch = try await transport.send(.json("PATCH", url: server.baseURL + "/c", body: ["x": 1]), deadline: deadline)
        #expect(patch.text == #"PATCH {"x":1}"#)

        let delete = try await transport.send(HTTPRequest(method: "DELETE", url: server.baseURL + "/d"), deadline: deadline)
        #expect(delete.text == "DELETE ")
        #expect(server.requests.last?.body.isEmpty == true)

        let getWithBody = try await transport.send(HTTPRequest(method: "GET", url: server.baseURL + "/e", body: Array("q".utf8)), deadline: deadline)
        #expect(getWithBody.text == "GET q")

        let head = try await transport.send(HTTPRequest(method: "HEAD", url: server.baseURL + "/f"), deadline: deadline)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(server.requests.map(\.method) == ["POST", "PUT", "PATCH", "DELETE", "GET", "HEAD"])
    }

    @Test func headersWithLineBreaksAreRefusedNotInjected() async throws {
        let server = try LoopbackServer { _ in .text(204, "") }
        for headers in [[("X-Evil", "a\r\nX-Injected: 1")], [("X-Bad\nName", "v")], [("Authorization", "Bearer sk-from-a-crlf-file\r")]] {
            let request = HTTPRequest(url: server.baseURL, headers: [("X-Good", "1")] + headers)
            let error = await caughtTransportError { _ = try await CurlTransport().send(request, deadline: Deadline(seconds: 5)) }
            #expect(error?.kind == .invalid)
            #expect(error?.message.contains("line break") == true)
            #expect(error?.message.contains("sk-from-a-crlf-file") == false)
        }
        #expect(server.requests.isEmpty)
    }

    @Test func redirectsAreFollowedOnlyWhenAskedAndKeepTheFinalHeaders() async throws {
        let server = try LoopbackServer { request in
            request.path == "/old"
                ? ScriptedResponse(status: 302, headers: ["Location": "/new", "X-Hop": "first"])
                : .text(200, "moved", headers: ["X-Final": "yes"])
        }
        let stay = try await CurlTransport().send(HTTPRequest(url: server.baseURL + "/old"), deadline: Deadline(seconds: 5))
        #expect(stay.status == 302)
        #expect(stay.header("location") == "/new")
        #expect(server.requests.count == 1)

        let follow = try await CurlTransport().send(HTTPRequest(url: server.baseURL + "/old", followRedirects: true),
                                                    deadline: Deadline(seconds: 5))
        #expect(follow.status == 200)
        #expect(follow.text == "moved")
        #expect(follow.header("x-final") == "yes")
        #expect(follow.header("x-hop") == nil)
        #expect(server.requests.map(\.path) == ["/old", "/old", "/new"])
    }

    @Test func errorStatusesAreResponsesNotErrors() async throws {
        let server = try LoopbackServer { _ in .json(404, ["error": "no such thing"]) }
        let response = try await CurlTransport().send(HTTPRequest(url: server.baseURL + "/missing"), deadline: Deadline(seconds: 5))
        #expect(response.status == 404)
        #expect(!response.isSuccess)
        #expect(response.json?["error"] == "no such thing")
    }

    @Test func theSizeCapIsInclusive() async throws {
        let server = try LoopbackServer { request in
            ScriptedResponse(status: 200, body: [UInt8](repeating: 66, count: request.path == "/exact" ? 2048 : 2049))
        }
        let transport = CurlTransport(maxResponseBytes: 2048)
        let exact = try await transport.send(HTTPRequest(url: server.baseURL + "/exact"), deadline: Deadline(seconds: 5))
        #expect(exact.body.count == 2048)
        await #expect(throws: TransportError(.tooLarge, host: "", "")) {
            _ = try await transport.send(HTTPRequest(url: server.baseURL + "/over"), deadline: Deadline(seconds: 5))
        }
    }

    /// Without a Content-Length libcurl cannot refuse up front; the write callback must stop it.
    @Test func aChunkedResponseOverTheCapIsStoppedWhileReading() async throws {
        @Sendable func chunked(_ count: Int) -> ScriptedResponse {
            var body: [UInt8] = []
            for _ in 0..<count { body += Array("3e8\r\n".utf8) + [UInt8](repeating: 67, count: 1000) + Array("\r\n".utf8) }
            return ScriptedResponse(status: 200, headers: ["Transfer-Encoding": "chunked"], body: body + Array("0\r\n\r\n".utf8))
        }
        let server = try LoopbackServer { request in chunked(request.path == "/small" ? 2 : 5) }
        let transport = CurlTransport(maxResponseBytes: 2048)
        let small = try await transport.send(HTTPRequest(url: server.baseURL + "/small"), deadline: Deadline(seconds: 5))
        #expect(small.body == [UInt8](repeating: 67, count: 2000))
        let error = await caughtTransportError {
            _ = try await transport.send(HTTPRequest(url: server.baseURL + "/big"), deadline: Deadline(seconds: 5))
        }
        #expect(error?.kind == .tooLarge)
        #expect(error?.bundleError.code == .upstreamFailed)
    }

    @Test func aResponseCutShortIsAConnectionError() async throws {
        let server = try LoopbackServer { _ in ScriptedResponse(status: 200, headers: ["Content-Length": "100"], body: Array("only ten!!".utf8)) }
        let error = await caughtTransportError {
            _ = try await CurlTransport().send(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 5))
        }
        #expect(error?.kind == .connection)
        #expect(error?.isRetryable == true)
    }

    @Test func aDeadlineAlreadyPassedSendsNothing() async throws {
        let server = try LoopbackServer { _ in .text(200, "too late") }
        let error = await caughtTransportError {
            _ = try await CurlTransport().send(HTTPRequest(url: server.baseURL), deadline: Deadline(after: .zero))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.bundleError.code == .timeout)
        #expect(server.requests.isEmpty)
    }

    @Test func errorsNameTheHostButNeverTheQuery() async throws {
        // Port 9 (discard) of the loopback: nothing listens there (a freed port could be reused).
        let url = "http://127.0.0.1:9/v1/search?api_key=secret-123"
        let error = try #require(await caughtTransportError {
            _ = try await CurlTransport().send(HTTPRequest(url: url), deadline: Deadline(seconds: 5))
        })
        #expect(error.kind == .connection)
        #expect(error.host == "127.0.0.1:9")
        #expect(!error.description.contains("secret-123"))
        #expect(!error.bundleError.message.contains("secret-123"))
    }
}

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

    // The server would answer after 120 s; the bound is loose (a loaded machine can starve the
    // test's threads for seconds) and still far below what no timeout would take.
    @Test func aSlowServerTimesOut() async throws {
        let server = try LoopbackServer { _ in ScriptedResponse(status: 200, delay: .seconds(120)) }
        let started = ContinuousClock.now
        await #expect(throws: TransportError(.timeout, host: "", "")) {
            _ = try await CurlTransport().send(HTTPRequest(url: server.baseURL, timeout: .milliseconds(300)), deadline: Deadline(seconds: 10))
        }
        #expect(started.duration(to: .now) < .seconds(60))
    }

    @Test func theDeadlineCapsTheCallTimeout() async throws {
        let server = try LoopbackServer { _ in ScriptedResponse(status: 200, delay: .seconds(120)) }
        let started = ContinuousClock.now
        await #expect(throws: TransportError(.timeout, host: "", "")) {
            _ = try await CurlTransport().send(HTTPRequest(url: server.baseURL, timeout: .seconds(60)), deadline: Deadline(after: .milliseconds(300)))
        }
        #expect(started.duration(to: .now) < .seconds(60))
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
        let url = "http://127.0.0.1:9/"
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
