import Core
import HTTPTransport
import Synchronization
import TestSupport
import Testing

/// What `onBytes` was handed, collected from the transfer's thread.
final class ReceivedPieces: Sendable {
    private let pieces = Mutex<[[UInt8]]>([])

    func add(_ piece: [UInt8]) { pieces.withLock { $0.append(piece) } }
    var all: [[UInt8]] { pieces.withLock { $0 } }
    var text: String { String(decoding: all.flatMap { $0 }, as: UTF8.self) }
    var byteCount: Int { all.reduce(0) { $0 + $1.count } }
}

/// Real libcurl streaming from a loopback server that sends its body in pieces. Order is proven
/// with gates the test opens, never with timings.
@Suite struct CurlStreamingTests {
    @Test func theFirstPieceArrivesBeforeTheServerSendsTheLast() async throws {
        let gate = LoopbackGate()
        defer { gate.open() }
        let server = try LoopbackServer { _ in
            .streamed([StreamPiece("data: first\n\n"), StreamPiece("data: last\n\n", when: gate)],
                      headers: ["Content-Type": "text/event-stream", "X-Trace": "t1"])
        }
        let received = ReceivedPieces()
        let response = try await CurlTransport().stream(.json(url: server.baseURL + "/v1/chat", body: ["stream": true]),
                                                        deadline: Deadline(seconds: 30)) { piece in
            received.add(piece)
            gate.open()  // the server holds the last piece until this first one got here
            return true
        }
        #expect(response.status == 200)
        #expect(response.header("x-trace") == "t1")
        #expect(response.body.isEmpty)
        #expect(received.all.first == Array("data: first\n\n".utf8))
        #expect(received.text == "data: first\n\ndata: last\n\n")
        #expect(server.requests.first?.json == ["stream": true])
    }

