import Core
import HTTPTransport
import Providers
import Store
import TestSupport
import Testing

/// The OpenAI-compatible client against a loopback server speaking the real wire format,
/// through real libcurl, recording into a real SQLite file.
@Suite struct OpenAIWireTests {
    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations)
    }

    func client(_ server: LoopbackServer, attempts: Int = 1) -> LLMClient {
        let transport = RetryingTransport(CurlTransport(), policy: RetryPolicy(maxAttempts: attempts).with(classify: OpenAICompatibleProvider.retryClassifier),
                                          sleep: { _ in })
        let provider = OpenAICompatibleProvider(baseURL: server.baseURL + "/v1", apiKey: "sk-test-key", model: "gpt-4o-mini",
                                                transport: transport)
        return LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: database), function: "test-fn", requestID: "req-7")
    }

    func rows() throws -> [Row] {
        try database.read { try $0.query("SELECT * FROM llm_calls ORDER BY id") }
    }

    @Test func structuredOutputWithJSONSchema() async throws {
        let server = try LoopbackServer.sequence([.json(200, openAIAnswer(#"{"greeting":"Hello dear Ada","words":3}"#))])
        let result = try await client(server).run(GreetingTask(), deadline: Deadline(seconds: 10))
        #expect(result.output == GreetingTask.Output(greeting: "Hello dear Ada", words: 3))
        #expect(result.provider == "openai")
        #expect(result.attempts == 1)
        #expect(result.promptTokens == 120)
        #expect(result.costUSD == (120 * 0.15 + 30 * 0.60) / 1_000_000)

        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/chat/completions")
        #expect(request.header("authorization") == "Bearer sk-test-key")
        let body = try #require(request.json)
        #expect(body["model"] == "gpt-4o-mini")
        #expect(body["response_format"]?["type"] == "json_schema")
        #expect(body["response_format"]?["json_schema"]?["name"] == "greeting")
        #expect(body["response_format"]?["json_schema"]?["strict"] == true)
        #expect(body["response_format"]?["json_schema"]?["schema"] == GreetingTask().schema)
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"] } == ["system", "user"])
        #expect(body["max_tokens"] == 1500)  // a non-OpenAI host gets the classic parameter

        let recorded = try rows()
        #expect(recorded.count == 1)
        #expect(recorded[0].optionalString("outcome") == "succeeded")
        #expect(recorded[0].optionalString("function") == "test-fn")
        #expect(recorded[0].optionalString("step") == "test.greeting")
        #expect(recorded[0].optionalString("model") == "gpt-4o-mini-2024-07-18")
        #expect(recorded[0].optionalString("request_id") == "req-7")
        #expect(recorded[0].optionalInt("prompt_tokens") == 120)
        #expect(recorded[0].optionalInt("completion_tokens") == 30)
        #expect(recorded[0].optionalDouble("cost_usd") != nil)
    }

    @Test func fallsBackToJSONObjectWhenJSONSchemaIsRejected() async throws {
        let rejection: JSONValue = ["error": ["message": "response_format json_schema is not supported by this model",
                                              "type": "invalid_request_error", "param": "response_format", "code": nil]]
        let server = try LoopbackServer.sequence([
            .json(400, rejection),
            .json(200, openAIAnswer("```json\n{\"greeting\":\"Hi there Ada\",\"words\":3}\n```")),
        ])
        let client = client(server)
        let result = try await client.run(GreetingTask(), deadline: Deadline(seconds: 10))
        #expect(result.output.greeting == "Hi there Ada")
        let second = try #require(server.requests.last?.json)
        #expect(second["response_format"]?["type"] == "json_object")
        let system = try #require(second["messages"]?.arrayValue?.first?["content"]?.stringValue)
        #expect(system.contains("JSON Schema"))
        #expect(system.contains(#""greeting""#))
        #expect((client.provider as? OpenAICompatibleProvider)?.outputMode == .jsonObject)
    }

    @Test func repairsAnInvalidAnswerOnce() async throws {
        let server = try LoopbackServer.sequence([
            .json(200, openAIAnswer(#"{"greeting":"Hello Ada","words":7}"#)),
            .json(200, openAIAnswer(#"{"greeting":"Hello Ada","words":2}"#)),
        ])
        let result = try await client(server).run(GreetingTask(), deadline: Deadline(seconds: 10))
        #expect(result.attempts == 2)
        #expect(result.output.words == 2)
        #expect(result.promptTokens == 240)
        let repair = try #require(server.requests.last?.json?["messages"]?.arrayValue)
        #expect(repair.map { $0["role"] } == ["system", "user", "assistant", "user"])
        #expect(repair[2]["content"] == #"{"greeting":"Hello Ada","words":7}"#)
        #expect(repair[3]["content"]?.stringValue?.contains("$.words: must equal the number of words in greeting") == true)
        #expect(try rows().map { $0.optionalString("outcome") } == ["invalid_output", "succeeded"])
        #expect(try rows().map { $0.optionalInt("attempt") } == [1, 2])
    }

    @Test func twoInvalidAnswersAreUpstreamFailed() async throws {
        let server = try LoopbackServer.sequence([
            .json(200, openAIAnswer(#"{"greeting":"Hello"}"#)),
            .json(200, openAIAnswer("not json at all")),
        ])
        do {
            _ = try await client(server).run(GreetingTask(), deadline: Deadline(seconds: 10))
            Issue.record("expected upstream_failed")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(error.message.contains("failed validation twice"))
            #expect(!error.isRetryable, "a workflow must not pay for both calls again")
            #expect(try JSONValue(encoding: error)["retryable"] == nil, "not part of the error document")
        }
        let recorded = try rows()
        #expect(recorded.map { $0.optionalString("outcome") } == ["invalid_output", "invalid_output"])
        #expect(recorded[1].optionalString("error")?.contains("not a JSON object") == true)
    }

    @Test func serverErrorsAreRetriedThenRecordedAsFailed() async throws {
        let server = try LoopbackServer.sequence([.json(500, ["error": ["message": "boom", "type": "server_error"]])])
        do {
            _ = try await client(server, attempts: 3).run(GreetingTask(), deadline: Deadline(seconds: 10))
            Issue.record("expected upstream_failed")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(error.message.contains("boom"))
            #expect(!error.message.contains("sk-test-key"))
        }
        #expect(server.requests.count == 3)
        let recorded = try rows()
        #expect(recorded.count == 1)
        #expect(recorded[0].optionalString("outcome") == "failed")
        #expect(recorded[0].optionalInt("prompt_tokens") == nil)
        #expect(recorded[0].optionalDouble("cost_usd") == nil)
    }

    @Test func insufficientQuotaIsNotRetriedAndIsAConfigurationProblem() async throws {
        let server = try LoopbackServer.sequence([.json(429, ["error": ["message": "You exceeded your current quota",
                                                                        "type": "insufficient_quota", "code": "insufficient_quota"]])])
        do {
            _ = try await client(server, attempts: 3).run(GreetingTask(), deadline: Deadline(seconds: 10))
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)  // exit 78: waiting will not bring quota back
            #expect(error.message.contains("LLM_API_KEY"))
        }
        #expect(server.requests.count == 1)
    }

    @Test func aRejectedKeyIsMisconfiguredNamingTheVariable() async throws {
        let server = try LoopbackServer.sequence([.json(401, ["error": ["message": "Incorrect API key provided", "type": "invalid_request_error",
                                                                        "code": "invalid_api_key"]])])
        do {
            _ = try await client(server).run(GreetingTask(), deadline: Deadline(seconds: 10))
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.hasPrefix("LLM_API_KEY was refused by"), "\(error.message)")
            #expect(error.message.contains("(HTTP 401)"))
            #expect(!error.message.contains("Incorrect API key"), "the upstream's text is not the caller's to act on")
            #expect(error.details?.first?.field == "LLM_API_KEY")
        }
    }

    @Test func unknownModelIsMisconfiguredNamingTheVariable() async throws {
        let server = try LoopbackServer.sequence([.json(404, ["error": ["message": "The model `gpt-9` does not exist", "type": "invalid_request_error",
                                                                        "code": "model_not_found"]])])
        do {
            _ = try await client(server, attempts: 3).run(GreetingTask(), deadline: Deadline(seconds: 10))
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains("LLM_MODEL"))
        }
        #expect(server.requests.count == 1)
    }

    @Test func rateLimitsAreRetriedThenRateLimited() async throws {
        let server = try LoopbackServer.sequence([.json(429, ["error": ["message": "Rate limit reached", "type": "requests",
                                                                        "code": "rate_limit_exceeded"]])])
        do {
            _ = try await client(server, attempts: 2).run(GreetingTask(), deadline: Deadline(seconds: 10))
            Issue.record("expected rate_limited")
        } catch let error as BundleError {
            #expect(error.code == .rateLimited)
        }
        #expect(server.requests.count == 2)
    }

    @Test func credentialsInTheBaseURLNeverReachMessages() async throws {
        let server = try LoopbackServer.sequence([.json(500, ["error": ["message": "boom"]])])
        let url = "http://user:s3cr3t-pass@127.0.0.1:\(server.port)/v1"
        let provider = OpenAICompatibleProvider(baseURL: url, apiKey: "k", model: "m", transport: CurlTransport())
        do {
            _ = try await LLMClient(provider: provider, recorder: InMemoryLLMCallRecorder(), function: "f")
                .run(GreetingTask(), deadline: Deadline(seconds: 10))
            Issue.record("expected an error")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(!error.message.contains("s3cr3t-pass"))
            #expect(error.message.contains("127.0.0.1"))
        }
    }

    @Test func openAIHostGetsMaxCompletionTokens() {
        let provider = OpenAICompatibleProvider(apiKey: "k", model: "gpt-5-mini", transport: FakeTransport())
        #expect(provider.maxTokensParameter == "max_completion_tokens")
    }
}

extension OpenAIWireTests {
    @Test func dropsParametersAReasoningModelRejects() async throws {
        let server = try LoopbackServer.sequence([
            .json(400, ["error": ["message": "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
                                  "type": "invalid_request_error", "param": "temperature", "code": "unsupported_value"]]),
            .json(400, ["error": ["message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                                  "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"]]),
            .json(200, openAIAnswer(#"{"greeting":"Hello there Ada","words":3}"#, model: "gpt-5-mini")),
        ])
        let client = client(server)
        let result = try await client.run(GreetingTask(), deadline: Deadline(seconds: 10))
        #expect(result.output.words == 3)
        let last = try #require(server.requests.last?.json)
        #expect(last["temperature"] == nil)
        #expect(last["max_tokens"] == nil)
        #expect(last["max_completion_tokens"] == 1500)
        #expect(last["response_format"]?["type"] == "json_schema")
        let provider = try #require(client.provider as? OpenAICompatibleProvider)
        #expect(!provider.sendsTemperature)
        #expect(provider.maxTokensParameter == "max_completion_tokens")
    }
}
