import Core
import Synchronization

/// A transport for unit tests: answers from a script of expected requests, in order, and fails
/// loudly on any request it was not told to expect. `unexpected` and `pending` let a test check
/// that exactly the expected calls happened.
package final class FakeTransport: Transport, Sendable {
    package typealias Answer = @Sendable (HTTPRequest) throws -> HTTPResponse

    private struct Expectation {
        let method: String
        let urlPrefix: String
        let answer: Answer
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
        state.withLock { $0.expectations.append(Expectation(method: method.uppercased(), urlPrefix: urlPrefix, answer: answer)) }
    }

    package func expect(_ method: String, _ urlPrefix: String, respond response: HTTPResponse) {
        expect(method, urlPrefix) { _ in response }
    }

    package var received: [HTTPRequest] { state.withLock { $0.received } }
    package var unexpected: [String] { state.withLock { $0.unexpected } }
    package var pendingCount: Int { state.withLock { $0.expectations.count } }

    package func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        let answer: Answer? = state.withLock { state in
            state.received.append(request)
            guard let next = state.expectations.first,
                  next.method == request.method.uppercased(), request.url.hasPrefix(next.urlPrefix)
            else {
                state.unexpected.append("\(request.method) \(request.url)")
                return nil
            }
            state.expectations.removeFirst()
            return next.answer
        }
        guard let answer else {
            throw TransportError(.unexpected, host: request.host, "FakeTransport did not expect \(request.method) \(request.url)")
        }
        return try answer(request)
    }
}
