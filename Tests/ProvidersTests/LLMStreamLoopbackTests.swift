import Core
import HTTPTransport
import Providers
import TestSupport
import Testing

/// Streamed chat through real libcurl against loopback servers that send the providers' recorded
/// wire format in chunked pieces cut at odd byte boundaries (inside `data:` lines, inside JSON
/// strings, between `\n` and `\n`): the same answer as the assemblers make of the whole body; text
/// handed over while the server still holds the rest (a gate the first text opens); an error
/// object mid-stream is an `LLMStreamFailure` carrying the text that came before it.
@Suite struct LLMStreamLoopbackTests {
    /// Piece sizes cycled over a body: odd and prime, so the cuts fall everywhere.
    static let cuts = [1, 7, 13, 3, 29, 2, 61, 5]

    /// `body` cut into pieces by `cuts`; each piece a little after the last, so libcurl reads
    /// most of them on their own (what arrives together is fine too: only the bytes matter).
    static func pieces(_ body: String) -> [StreamPiece] {
        let bytes = Array(body.utf8)
        var pieces: [StreamPiece] = []
        var start = 0
        var index = 0
        while start < bytes.count {
            let end = min(bytes.count, start + cuts[index % cuts.count])
            pieces.append(StreamPiece(Array(bytes[start..<end]), after: .milliseconds(1)))
            start = end
            index += 1
        }
        return pieces
    }

    static let request = LLMChatRequest(system: "You edit project drafts.", messages: [LLMChatMessage(.user, "Rename it to Atlas.")],
                                        tools: LLMStreamChatTests.tools, offlineReply: { _ in LLMChatCompletion(text: "", model: "") })

    static func transport() throws -> CurlTransport { try CurlTransport(config: Config([:])) }

    func openAI(_ server: LoopbackServer) throws -> OpenAICompatibleProvider {
        OpenAICompatibleProvider(baseURL: server.baseURL + "/v1", apiKey: "sk-loopback-key", model: "gpt-4o-mini", transport: try Self.transport())
    }

    func anthropic(_ server: LoopbackServer) throws -> AnthropicProvider {
        AnthropicProvider(baseURL: server.baseURL, apiKey: "sk-ant-loopback", model: "claude-sonnet-4-5", transport: try Self.transport())
    }

    static let eventStream = ["Content-Type": "text/event-stream"]

