import Core
import HTTPTransport
import Providers
import Store
import TestSupport
import Testing

@Suite struct AnthropicWireTests {
    @Test func forcedToolUseGivesStructuredOutput() async throws {
        let directory = try TemporaryDirectory()
        let database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations)
        let server = try LoopbackServer.sequence([.json(200, anthropicAnswer(["greeting": "Good morning Ada", "words": 3]))])
        let provider = AnthropicProvider(baseURL: server.baseURL, apiKey: "sk-ant-test", model: "claude-sonnet-4-5",
                                         transport: CurlTransport())
        let client = LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: database), function: "fn")
        let result = try await client.run(GreetingTask(), deadline: Deadline(seconds: 10))
        #expect(result.output == GreetingTask.Output(greeting: "Good morning Ada", words: 3))
        #expect(result.provider == "anthropic")
        #expect(result.promptTokens == 200)
        #expect(result.completionTokens == 40)
        #expect(result.costUSD == (200 * 3.0 + 40 * 15.0) / 1_000_000)

        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/messages")
        #expect(request.header("x-api-key") == "sk-ant-test")
        #expect(request.header("anthropic-version") == "2023-06-01")
        let body = try #require(request.json)
        #expect(body["system"] == "You greet people.")
        #expect(body["max_tokens"] == 1500)
        #expect(body["tool_choice"] == ["type": "tool", "name": "greeting"])
        #expect(body["tools"]?.arrayValue?.first?["input_schema"] == GreetingTask().schema)
        #expect(body["messages"]?.arrayValue?.map { $0["role"] } == ["user"])

        let rows = try database.read { try $0.query("SELECT provider, model, outcome, prompt_tokens FROM llm_calls") }
        #expect(rows.count == 1)
        #expect(rows[0].optionalString("provider") == "anthropic")
        #expect(rows[0].optionalString("outcome") == "succeeded")
    }

    @Test func repairRoundUsesAlternatingMessages() async throws {
        let server = try LoopbackServer.sequence([
            .json(200, anthropicAnswer(["greeting": "Hi", "words": 5])),
            .json(200, anthropicAnswer(["greeting": "Hi Ada", "words": 2])),
        ])
        let provider = AnthropicProvider(baseURL: server.baseURL + "/v1", apiKey: "k", model: "claude-haiku-4-5", transport: CurlTransport())
        let recorder = InMemoryLLMCallRecorder()
        let result = try await LLMClient(provider: provider, recorder: recorder, function: "fn").run(GreetingTask(), deadline: Deadline(seconds: 10))
        #expect(result.attempts == 2)
        #expect(server.requests.last?.path == "/v1/messages")
        let roles = server.requests.last?.json?["messages"]?.arrayValue?.map { $0["role"] }
        #expect(roles == ["user", "assistant", "user"])
        #expect(recorder.records.map(\.outcome) == [.invalidOutput, .succeeded])
    }

    @Test func overloadedErrorsAreUnavailableAsMidStream() async throws {
        let server = try LoopbackServer.sequence([.json(529, ["type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]])])
        let provider = AnthropicProvider(baseURL: server.baseURL, apiKey: "k", model: "claude-haiku-4-5", transport: CurlTransport())
        let recorder = InMemoryLLMCallRecorder()
        do {
            _ = try await LLMClient(provider: provider, recorder: recorder, function: "fn").run(GreetingTask(), deadline: Deadline(seconds: 10))
            Issue.record("expected an error")
        } catch let error as BundleError {
            // The same code as an overloaded_error event mid-stream: retryable, HTTP 503.
            #expect(error.code == .unavailable && error.isRetryable)
            #expect(error.message.contains("Overloaded"))
        }
        #expect(recorder.records.map(\.outcome) == [.failed])
    }
}
