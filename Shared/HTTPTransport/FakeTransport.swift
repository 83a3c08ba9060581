import Core
import Synchronization

/// A transport for unit tests: answers from a script of expected requests, in order, and fails
/// loudly on any request it was not told to expect. `unexpected` and `pending` let a test check
/// that exactly the expected calls happened. A streamed answer can be scripted in pieces, so a
/// parser's test chooses where the body is cut.
package final class FakeTransport: Transport, Sendable {
    package typealias Answer = @Sendable (HTTPRequest) throws -> HTTPResponse

    private struct Expectation {
        let method: String
        let urlPrefix: String
        let answer: Answer
        var stream: ScriptedStream?
    }

    /// An answer scripted in pieces: the response (its body the pieces joined), the pieces a 2xx
    /// body is handed over in, and what is thrown after them (a stream that breaks).
    private struct ScriptedStream {
        let response: HTTPResponse
        let pieces: [[UInt8]]
        let failure: TransportError?
    }

    private struct State {
        var expectations: [Expectation] = []
        var received: [HTTPRequest] = []
        var unexpected: [String] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Expects one request whose method matches and whose URL starts with `urlPrefix`.
    package func expect(_ method: String, _ urlPrefix: String, answer: @escaping Answer) {
        append(Expectation(method: method.uppercased(), urlPrefix: urlPrefix, answer: answer))
    }

    package func expect(_ method: String, _ urlPrefix: String, respond response: HTTPResponse) {
        expect(method, urlPrefix) { _ in response }
    }

    /// Expects one request answered with `status` and a body in `chunks`: `stream` hands a 2xx
    /// body over piece by piece (empty pieces skipped) and stops when `onBytes` returns false;
    /// a non-2xx body is returned whole, as the real transport buffers it. `thenFail` is thrown
    /// after the pieces, as a stream that breaks. `send` gets the pieces joined.
    package func expect(_ method: String, _ urlPrefix: String, stream status: Int, headers: [String: String] = [:],
                        chunks: [[UInt8]], thenFail failure: TransportError? = nil) {
        let response = HTTPResponse(status: status, headers: headers, body: chunks.flatMap { $0 })
        append(Expectation(method: method.uppercased(), urlPrefix: urlPrefix, answer: { _ in
            if let failure { throw failure }
            return response
        }, stream: ScriptedStream(response: response, pieces: chunks, failure: failure)))
    }

    /// The same with text pieces, sent as UTF-8.
    package func expect(_ method: String, _ urlPrefix: String, stream status: Int, headers: [String: String] = [:],
                        chunks: [String], thenFail failure: TransportError? = nil) {
        expect(method, urlPrefix, stream: status, headers: headers, chunks: chunks.map { Array($0.utf8) }, thenFail: failure)
    }

    package var received: [HTTPRequest] { state.withLock { $0.received } }
    package var unexpected: [String] { state.withLock { $0.unexpected } }
    package var pendingCount: Int { state.withLock { $0.expectations.count } }

    package func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        try next(for: request).answer(request)
    }

    package func stream(_ request: HTTPRequest, deadline: Deadline,
                        onBytes: @escaping @Sendable ([UInt8]) -> Bool) async throws -> HTTPResponse {
        let expectation = try next(for: request)
        guard let script = expectation.stream else {
            // A whole answer: handed over in one piece, as the protocol's default does.
            var response = try expectation.answer(request)
            guard response.isSuccess else { return response }
            if !response.body.isEmpty { _ = onBytes(response.body) }
            response.body = []
            return response
        }
        var response = script.response
        if response.isSuccess {
            response.body = []
            for piece in script.pieces where !piece.isEmpty {
                guard onBytes(piece) else { return response }
            }
        }
        if let failure = script.failure { throw failure }
        return response
    }

    private func append(_ expectation: Expectation) {
        state.withLock { $0.expectations.append(expectation) }
    }

    /// Records the request and takes the next expectation, or throws when it does not match.
    private func next(for request: HTTPRequest) throws -> Expectation {
        let expectation: Expectation? = state.withLock { state in
            state.received.append(request)
            guard let next = state.expectations.first,
                  next.method == request.method.uppercased(), request.url.hasPrefix(next.urlPrefix)
            else {
                state.unexpected.append("\(request.method) \(request.url)")
                return nil
            }
            state.expectations.removeFirst()
            return next
        }
        guard let expectation else {
            throw TransportError(.unexpected, host: request.host, "FakeTransport did not expect \(request.method) \(request.url)")
        }
        return expectation
    }
}
