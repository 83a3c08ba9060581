import Core
import Providers
import Testing

/// The OpenAI-compatible stream assembler against recorded-format chunks: text, two tool calls
/// whose fragments interleave, the usage chunk, `[DONE]`; cut streams, error objects, and the
/// same results whatever the piece boundaries.
@Suite struct OpenAIChatStreamTests {
    static let model = "gpt-4o-mini-2024-07-18"

    static func chunk(_ delta: String, finish: String = "null", usage: String? = nil) -> String {
        var text = #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1767603600,"model":"\#(model)","system_fingerprint":"fp_1","#
            + #""choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish)}]"#
        if let usage { text += #","usage":\#(usage)"# }
        return text + "}"
    }

    /// Text, then two tool calls whose argument fragments interleave, the finish, the usage chunk.
    static let toolCallChunks = [
        chunk(#"{"role":"assistant","content":"","refusal":null}"#),
        chunk(#"{"content":"Let me "}"#),
        chunk(#"{"content":"update the draft."}"#),
        chunk(#"{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"rename_project","arguments":""}}]}"#),
        chunk(#"{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"add_milestone","arguments":"{\"ti"}}]}"#),
        chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"name\":"}}]}"#),
        chunk(#"{"tool_calls":[{"index":1,"function":{"arguments":"tle\":\"Beta\"}"}}]}"#),
        chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":" \"Atlas\"}"}}]}"#),
        chunk("{}", finish: #""tool_calls""#),
        #"{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1767603600,"model":"\#(model)","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150}}"#,
    ]

    func stream() -> OpenAIChatStream { OpenAIChatStream(model: "gpt-4o-mini", host: "llm.test") }

