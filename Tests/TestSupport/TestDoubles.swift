import Core
import HTTPTransport
import Providers
import Synchronization

/// A scripted LLM: each call's answer comes from a closure over the request (or it throws), and
/// every request is recorded, so a test can see what the agent was shown.
package final class ScriptedLLM: LLMProvider, @unchecked Sendable {
    package let name = "scripted"
    package let model = "scripted-1"
    let answer: @Sendable (LLMRequest) async throws -> JSONValue
    let log = Mutex<[LLMRequest]>([])

    package init(answer: @escaping @Sendable (LLMRequest) async throws -> JSONValue) {
        self.answer = answer
    }

    package var requests: [LLMRequest] { log.withLock { $0 } }

    package func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
        log.withLock { $0.append(request) }
        return LLMCompletion(text: try await answer(request).jsonText, model: model, promptTokens: 10, completionTokens: 5)
    }

    /// Fails the test run loudly if the agent calls it.
    package static func forbidden() -> ScriptedLLM {
        ScriptedLLM { _ in throw BundleError(.internal, "the LLM must not be called here") }
    }
}

/// A transport for tests that must not reach any server: every call fails.
package struct NoNetwork: Transport {
    package init() {}

    package func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        throw TransportError(.unexpected, host: request.host, "no network in this test")
    }
}
