import Core
import HTTPTransport
import Providers
import Runtime
import TestSupport
import Testing

/// The transport a handler gets from its context (`transport()`), through real libcurl to a loopback server.
@Suite struct ContextTransportTests {
    func context(_ values: [String: String]) -> FunctionContext {
        FunctionContext(function: "fn", requestID: "req-1", config: Config(values), clock: .system, logger: .discarding,
                        deadline: Deadline(seconds: 20))
    }

    @Test func anExhaustedQuotaIsNeverRetriedWhateverTheBundlesProvider() async throws {
        // The registry reaches OpenAI-compatible servers even when the bundle's own provider is another.
        for provider in ["anthropic", "offline", "openai"] {
            let server = try LoopbackServer.sequence([
                .json(429, ["error": ["message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"]]),
                .json(200, [:]),
            ])
            let transport = try context(["LLM_PROVIDER": provider, "ANTHROPIC_API_KEY": "k", "LLM_API_KEY": "k",
                                         "UPSTREAM_MAX_ATTEMPTS": "3", "UPSTREAM_RETRY_AFTER_CAP_S": "0"]).transport()
            let response = try await transport.send(HTTPRequest(url: server.baseURL + "/v1/chat/completions"), deadline: Deadline(seconds: 20))
            #expect(response.status == 429, "\(provider)")
            #expect(server.requests.count == 1, "\(provider)")
        }
    }
}