    @Test func assemblesTextAndTwoInterleavedToolCallsWithUsage() throws {
        let (result, agrees) = assembleEveryWay(stream(), dataStream(Self.toolCallChunks + ["[DONE]"]) + ": trailing comment\n\n")
        #expect(agrees)
        #expect(result.events == [.text("Let me "), .text("update the draft."),
                                  .toolCallStarted(name: "rename_project"), .toolCallStarted(name: "add_milestone")])
        let completion = try #require(result.completion)
        #expect(completion == LLMChatCompletion(
            text: "Let me update the draft.",
            toolCalls: [LLMToolCall(id: "call_a", name: "rename_project", arguments: #"{"name": "Atlas"}"#),
                        LLMToolCall(id: "call_b", name: "add_milestone", arguments: #"{"title":"Beta"}"#)],
            model: Self.model, finishReason: "tool_calls", promptTokens: 120, completionTokens: 30))
        #expect(completion.toolCalls.first?.input == ["name": "Atlas"])
    }

    @Test func crlfLineEndsReadTheSame() {
        let lf = assemble(stream(), dataStream(Self.toolCallChunks + ["[DONE]"]))
        let crlf = assemble(stream(), dataStream(Self.toolCallChunks + ["[DONE]"], lineEnd: "\r\n"), pieceSize: 1)
        #expect(lf.completion != nil)
        #expect(lf == crlf)
    }

    @Test func aStreamCutBeforeDoneFailsWithThePartialAnswer() {
        // Cut inside the chunk after call_b's arguments closed: call_a's are still incomplete.
        let body = dataStream(Array(Self.toolCallChunks.prefix(7))) + "data: " + Self.toolCallChunks[7].prefix(40)
        let (result, agrees) = assembleEveryWay(stream(), body)
        #expect(agrees)
        #expect(result.completion == nil)
        #expect(result.failure?.code == .upstreamFailed)
        #expect(result.failure?.message == "the LLM server at llm.test's stream ended before [DONE]")
        #expect(result.partial?.text == "Let me update the draft.")
        #expect(result.partial?.toolCalls == [LLMToolCall(id: "call_b", name: "add_milestone", arguments: #"{"title":"Beta"}"#)])
        #expect(result.partial?.finishReason == nil)
        // Without the usage chunk the tokens are unknown, not zero.
        #expect(result.partial?.promptTokens == nil)
    }

    @Test func anErrorObjectMidStreamIsAFailureMappedLikeItsHTTPStatus() {
        let start = [Self.chunk(#"{"content":"Working on"}"#)]
        let rateLimited = assembleEveryWay(stream(), dataStream(start + [
            #"{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#,
            "[DONE]",
        ]))
        #expect(rateLimited.agrees)
        #expect(rateLimited.whole.failure?.code == .rateLimited)
        #expect(rateLimited.whole.failure?.message.contains("Rate limit reached") == true)
        #expect(rateLimited.whole.partial?.text == "Working on")
        #expect(rateLimited.whole.events == [.text("Working on")])

        // OpenRouter's shape: the HTTP status it would have sent, in `code`.
        let upstream = assemble(stream(), dataStream(start + [#"{"error":{"code":502,"message":"Provider returned error"}}"#]))
        #expect(upstream.failure?.code == .upstreamFailed)
        let overloaded = assemble(stream(), dataStream(start + [#"{"error":{"code":503,"message":"overloaded"}}"#]))
        #expect(overloaded.failure?.code == .unavailable)
        let quota = assemble(stream(), dataStream([#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#]))
        #expect(quota.failure?.code == .misconfigured)
    }

    @Test func usageOnEveryChunkKeepsTheLastAndRefusalIsText() {
        let chunks = [
            Self.chunk(#"{"content":"Hi"}"#, usage: #"{"prompt_tokens":50,"completion_tokens":1,"total_tokens":51}"#),
            Self.chunk(#"{"refusal":"I can't help with that."}"#, usage: #"{"prompt_tokens":50,"completion_tokens":7,"total_tokens":57}"#),
            Self.chunk(#"{"reasoning_content":"thinking..."}"#, finish: #""stop""#, usage: "null"),
            "[DONE]",
        ]
        let result = assemble(stream(), dataStream(chunks))
        #expect(result.events == [.text("Hi"), .text("I can't help with that.")])
        #expect(result.completion?.text == "HiI can't help with that.")
        #expect(result.completion?.promptTokens == 50)
        #expect(result.completion?.completionTokens == 7)
        #expect(result.completion?.finishReason == "stop")
    }

    @Test func wholeToolCallsWithoutIndexAreSeparateCalls() {
        let chunks = [
            Self.chunk(#"{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"a","arguments":"{}"}}]}"#),
            Self.chunk(#"{"tool_calls":[{"id":"call_2","type":"function","function":{"name":"b","arguments":"{\"x\":1}"}}]}"#),
            "[DONE]",
        ]
        let result = assemble(stream(), dataStream(chunks))
        #expect(result.completion?.toolCalls.map(\.name) == ["a", "b"])
        #expect(result.events == [.toolCallStarted(name: "a"), .toolCallStarted(name: "b")])
    }

    @Test func aChunkThatIsNotJSONAndTooManyToolCallsAreRefused() {
        let garbage = assemble(stream(), dataStream([Self.chunk(#"{"content":"ok"}"#), "{not json"]))
        #expect(garbage.failure?.code == .upstreamFailed)
        #expect(garbage.partial?.text == "ok")

        let many = (0..<3).map { Self.chunk(#"{"tool_calls":[{"index":\#($0),"id":"c\#($0)","function":{"name":"t","arguments":"{}"}}]}"#) }
        let capped = OpenAIChatStream(model: "m", host: "llm.test", limits: ChatStreamLimits(maxAnswerBytes: 1_000, maxToolCalls: 2))
        #expect(assemble(capped, dataStream(many + ["[DONE]"])).failure?.message.contains("more than 2 tool calls") == true)
        let long = OpenAIChatStream(model: "m", host: "llm.test", limits: ChatStreamLimits(maxAnswerBytes: 10, maxToolCalls: 2))
        #expect(assemble(long, dataStream([Self.chunk(#"{"content":"0123456789A"}"#)])).failure?.code == .upstreamFailed)
    }

    @Test func aMillionTinyEventsFailFastAtTheEventCap() {
        // A million chunks, a thousand per piece: refused at the cap, a tenth of the way in.
        let (pieces, failure) = flood(stream(), with: String(repeating: "data: {}\n\n", count: 1_000), times: 1_000)
        #expect(pieces == 101)  // the 101st piece broke the cap
        #expect(failure?.code == .upstreamFailed)
        #expect(failure?.message.contains("more than 100000 events") == true)
    }

    @Test func twoHundredThousandOneByteArgumentFragmentsAssembleInPlace() throws {
        // Each fragment appends one byte. Assembled from a copy of the call, every append copied
        // the whole string so far (about 20 GB moved for these 200,000); in place it is linear.
        let count = 200_000
        let start = Self.chunk(#"{"tool_calls":[{"index":0,"id":"call_x","type":"function","function":{"name":"save_note","arguments":""}}]}"#)
        let fragment = dataStream([Self.chunk(#"{"tool_calls":[{"index":0,"function":{"arguments":"a"}}]}"#)])
        let body = dataStream([start]) + String(repeating: fragment, count: count) + dataStream(["[DONE]"])
        let decoder = ServerSentEventDecoder(maxLineBytes: 1 << 20, maxEventBytes: 1 << 20, maxEvents: count + 10)
        let result = assemble(OpenAIChatStream(model: "m", host: "llm.test", decoder: decoder), body, pieceSize: 1 << 16)
        #expect(result.failure == nil)
        let call = try #require(result.completion?.toolCalls.first)
        #expect(call.name == "save_note" && call.id == "call_x")
        #expect(call.arguments.utf8.count == count && call.arguments.utf8.allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(result.events == [.toolCallStarted(name: "save_note")])
    }
}