    @Test func openAIToolCallsAndUsageThroughLibcurlInOddPieces() async throws {
        let body = dataStream(OpenAIChatStreamTests.toolCallChunks + ["[DONE]"])
        let expected = try #require(assemble(OpenAIChatStream(model: "gpt-4o-mini", host: "llm.test"), body).completion)
        let server = try LoopbackServer.sequence([.streamed(Self.pieces(body), headers: Self.eventStream)])
        let log = StreamEventLog()
        let completion = try await openAI(server).streamChat(Self.request, deadline: Deadline(seconds: 30), onEvent: log.handler)
        #expect(completion == expected)
        #expect(completion.toolCalls.map(\.input) == [["name": "Atlas"], ["title": "Beta"]])
        #expect(completion.promptTokens == 120 && completion.completionTokens == 30)
        #expect(log.events == [.text("Let me "), .text("update the draft."),
                               .toolCallStarted(name: "rename_project"), .toolCallStarted(name: "add_milestone")])
        let sent = try #require(server.requests.first)
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.header("authorization") == "Bearer sk-loopback-key")
        #expect(sent.json?["stream"] == true)
    }

    @Test func anthropicTextAndToolUseThroughLibcurlInOddPieces() async throws {
        let body = (AnthropicChatStreamTests.opening + AnthropicChatStreamTests.toolBlocks + AnthropicChatStreamTests.closing).joined()
        let expected = try #require(assemble(AnthropicChatStream(model: "claude-sonnet-4-5"), body).completion)
        let server = try LoopbackServer.sequence([.streamed(Self.pieces(body), headers: Self.eventStream)])
        let log = StreamEventLog()
        let completion = try await anthropic(server).streamChat(Self.request, deadline: Deadline(seconds: 30), onEvent: log.handler)
        #expect(completion == expected)
        #expect(completion.text == "Renaming it to Atlas.")
        #expect(completion.toolCalls.first?.input == ["name": "Atlas"])
        #expect(completion.promptTokens == 210 && completion.completionTokens == 57)
        #expect(log.text == "Renaming it to Atlas.")
        let sent = try #require(server.requests.first)
        #expect(sent.path == "/v1/messages")
        #expect(sent.header("x-api-key") == "sk-ant-loopback")
        #expect(sent.json?["stream"] == true)
    }

    /// The first text reaches the caller while the server still holds the end of the body: the
    /// caller's first `.text` opens the gate the rest waits behind (a handshake, no timing). Were
    /// the body buffered, the gate would stay shut and the server would cut the stream.
    @Test func textIsHandedOverBeforeTheServerSendsTheRest() async throws {
        let gate = LoopbackGate(timeout: .seconds(20))
        let first = dataStream([OpenAIChatStreamTests.chunk(#"{"content":"Atlas "}"#)])
        let rest = dataStream([OpenAIChatStreamTests.chunk(#"{"content":"it is."}"#, finish: #""stop""#),
                               #"{"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}}"#, "[DONE]"])
        let server = try LoopbackServer.sequence([.streamed([StreamPiece(first), StreamPiece(rest, when: gate)], headers: Self.eventStream)])
        let log = StreamEventLog()
        let completion = try await openAI(server).streamChat(Self.request, deadline: Deadline(seconds: 30)) { event in
            log.handler(event)
            if case .text = event { gate.open() }
        }
        #expect(completion.text == "Atlas it is.")
        #expect(completion.completionTokens == 3)
        #expect(log.events == [.text("Atlas "), .text("it is.")])
    }

    @Test func anOpenAIErrorObjectMidStreamFailsWithThePartialText() async throws {
        let body = dataStream(Array(OpenAIChatStreamTests.toolCallChunks.prefix(3))
                              + [#"{"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}"#])
            + dataStream([OpenAIChatStreamTests.chunk(#"{"content":"never read"}"#), "[DONE]"])
        let server = try LoopbackServer.sequence([.streamed(Self.pieces(body), headers: Self.eventStream)])
        let log = StreamEventLog()
        let failure = await #expect(throws: LLMStreamFailure.self) {
            _ = try await openAI(server).streamChat(Self.request, deadline: Deadline(seconds: 30), onEvent: log.handler)
        }
        #expect(failure?.partial.text == "Let me update the draft.")
        #expect(failure?.error.code == .upstreamFailed)
        #expect(failure?.error.message.contains("mid-stream") == true)
        #expect(failure?.error.message.contains("sk-loopback-key") == false)
        #expect(log.text == "Let me update the draft.")
    }

    @Test func anAnthropicErrorEventMidStreamFailsWithThePartialText() async throws {
        let error = AnthropicChatStreamTests.event("error", #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)
        let body = AnthropicChatStreamTests.opening.joined() + error + AnthropicChatStreamTests.closing.joined()
        let server = try LoopbackServer.sequence([.streamed(Self.pieces(body), headers: Self.eventStream)])
        let log = StreamEventLog()
        let failure = await #expect(throws: LLMStreamFailure.self) {
            _ = try await anthropic(server).streamChat(Self.request, deadline: Deadline(seconds: 30), onEvent: log.handler)
        }
        #expect(failure?.partial.text == "Renaming it to Atlas.")
        #expect(failure?.error.code == .unavailable)
        #expect(failure?.error.retryable == true)
        #expect(log.text == "Renaming it to Atlas.")
    }

    /// A body the server cuts (no last chunk, no end marker): the connection error after text is
    /// a failure carrying that text, not a bare transport error.
    @Test func aStreamCutByTheServerFailsWithThePartialText() async throws {
        let body = dataStream(Array(OpenAIChatStreamTests.toolCallChunks.prefix(3)))
        let server = try LoopbackServer.sequence([.streamed(Self.pieces(body), headers: Self.eventStream, cutShort: true)])
        let failure = await #expect(throws: LLMStreamFailure.self) {
            _ = try await openAI(server).streamChat(Self.request, deadline: Deadline(seconds: 30), onEvent: { _ in })
        }
        #expect(failure?.partial.text == "Let me update the draft.")
        #expect(failure?.error.code == .upstreamFailed)
    }
}
