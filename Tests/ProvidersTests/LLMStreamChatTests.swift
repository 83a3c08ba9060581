import Core
import HTTPTransport
import Providers
import Testing

/// Streamed chat through the providers and `LLMClient.streamChat`: request bodies with tool
/// messages for both wire formats, status errors, the 400 adaptation, the offline stream, and
/// what is recorded in `llm_calls` (usage, cost, prompt version, failures without keys).
@Suite struct LLMStreamChatTests {
    static let tools = [LLMTool(name: "rename_project", description: "Rename the project.",
                                parameters: ["type": "object", "properties": ["name": ["type": "string"]], "required": ["name"]])]

    /// A turn after the model called two tools: the user, the assistant's calls, both results, the user again.
    static let messages: [LLMChatMessage] = {
        let first = LLMToolCall(id: "call_a", name: "rename_project", arguments: #"{"name":"Atlas"}"#)
        let second = LLMToolCall(id: "call_b", name: "add_milestone", arguments: "not json")
        return [
            LLMChatMessage(.user, "Rename it to Atlas and add Beta."),
            LLMChatMessage(.assistant, "", toolCalls: [first, second]),
            .toolResult(for: first, "renamed"),
            .toolResult(for: second, "error: the arguments are not JSON"),
            LLMChatMessage(.user, "Thanks. Anything else?"),
        ]
    }()

    static func request(reply: LLMChatCompletion = LLMChatCompletion(text: "", model: "")) -> LLMChatRequest {
        LLMChatRequest(system: "You edit project drafts.", messages: messages, tools: tools, maxTokens: 800, temperature: 0.3,
                       offlineReply: { _ in reply })
    }

    static func sse(_ body: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["content-type": "text/event-stream"], body: Array(body.utf8))
    }

    static let openAIBody = dataStream(OpenAIChatStreamTests.toolCallChunks + ["[DONE]"])

    func openAI(_ transport: FakeTransport) -> OpenAICompatibleProvider {
        OpenAICompatibleProvider(baseURL: "http://llm.test/v1", apiKey: "sk-test-key", model: "gpt-4o-mini", transport: transport)
    }

    @Test func openAIRequestCarriesToolsToolCallsAndToolResults() async throws {
        let transport = FakeTransport()
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: Self.sse(Self.openAIBody))
        let log = StreamEventLog()
        let completion = try await openAI(transport).streamChat(Self.request(), deadline: Deadline(seconds: 10), onEvent: log.handler)
        #expect(completion.toolCalls.map(\.id) == ["call_a", "call_b"])
        #expect(log.text == "Let me update the draft.")