    @Test func onBytesReturningFalseStopsTheTransferAndTheCallReturns() async throws {
        let gate = LoopbackGate()  // never opened by the client: only the stop can end this call in time
        defer { gate.open() }
        let server = try LoopbackServer { _ in .streamed([StreamPiece("enough"), StreamPiece("never read", when: gate)]) }
        let received = ReceivedPieces()
        let response = try await CurlTransport().stream(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 20)) { piece in
            received.add(piece)
            return false
        }
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(received.text == "enough")
    }

    @Test func anErrorStatusIsBufferedWholeAndNothingIsStreamed() async throws {
        let server = try LoopbackServer { request in
            request.path == "/limited"
                ? .json(429, ["error": "slow down"], headers: ["Retry-After": "3"])
                : .streamed([StreamPiece(#"{"error":"#), StreamPiece(#""overloaded"}"#)], status: 500, headers: ["Content-Type": "application/json"])
        }
        let received = ReceivedPieces()
        let limited = try await CurlTransport().stream(HTTPRequest(url: server.baseURL + "/limited"), deadline: Deadline(seconds: 10)) {
            received.add($0)
            return true
        }
        #expect(limited.status == 429)
        #expect(limited.header("retry-after") == "3")
        #expect(limited.json?["error"] == "slow down")

        let broken = try await CurlTransport().stream(HTTPRequest(url: server.baseURL + "/broken"), deadline: Deadline(seconds: 10)) {
            received.add($0)
            return true
        }
        #expect(broken.status == 500)
        #expect(broken.json?["error"] == "overloaded")
        #expect(received.all.isEmpty)
    }

    @Test func aStreamThatBreaksAfterSomeBytesIsAConnectionError() async throws {
        let server = try LoopbackServer { _ in .streamed([StreamPiece("half an ans")], cutShort: true) }
        let received = ReceivedPieces()
        let error = await caughtTransportError {
            _ = try await CurlTransport().stream(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 10)) {
                received.add($0)
                return true
            }
        }
        #expect(error?.kind == .connection)
        #expect(received.text == "half an ans")
    }

    @Test func aStalledStreamEndsAtTheDeadlineWithATimeout() async throws {
        let gate = LoopbackGate()  // the upstream stalls after its first piece
        defer { gate.open() }
        let server = try LoopbackServer { _ in .streamed([StreamPiece("first"), StreamPiece("never", when: gate)]) }
        let received = ReceivedPieces()
        let error = await caughtTransportError {
            _ = try await CurlTransport().stream(HTTPRequest(url: server.baseURL, timeout: .seconds(60)), deadline: Deadline(seconds: 3)) {
                received.add($0)
                return true
            }
        }
        #expect(error?.kind == .timeout)
        #expect(error?.bundleError.code == .timeout)
        #expect(received.text == "first")
    }

    @Test func everyByteStreamedCountsAgainstTheSizeCap() async throws {
        let server = try LoopbackServer { request in
            let second = request.path == "/exact" ? 1024 : 1025
            return .streamed([StreamPiece([UInt8](repeating: 65, count: 1024)), StreamPiece([UInt8](repeating: 66, count: second))])
        }
        let transport = CurlTransport(maxResponseBytes: 2048)
        let exact = ReceivedPieces()
        _ = try await transport.stream(HTTPRequest(url: server.baseURL + "/exact"), deadline: Deadline(seconds: 10)) {
            exact.add($0)
            return true
        }
        #expect(exact.byteCount == 2048)

        let over = ReceivedPieces()
        let error = await caughtTransportError {
            _ = try await transport.stream(HTTPRequest(url: server.baseURL + "/over"), deadline: Deadline(seconds: 10)) {
                over.add($0)
                return true
            }
        }
        #expect(error?.kind == .tooLarge)
        #expect(over.byteCount <= 2048)
    }

    @Test func theRedactingWrapperCleansPiecesAndTheBufferedErrorBody() async throws {
        let secret = "sk-live-0123456789abcdef"
        let server = try LoopbackServer { request in
            request.path == "/ok"
                ? .streamed([StreamPiece("echo \(secret) done")])
                : .streamed([StreamPiece(#"{"error":"bad key sk-live-0123"#), StreamPiece(#"456789abcdef"}"#)], status: 401)
        }
        let transport = RedactingTransport(CurlTransport(), redactor: SecretRedactor(secrets: [secret]))
        let received = ReceivedPieces()
        let ok = try await transport.stream(HTTPRequest(url: server.baseURL + "/ok"), deadline: Deadline(seconds: 10)) {
            received.add($0)
            return true
        }
        #expect(ok.status == 200)
        #expect(received.text == "echo [redacted] done")

        let refused = try await transport.stream(HTTPRequest(url: server.baseURL + "/refused"), deadline: Deadline(seconds: 10)) { _ in true }
        #expect(refused.status == 401)
        #expect(refused.json?["error"] == "bad key [redacted]")
    }
}

/// Retries of a stream: as `send` before the first byte, never after it.
@Suite struct RetryingStreamTests {
    func transport(_ base: any Transport = CurlTransport(), sleeper: RecordingSleeper) -> RetryingTransport {
        RetryingTransport(base, sleep: sleeper.sleep, random: { 0.5 })
    }

    @Test func a503BeforeAnyByteIsRetried() async throws {
        let server = try LoopbackServer.sequence([.json(503, ["error": "busy"]), .streamed([StreamPiece("a"), StreamPiece("b")])])
        let sleeper = RecordingSleeper()
        let received = ReceivedPieces()
        let response = try await transport(sleeper: sleeper).stream(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 30)) {
            received.add($0)
            return true
        }
        #expect(response.status == 200)
        #expect(received.text == "ab")
        #expect(server.requests.count == 2)
        #expect(sleeper.recorded == [.milliseconds(250)])
    }

    @Test func aStreamCutBeforeItsFirstByteIsRetried() async throws {
        let server = try LoopbackServer.sequence([.streamed([], cutShort: true), .streamed([StreamPiece("whole")])])
        let sleeper = RecordingSleeper()
        let received = ReceivedPieces()
        _ = try await transport(sleeper: sleeper).stream(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 30)) {
            received.add($0)
            return true
        }
        #expect(received.text == "whole")
        #expect(server.requests.count == 2)
    }

    @Test func aStreamCutAfterBytesIsThrownNotReplayed() async throws {
        let server = try LoopbackServer.sequence([.streamed([StreamPiece("half")], cutShort: true), .streamed([StreamPiece("whole")])])
        let sleeper = RecordingSleeper()
        let received = ReceivedPieces()
        let error = await caughtTransportError {
            _ = try await transport(sleeper: sleeper).stream(HTTPRequest(url: server.baseURL), deadline: Deadline(seconds: 30)) {
                received.add($0)
                return true
            }
        }
        #expect(error?.kind == .connection)
        #expect(received.text == "half")
        #expect(server.requests.count == 1)
        #expect(sleeper.recorded.isEmpty)
    }

    @Test func aScriptedBreakAfterBytesIsNotRetriedButOneBeforeIs() async throws {
        let fake = FakeTransport()
        fake.expect("POST", "https://llm.test/v1", stream: 200, chunks: [String](), thenFail: TransportError(.connection, host: "llm.test", "reset"))
        fake.expect("POST", "https://llm.test/v1", stream: 200, chunks: ["he", "llo"], thenFail: TransportError(.connection, host: "llm.test", "reset"))
        fake.expect("POST", "https://llm.test/v1", stream: 200, chunks: ["never"])
        let sleeper = RecordingSleeper()
        let received = ReceivedPieces()
        let error = await caughtTransportError {
            _ = try await transport(fake, sleeper: sleeper).stream(HTTPRequest(method: "POST", url: "https://llm.test/v1"),
                                                                 deadline: Deadline(seconds: 30)) {
                received.add($0)
                return true
            }
        }
        #expect(error?.kind == .connection)
        #expect(received.text == "hello")
        #expect(fake.received.count == 2)
        #expect(fake.pendingCount == 1)
        #expect(sleeper.recorded == [.milliseconds(250)])
    }
}

/// FakeTransport's scripted streams: pieces at the boundaries a parser test chooses.
@Suite struct FakeTransportStreamTests {
    let deadline = Deadline(seconds: 1)

    @Test func piecesArriveOneByOneInOrder() async throws {
        let fake = FakeTransport()
        fake.expect("POST", "https://llm.test/v1/chat", stream: 200, headers: ["Content-Type": "text/event-stream"],
                    chunks: ["data: {\"a\"", ":1}\n", "", "\ndata: [DONE]\n\n"])
        let received = ReceivedPieces()
        let response = try await fake.stream(HTTPRequest(method: "POST", url: "https://llm.test/v1/chat"), deadline: deadline) {
            received.add($0)
            return true
        }
        #expect(response.status == 200)
        #expect(response.header("content-type") == "text/event-stream")
        #expect(response.body.isEmpty)
        #expect(received.all.map { String(decoding: $0, as: UTF8.self) } == ["data: {\"a\"", ":1}\n", "\ndata: [DONE]\n\n"])
        #expect(fake.pendingCount == 0)
    }

    @Test func falseFromOnBytesStopsTheScript() async throws {
        let fake = FakeTransport()
        fake.expect("GET", "https://llm.test/", stream: 200, chunks: [[1], [2], [3]], thenFail: TransportError(.connection, host: "llm.test", "reset"))
        let received = ReceivedPieces()
        let response = try await fake.stream(HTTPRequest(url: "https://llm.test/"), deadline: deadline) { piece in
            received.add(piece)
            return piece != [2]
        }
        #expect(response.status == 200)
        #expect(received.all == [[1], [2]])
    }

    @Test func anErrorStatusComesBackWholeAndSendJoinsThePieces() async throws {
        let fake = FakeTransport()
        fake.expect("POST", "https://llm.test/", stream: 400, chunks: [#"{"error":"#, #""bad"}"#])
        fake.expect("POST", "https://llm.test/", stream: 200, chunks: ["ab", "cd"])
        let received = ReceivedPieces()
        let refused = try await fake.stream(HTTPRequest(method: "POST", url: "https://llm.test/"), deadline: deadline) {
            received.add($0)
            return true
        }
        #expect(refused.status == 400)
        #expect(refused.json?["error"] == "bad")
        #expect(received.all.isEmpty)
        let whole = try await fake.send(HTTPRequest(method: "POST", url: "https://llm.test/"), deadline: deadline)
        #expect(whole.text == "abcd")
    }

    @Test func aWholeAnswerIsStreamedInOnePiece() async throws {
        let fake = FakeTransport()
        fake.expect("GET", "https://api.test/", respond: .json(200, ["ok": true]))
        let received = ReceivedPieces()
        let response = try await fake.stream(HTTPRequest(url: "https://api.test/"), deadline: deadline) {
            received.add($0)
            return true
        }
        #expect(response.body.isEmpty)
        #expect(received.all == [Array(#"{"ok":true}"#.utf8)])
        let surprise = await caughtTransportError {
            _ = try await fake.stream(HTTPRequest(url: "https://api.test/again"), deadline: deadline) { _ in true }
        }
        #expect(surprise?.kind == .unexpected)
    }
}
