import Core
import HTTPTransport
import Providers
import Synchronization
import Testing

@Suite struct LLMLayerTests {
    @Test func offlineProviderIsDeterministicAndLabelled() async throws {
        let recorder = InMemoryLLMCallRecorder()
        let client = LLMClient(provider: OfflineProvider(), recorder: recorder, function: "fn")
        let first = try await client.run(GreetingTask(), deadline: Deadline(seconds: 5))
        let second = try await client.run(GreetingTask(), deadline: Deadline(seconds: 5))
        #expect(first.output == second.output)
        #expect(first.provider == "offline")
        #expect(first.costUSD == 0)
        #expect(recorder.records.count == 2)
        #expect(recorder.records.allSatisfy { $0.provider == "offline" && $0.model == "offline-rules-v1" })
    }

    @Test func selectionDefaultsToOfflineAndNamesMissingKeys() throws {
        #expect(try LLMSelection.make(Config([:]), transport: FakeTransport()).name == "offline")
        #expect(try LLMSelection.make(Config(["OPENAI_API_KEY": "sk-1"]), transport: FakeTransport()).name == "openai")
        #expect(try LLMSelection.make(Config(["ANTHROPIC_API_KEY": "k"]), transport: FakeTransport()).name == "anthropic")
        #expect(try LLMSelection.make(Config(["LLM_BASE_URL": "http://127.0.0.1:11434/v1"]), transport: FakeTransport()).name == "openai")
        // A base URL given explicitly is a server of the user's own: no key needed.
        #expect(try LLMSelection.make(Config(["LLM_BASE_URL": "http://ollama:11434/v1"]), transport: FakeTransport()).name == "openai")
        let ollama = try #require(try LLMSelection.make(Config(["LLM_PROVIDER": "ollama"]), transport: FakeTransport()) as? OpenAICompatibleProvider)
        #expect(ollama.baseURL == "http://localhost:11434/v1")
        let gemini = try #require(try LLMSelection.make(Config(["LLM_PROVIDER": "gemini", "LLM_API_KEY": "k"]), transport: FakeTransport())
            as? OpenAICompatibleProvider)
        #expect(gemini.baseURL == "https://generativelanguage.googleapis.com/v1beta/openai")
        for (values, variable) in [(["LLM_PROVIDER": "anthropic"], "ANTHROPIC_API_KEY"),
                                   (["LLM_PROVIDER": "openai"], "LLM_API_KEY"),
                                   (["LLM_PROVIDER": "openrouter"], "LLM_API_KEY"),
                                   (["LLM_PROVIDER": "gpt"], "LLM_PROVIDER")] {
            do {
                _ = try LLMSelection.make(Config(values), transport: FakeTransport())
                Issue.record("expected misconfigured for \(values)")
            } catch let error as BundleError {
                #expect(error.code == .misconfigured)
                #expect(error.message.contains(variable))
            }
        }
    }

    /// The original interview agent set only `GEMINI_API_KEY`: that picks Gemini's
    /// OpenAI-compatible endpoint and model instead of being ignored.
    @Test func geminiAPIKeySelectsGeminiThroughItsOpenAIEndpoint() throws {
        let gemini = try #require(try LLMSelection.make(Config(["GEMINI_API_KEY": "g-key"]), transport: FakeTransport())
            as? OpenAICompatibleProvider)
        #expect(gemini.baseURL == "https://generativelanguage.googleapis.com/v1beta/openai")
        #expect(gemini.model == "gemini-2.5-flash")
        #expect(PriceTable().price(for: gemini.model)?.inputPerMillion == 0.30)
        let named = try #require(try LLMSelection.make(Config(["LLM_PROVIDER": "gemini", "GEMINI_API_KEY": "g-key", "LLM_MODEL": "gemini-2.5-pro"]),
                                                       transport: FakeTransport()) as? OpenAICompatibleProvider)
        #expect(named.model == "gemini-2.5-pro")
        #expect(named.baseURL == gemini.baseURL)
        // An OpenAI key set as well keeps OpenAI, as before.
        let openAI = try #require(try LLMSelection.make(Config(["GEMINI_API_KEY": "g-key", "OPENAI_API_KEY": "sk-1"]), transport: FakeTransport())
            as? OpenAICompatibleProvider)
        #expect(openAI.baseURL == OpenAICompatibleProvider.defaultBaseURL)
        #expect(try LLMSelection.providerName(Config(["GEMINI_API_KEY": "g", "ANTHROPIC_API_KEY": "a"])) == "openai")
        do {
            _ = try LLMSelection.make(Config(["LLM_PROVIDER": "gemini"]), transport: FakeTransport())
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains("GEMINI_API_KEY"))
        }
    }

    @Test func modelAndBaseURLComeFromConfig() throws {
        let provider = try LLMSelection.make(Config(["LLM_API_KEY": "k", "LLM_MODEL": "llama3.1", "LLM_BASE_URL": "http://127.0.0.1:8080/v1/"]),
                                             transport: FakeTransport())
        let openAI = try #require(provider as? OpenAICompatibleProvider)
        #expect(openAI.model == "llama3.1")
        #expect(openAI.baseURL == "http://127.0.0.1:8080/v1")
    }

    @Test func priceTableMatchesVariantsAndOverrides() throws {
        let prices = PriceTable()
        #expect(prices.price(for: "gpt-4o-mini-2024-07-18")?.inputPerMillion == 0.15)
        #expect(prices.price(for: "openai/gpt-4o")?.inputPerMillion == 2.5)
        #expect(prices.price(for: "claude-sonnet-4-5-20250929")?.outputPerMillion == 15)
        #expect(prices.price(for: "gpt-4o-minimal") == nil)
        #expect(prices.cost(model: "my-local-llama", promptTokens: 100, completionTokens: 10) == nil)
        #expect(prices.cost(model: "gpt-4o", promptTokens: 1_000_000, completionTokens: 0) == 2.5)
        let custom = try PriceTable(config: Config(["LLM_PRICES": "my-local-llama=0/0; gpt-4o=1/2"]))
        #expect(custom.cost(model: "my-local-llama", promptTokens: 100, completionTokens: 10) == 0)
        #expect(custom.cost(model: "gpt-4o", promptTokens: 1_000_000, completionTokens: 1_000_000) == 3)
        #expect(throws: BundleError.self) { try PriceTable(config: Config(["LLM_PRICES": "gpt-4o=cheap"])) }
    }

    @Test func extractsJSONFromFencesAndProse() {
        #expect(LLMClient.extractJSON(#"{"a":1}"#) == ["a": 1])
        #expect(LLMClient.extractJSON("Sure! ```json\n{\"a\": 2}\n``` hope it helps") == ["a": 2])
        #expect(LLMClient.extractJSON("[1, 2]") == nil)
        #expect(LLMClient.extractJSON("") == nil)
    }

    @Test func concurrencyLimiterCapsParallelWork() async throws {
        let limiter = ConcurrencyLimiter(limit: 3)
        final class Gauge: Sendable { let value = Mutex((current: 0, peak: 0)) }
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await limiter.run {
                        gauge.value.withLock { $0.current += 1; $0.peak = max($0.peak, $0.current) }
                        try await Task.sleep(for: .milliseconds(20))
                        gauge.value.withLock { $0.current -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.value.withLock { $0.peak } == 3)
    }

    @Test func providerFailuresAreRecordedAndRethrown() async throws {
        struct Failing: LLMProvider {
            let name = "openai"
            let model = "gpt-4o-mini"
            func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
                throw TransportError(.timeout, host: "api.test", "timed out")
            }
        }
        let recorder = InMemoryLLMCallRecorder()
        do {
            _ = try await LLMClient(provider: Failing(), recorder: recorder, function: "fn").run(GreetingTask(), deadline: Deadline(seconds: 5))
            Issue.record("expected timeout")
        } catch let error as BundleError {
            #expect(error.code == .timeout)
        }
        #expect(recorder.records.count == 1)
        #expect(recorder.records[0].outcome == .failed)
        #expect(recorder.records[0].error == "api.test did not answer in time")
    }
}