        let sent = try #require(transport.received.first)
        #expect(sent.header("accept") == "text/event-stream")
        #expect(sent.header("authorization") == "Bearer sk-test-key")
        let body = try JSONValue(parsing: sent.body)
        #expect(body["stream"] == true)
        #expect(body["stream_options"] == ["include_usage": true])
        #expect(body["max_tokens"] == 800)
        #expect(body["temperature"] == 0.3)
        #expect(body["tools"] == [["type": "function", "function": ["name": "rename_project", "description": "Rename the project.",
                                                                      "parameters": Self.tools[0].parameters]]])
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"] } == ["system", "user", "assistant", "tool", "tool", "user"])
        #expect(messages[0]["content"] == "You edit project drafts.")
        #expect(messages[2] == ["role": "assistant", "content": nil, "tool_calls": [
            ["id": "call_a", "type": "function", "function": ["name": "rename_project", "arguments": #"{"name":"Atlas"}"#]],
            ["id": "call_b", "type": "function", "function": ["name": "add_milestone", "arguments": "not json"]],
        ]])
        #expect(messages[3] == ["role": "tool", "tool_call_id": "call_a", "content": "renamed"])
        #expect(messages[4]["tool_call_id"] == "call_b")
    }

    @Test func openAIAdaptsToARejectedParameterBeforeStreaming() async throws {
        let transport = FakeTransport()
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: .json(400, [
            "error": ["message": "Unrecognized request argument supplied: stream_options", "type": "invalid_request_error"]]))
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: Self.sse(Self.openAIBody))
        let provider = openAI(transport)
        let completion = try await provider.streamChat(Self.request(), deadline: Deadline(seconds: 10), onEvent: { _ in })
        #expect(completion.finishReason == "tool_calls")
        let second = try JSONValue(parsing: try #require(transport.received.last).body)
        #expect(second["stream_options"] == nil)
        #expect(second["stream"] == true)
        #expect(transport.pendingCount == 0)
    }

    @Test func aStreamed400AboutStructuredOutputLeavesTheOutputModeAlone() async throws {
        let transport = FakeTransport()
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: .json(400, [
            "error": ["message": "response_format json_schema is not supported with tools", "type": "invalid_request_error"]]))
        let provider = openAI(transport)
        await #expect(throws: BundleError.self) {
            _ = try await provider.streamChat(Self.request(), deadline: Deadline(seconds: 10), onEvent: { _ in })
        }
        #expect(transport.received.count == 1, "nothing to adapt: the streamed request has no response_format")
        #expect(provider.outputMode == .jsonSchema)
    }

    @Test func openAIStatusErrorsAreTheSameAsForComplete() async throws {
        let transport = FakeTransport()
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: .json(429, [
            "error": ["message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"]]))
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: .json(401, [
            "error": ["message": "Incorrect API key provided: sk-test-key", "type": "invalid_request_error", "code": "invalid_api_key"]]))
        let provider = openAI(transport)
        await #expect(throws: BundleError(.rateLimited, "the LLM server at llm.test is rate limiting requests (HTTP 429): Rate limit reached")) {
            _ = try await provider.streamChat(Self.request(), deadline: Deadline(seconds: 10), onEvent: { _ in })
        }
        do {
            _ = try await provider.streamChat(Self.request(), deadline: Deadline(seconds: 10), onEvent: { _ in })
            Issue.record("a refused key was accepted")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(!error.message.contains("sk-test-key"))
        }
        // 503 as a status is what `code: 503` mid-stream is (OpenAIChatStreamTests): unavailable, retryable.
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: .json(503, ["error": ["message": "overloaded"]]))
        await #expect(throws: BundleError(.unavailable, "the LLM server at llm.test is overloaded or unavailable (HTTP 503): overloaded")) {
            _ = try await provider.streamChat(Self.request(), deadline: Deadline(seconds: 10), onEvent: { _ in })
        }
    }

    @Test func anthropicRequestMergesToolResultsIntoOneUserMessage() async throws {
        let transport = FakeTransport()
        let body = (AnthropicChatStreamTests.opening + AnthropicChatStreamTests.toolBlocks + AnthropicChatStreamTests.closing).joined()
        transport.expect("POST", "http://anthropic.test/v1/messages", respond: Self.sse(body))
        let provider = AnthropicProvider(baseURL: "http://anthropic.test", apiKey: "sk-ant-test", model: "claude-sonnet-4-5", transport: transport)
        let log = StreamEventLog()
        let completion = try await provider.streamChat(Self.request(), deadline: Deadline(seconds: 10), onEvent: log.handler)
        #expect(completion.toolCalls.count == 2)
        #expect(log.events.last == .toolCallStarted(name: "add_milestone"))

        let sent = try #require(transport.received.first)
        #expect(sent.header("accept") == "text/event-stream")
        #expect(sent.header("x-api-key") == "sk-ant-test")
        #expect(sent.header("anthropic-version") == "2023-06-01")
        let json = try JSONValue(parsing: sent.body)
        #expect(json["stream"] == true)
        #expect(json["system"] == "You edit project drafts.")
        #expect(json["max_tokens"] == 800)
        #expect(json["tools"] == [["name": "rename_project", "description": "Rename the project.", "input_schema": Self.tools[0].parameters]])
        #expect(json["messages"] == [
            ["role": "user", "content": "Rename it to Atlas and add Beta."],
            ["role": "assistant", "content": [
                ["type": "tool_use", "id": "call_a", "name": "rename_project", "input": ["name": "Atlas"]],
                ["type": "tool_use", "id": "call_b", "name": "add_milestone", "input": [:]],
            ]],
            ["role": "user", "content": [
                ["type": "tool_result", "tool_use_id": "call_a", "content": "renamed"],
                ["type": "tool_result", "tool_use_id": "call_b", "content": "error: the arguments are not JSON"],
                ["type": "text", "text": "Thanks. Anything else?"],
            ]],
        ])
    }

    @Test func anthropicRequestStartsWithTheUsersTurnWhenTheHistoryWasCut() throws {
        // Cut to a budget: the history starts with the assistant's calls and their results.
        let call = LLMToolCall(id: "call_a", name: "rename_project", arguments: #"{"name":"Atlas"}"#)
        let cut = [LLMChatMessage(.assistant, "Renaming.", toolCalls: [call]), .toolResult(for: call, "renamed"),
                   LLMChatMessage(.user, "Thanks. Anything else?"), LLMChatMessage(.assistant, "No.")]
        let request = LLMChatRequest(system: "s", messages: cut, tools: Self.tools, offlineReply: { _ in LLMChatCompletion(text: "", model: "") })
        #expect(AnthropicChatRequest.body(request, model: "claude-sonnet-4-5")["messages"] == [
            ["role": "user", "content": "Thanks. Anything else?"],
            ["role": "assistant", "content": "No."],
        ])
        let onlyAssistant = LLMChatRequest(system: "s", messages: [LLMChatMessage(.assistant, "Hello.")],
                                           offlineReply: { _ in LLMChatCompletion(text: "", model: "") })
        #expect(AnthropicChatRequest.body(onlyAssistant, model: "m")["messages"] == [])
    }

    @Test func anthropicOverloadedStatusIsMappedLikeComplete() async throws {
        let transport = FakeTransport()
        transport.expect("POST", "http://anthropic.test/v1/messages", respond: .json(529, [
            "type": "error", "error": ["type": "overloaded_error", "message": "Overloaded"]]))
        let provider = AnthropicProvider(baseURL: "http://anthropic.test", apiKey: "sk-ant-test", model: "claude-sonnet-4-5", transport: transport)
        await #expect(throws: BundleError(.unavailable, "Anthropic is overloaded or unavailable (HTTP 529): Overloaded")) {
            _ = try await provider.streamChat(Self.request(), deadline: Deadline(seconds: 10), onEvent: { _ in })
        }
    }

    @Test func offlineStreamsItsReplyAFewWordsAtATime() async throws {
        let reply = LLMChatCompletion(text: "I renamed the project to Atlas and added Beta.",
                                      toolCalls: [LLMToolCall(id: "offline-1", name: "rename_project", arguments: #"{"name":"Atlas"}"#)],
                                      model: "rules")
        let log = StreamEventLog()
        let completion = try await OfflineProvider().streamChat(Self.request(reply: reply), deadline: Deadline(seconds: 10), onEvent: log.handler)
        #expect(log.events == [.text("I renamed the "), .text("project to Atlas "), .text("and added Beta."),
                               .toolCallStarted(name: "rename_project")])
        #expect(completion.text == reply.text)
        #expect(completion.toolCalls == reply.toolCalls)
        #expect(completion.model == "offline-rules-v1")
        #expect(completion.promptTokens == 0)
        #expect(completion.completionTokens == 0)
        #expect(OfflineProvider.pieces(of: "  lead  and trail \n").joined() == "  lead  and trail \n")
        #expect(OfflineProvider.pieces(of: "").isEmpty)
    }

    @Test func theClientRecordsUsageCostAndPromptVersion() async throws {
        let transport = FakeTransport()
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: Self.sse(Self.openAIBody))
        let recorder = InMemoryLLMCallRecorder()
        let client = LLMClient(provider: openAI(transport), recorder: recorder, function: "chat-fn", requestID: "req-9")
            .prompt(version: "custom-3")
        let log = StreamEventLog()
        let result = try await client.streamChat(Self.request(), step: "draft.chat", deadline: Deadline(seconds: 10), onEvent: log.handler)
        let cost = (120 * 0.15 + 30 * 0.60) / 1_000_000
        #expect(result.completion.text == "Let me update the draft.")
        #expect(result.usage.provider == "openai")
        #expect(result.usage.model == OpenAIChatStreamTests.model)
        #expect(result.usage.promptTokens == 120)
        #expect(result.usage.completionTokens == 30)
        #expect(result.usage.costUSD == cost)
        #expect(log.events.count == 4)

        let record = try #require(recorder.records.first)
        #expect(recorder.records.count == 1)
        #expect(record.outcome == .succeeded)
        #expect(record.step == "draft.chat")
        #expect(record.function == "chat-fn")
        #expect(record.requestID == "req-9")
        #expect(record.promptVersion == "custom-3")
        #expect(record.promptTokens == 120)
        #expect(record.completionTokens == 30)
        #expect(record.costUSD == cost)
        #expect(record.error == nil)
    }

    @Test func theClientRecordsACutStreamAsFailedAndRethrowsItWithThePartialAnswer() async throws {
        let transport = FakeTransport()
        let cut = dataStream(Array(OpenAIChatStreamTests.toolCallChunks.prefix(3)))
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: Self.sse(cut))
        let recorder = InMemoryLLMCallRecorder()
        let client = LLMClient(provider: openAI(transport), recorder: recorder, function: "chat-fn")
        do {
            _ = try await client.streamChat(Self.request(), step: "draft.chat", deadline: Deadline(seconds: 10), onEvent: { _ in })
            Issue.record("a cut stream succeeded")
        } catch let failure as LLMStreamFailure {
            #expect(failure.partial.text == "Let me update the draft.")
            #expect(failure.error.code == .upstreamFailed)
        }
        let record = try #require(recorder.records.first)
        #expect(record.outcome == .failed)
        #expect(record.error?.contains("[DONE]") == true)
        #expect(record.model == OpenAIChatStreamTests.model)
        #expect(record.promptVersion == LLMClient.builtinPromptVersion(system: "You edit project drafts."))
    }

    @Test func theClientRecordsStatusErrorsWithoutTheKeyAndCancellationAsTimeout() async throws {
        let transport = FakeTransport()
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: .json(401, [
            "error": ["message": "Incorrect API key provided: sk-test-key", "code": "invalid_api_key"]]))
        let recorder = InMemoryLLMCallRecorder()
        let client = LLMClient(provider: openAI(transport), recorder: recorder, function: "chat-fn")
        await #expect(throws: BundleError.self) {
            _ = try await client.streamChat(Self.request(), step: "draft.chat", deadline: Deadline(seconds: 10), onEvent: { _ in })
        }
        let refused = try #require(recorder.records.first)
        #expect(refused.outcome == .failed)
        #expect(refused.error?.contains("LLM_API_KEY") == true)
        #expect(refused.error?.contains("sk-test-key") == false)

        let cancelled = LLMClient(provider: CancelledProvider(), recorder: recorder, function: "chat-fn")
        await #expect(throws: BundleError(.timeout, "the LLM call was cancelled at the deadline")) {
            _ = try await cancelled.streamChat(Self.request(), step: "draft.chat", deadline: Deadline(seconds: 10), onEvent: { _ in })
        }
        #expect(recorder.records.last?.outcome == .failed)
        #expect(recorder.records.last?.provider == "cancelled")
    }

    @Test func aKeySplitAcrossTwoStreamEventsNeverReachesTheResult() async throws {
        let key = "sk-split-secret-0123456789"
        let redactor = SecretRedactor(secrets: [key])
        let transport = FakeTransport()
        // Each event alone holds half the key: the transport, which redacts piece by piece, sees neither whole.
        let body = dataStream([OpenAIChatStreamTests.chunk(#"{"content":"Your key is sk-split-sec"}"#),
                               OpenAIChatStreamTests.chunk(#"{"content":"ret-0123456789, keep it safe."}"#),
                               OpenAIChatStreamTests.chunk(#"{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"note","arguments":"{\"k\":\"sk-split-"}}]}"#),
                               OpenAIChatStreamTests.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"secret-0123456789\"}"}}]}"#),
                               "[DONE]"])
        transport.expect("POST", "http://llm.test/v1/chat/completions", stream: 200, headers: ["content-type": "text/event-stream"],
                         chunks: [body])
        let provider = OpenAICompatibleProvider(baseURL: "http://llm.test/v1", apiKey: key, model: "gpt-4o-mini",
                                                transport: RedactingTransport(transport, redactor: redactor))
        let client = LLMClient(provider: provider, recorder: InMemoryLLMCallRecorder(), function: "chat-fn", redactor: redactor)
        let result = try await client.streamChat(Self.request(), step: "draft.chat", deadline: Deadline(seconds: 10), onEvent: { _ in })
        #expect(result.completion.text == "Your key is [redacted], keep it safe.")
        #expect(result.completion.toolCalls.first?.arguments == #"{"k":"[redacted]"}"#)

        // Cut after the key: the partial answer handed back for saving is redacted too.
        let cut = FakeTransport()
        cut.expect("POST", "http://llm.test/v1/chat/completions", stream: 200, headers: ["content-type": "text/event-stream"],
                   chunks: [dataStream([OpenAIChatStreamTests.chunk(#"{"content":"sk-split-sec"}"#),
                                        OpenAIChatStreamTests.chunk(#"{"content":"ret-0123456789"}"#)])])
        let cutClient = LLMClient(provider: OpenAICompatibleProvider(baseURL: "http://llm.test/v1", apiKey: key, model: "gpt-4o-mini",
                                                                     transport: RedactingTransport(cut, redactor: redactor)),
                                  recorder: InMemoryLLMCallRecorder(), function: "chat-fn", redactor: redactor)
        do {
            _ = try await cutClient.streamChat(Self.request(), step: "draft.chat", deadline: Deadline(seconds: 10), onEvent: { _ in })
            Issue.record("a cut stream was accepted")
        } catch let failure as LLMStreamFailure {
            #expect(failure.partial.text == "[redacted]")
        }
    }

    @Test func statusErrorsEchoingTheKeyAreRecordedAndThrownWithoutIt() async throws {
        let key = "sk-echoed-secret-0123456789"
        let redactor = SecretRedactor(secrets: [key])
        let transport = FakeTransport()
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: .json(400, [
            "error": ["message": .string("Malformed header: Bearer \(key)"), "type": "invalid_request_error"]]))
        transport.expect("POST", "http://llm.test/v1/chat/completions", respond: .json(429, [
            "error": ["message": .string("Too many requests for key \(key)"), "code": "rate_limit_exceeded"]]))
        let recorder = InMemoryLLMCallRecorder()
        let provider = OpenAICompatibleProvider(baseURL: "http://llm.test/v1", apiKey: key, model: "gpt-4o-mini",
                                                transport: RedactingTransport(transport, redactor: redactor))
        let client = LLMClient(provider: provider, recorder: recorder, function: "chat-fn", redactor: redactor)
        for code in [ErrorCode.upstreamFailed, .rateLimited] {
            do {
                _ = try await client.streamChat(Self.request(), step: "draft.chat", deadline: Deadline(seconds: 10), onEvent: { _ in })
                Issue.record("expected \(code)")
            } catch let error as BundleError {
                #expect(error.code == code)
                // The upstream's explanation is kept (it says what was wrong), the key is not.
                #expect(error.message.contains("[redacted]") && !error.message.contains(key), "\(error.message)")
            }
        }
        #expect(recorder.records.count == 2)
        #expect(recorder.records.allSatisfy { $0.error?.contains("[redacted]") == true && $0.error?.contains(key) == false })
    }

    @Test func theOfflineProviderIsRecordedWithNoTokens() async throws {
        let recorder = InMemoryLLMCallRecorder()
        let client = LLMClient(provider: OfflineProvider(), recorder: recorder, function: "chat-fn")
        let reply = LLMChatCompletion(text: "Done.", model: "rules")
        let result = try await client.streamChat(Self.request(reply: reply), step: "draft.chat", deadline: Deadline(seconds: 10), onEvent: { _ in })
        #expect(result.usage.provider == "offline")
        #expect(result.usage.model == "offline-rules-v1")
        #expect(result.usage.promptTokens == 0)
        #expect(result.usage.completionTokens == 0)
        #expect(recorder.records.first?.outcome == .succeeded)
        #expect(recorder.records.first?.model == "offline-rules-v1")
    }
}

/// A provider whose streamed call is cancelled (the deadline ran out).
private struct CancelledProvider: LLMProvider {
    let name = "cancelled"
    let model = "none"
    func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion { throw CancellationError() }
    func streamChat(_ request: LLMChatRequest, deadline: Deadline,
                    onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatCompletion {
        throw CancellationError()
    }
}
