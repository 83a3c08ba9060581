import Core
import Providers
import Testing

/// The Anthropic stream assembler against recorded-format events: thinking, text and
/// `input_json_delta` blocks, pings, usage, an `error` event, a cut stream; the same results
/// whatever the piece boundaries.
@Suite struct AnthropicChatStreamTests {
    static func event(_ type: String, _ data: String) -> String { "event: \(type)\ndata: \(data)\n\n" }

    static let opening = [
        event("message_start", #"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":210,"output_tokens":1}}}"#),
        event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user wants a rename."}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}"#),
        event("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
        event("content_block_start", #"{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"#),
        event("ping", #"{"type": "ping"}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Renaming it "}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"to Atlas."}}"#),
        event("content_block_stop", #"{"type":"content_block_stop","index":1}"#),
    ]

    static let toolBlocks = [
        event("content_block_start", #"{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01","name":"rename_project","input":{}}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"name\": \"At"}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"las\"}"}}"#),
        event("content_block_stop", #"{"type":"content_block_stop","index":2}"#),
        event("content_block_start", #"{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_02","name":"add_milestone","input":{}}}"#),
        event("content_block_delta", #"{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{\"title\": \"Beta\""}}"#),
        event("content_block_stop", #"{"type":"content_block_stop","index":3}"#),
    ]

    static let closing = [
        event("message_delta", #"{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":57}}"#),
        event("message_stop", #"{"type":"message_stop"}"#),
    ]

    func stream() -> AnthropicChatStream { AnthropicChatStream(model: "claude-sonnet-4-5") }

    @Test func assemblesTextAndToolCallsAndSkipsThinkingAndPings() throws {
        let (result, agrees) = assembleEveryWay(stream(), (Self.opening + Self.toolBlocks + Self.closing).joined())
        #expect(agrees)
        #expect(result.events == [.text("Renaming it "), .text("to Atlas."),
                                  .toolCallStarted(name: "rename_project"), .toolCallStarted(name: "add_milestone")])
        let completion = try #require(result.completion)
        #expect(completion.text == "Renaming it to Atlas.")
        #expect(completion.model == "claude-sonnet-4-5-20250929")
        #expect(completion.finishReason == "tool_use")
        #expect(completion.promptTokens == 210)
        #expect(completion.completionTokens == 57)
        #expect(completion.toolCalls == [
            LLMToolCall(id: "toolu_01", name: "rename_project", arguments: #"{"name": "Atlas"}"#),
            // Invalid JSON stays as the model wrote it: the tool reports the problem.
            LLMToolCall(id: "toolu_02", name: "add_milestone", arguments: #"{"title": "Beta""#),
        ])
        #expect(completion.toolCalls[0].input == ["name": "Atlas"])
        #expect(completion.toolCalls[1].input == nil)
    }

    @Test func aToolBlockWithoutInputPiecesHasAnEmptyObject() {
        let body = [
            Self.event("content_block_start", #"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_9","name":"list_milestones","input":{}}}"#),
            Self.event("content_block_stop", #"{"type":"content_block_stop","index":0}"#),
        ] + Self.closing
        #expect(assemble(stream(), body.joined()).completion?.toolCalls == [LLMToolCall(id: "toolu_9", name: "list_milestones", arguments: "{}")])
    }

    @Test func anErrorEventMidStreamIsAFailureWithThePartialAnswer() {
        for (type, code) in [("overloaded_error", ErrorCode.unavailable), ("rate_limit_error", .rateLimited), ("api_error", .upstreamFailed)] {
            let error = Self.event("error", #"{"type":"error","error":{"type":"\#(type)","message":"Something happened"}}"#)
            let (result, agrees) = assembleEveryWay(stream(), (Self.opening + Array(Self.toolBlocks.prefix(5)) + [error]).joined())
            #expect(agrees)
            #expect(result.failure?.code == code, "\(type)")
            #expect(result.failure?.isRetryable == true)
            #expect(result.failure?.message.contains("Something happened") == true)
            #expect(result.partial?.text == "Renaming it to Atlas.")
            #expect(result.partial?.toolCalls.map(\.id) == ["toolu_01"])
        }
    }

    @Test func aStreamCutBeforeMessageStopFailsWithTheCompletedToolCalls() {
        // Cut inside the second tool call's input.
        let body = (Self.opening + Array(Self.toolBlocks.prefix(7))).joined() + "event: content_block_delta\ndata: {\"type\":\"content"
        let (result, agrees) = assembleEveryWay(stream(), body)
        #expect(agrees)
        #expect(result.failure?.code == .upstreamFailed)
        #expect(result.failure?.message == "Anthropic's stream ended before message_stop")
        #expect(result.partial?.text == "Renaming it to Atlas.")
        #expect(result.partial?.toolCalls.map(\.name) == ["rename_project"])
        #expect(result.partial?.promptTokens == 210)
    }

    @Test func hostileStreamsFailAtTheCaps() {
        let huge = String(repeating: "x", count: 5 << 20)
        #expect(assemble(stream(), "event: ping\ndata: " + huge).failure?.message.contains("a line longer than") == true)
        let (pieces, failure) = flood(stream(), with: String(repeating: Self.event("ping", #"{"type":"ping"}"#), count: 1_000), times: 1_000)
        #expect(pieces == 101)  // the 101st piece broke the cap
        #expect(failure?.message.contains("more than 100000 events") == true)
    }
}
