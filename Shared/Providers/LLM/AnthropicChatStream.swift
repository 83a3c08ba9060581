import Core
import HTTPTransport

/// Assembles an Anthropic Messages streamed answer (`stream: true`). Each event's `data` has a
/// `type` (the same as its `event:` name):
///
/// - `message_start`: the model and the input tokens.
/// - `content_block_start`: a `text` block (its text, if any, is handed over), or a `tool_use`
///   block `{id, name}` (`.toolCallStarted`); other blocks (thinking, …) are skipped.
/// - `content_block_delta`: `text_delta` is text; `input_json_delta` pieces are joined per block;
///   `thinking_delta` and `signature_delta` are the model's thinking: skipped.
/// - `content_block_stop`: a tool call is complete; its input stays the raw JSON text the model
///   wrote (invalid JSON too: `LLMToolCall.input` is nil then and the tool says so).
/// - `message_delta`: the stop reason and the output tokens so far (cumulative: the last wins).
/// - `message_stop` ends the stream; `ping` is skipped; `error` is a failure mapped like the same
///   error sent as an HTTP status (`UpstreamFailure.status(naming:)`): `overloaded_error` is
///   `unavailable` (retryable), `rate_limit_error` `rate_limited`, the rest `upstream_failed`.
///   A body that ends before `message_stop` is `upstream_failed`.
/// Failures carry what had arrived.
package struct AnthropicChatStream: ChatStreamAssembler {
    private struct ToolUse: Sendable {
        var id: String
        var name: String
        var input: String
        var initial: JSONValue?
    }

    private let limits: ChatStreamLimits
    private var decoder: ServerSentEventDecoder
    private var text = ""
    /// Tool-use blocks still receiving input, by block index.
    private var open: [Int: ToolUse] = [:]
    /// Tool calls whose block stopped, with their block index.
    private var completed: [(index: Int, call: LLMToolCall)] = []
    private var answerBytes = 0
    private var model: String
    private var stopReason: String?
    private var inputTokens: Int?
    private var outputTokens: Int?
    package private(set) var isDone = false
    package private(set) var failure: LLMStreamFailure?

    package init(model: String, limits: ChatStreamLimits = ChatStreamLimits(), decoder: ServerSentEventDecoder = ChatStreamLimits.decoder()) {
        self.model = model
        self.limits = limits
        self.decoder = decoder
    }

    package mutating func feed(_ bytes: [UInt8]) -> [LLMStreamEvent] {
        guard !isDone, failure == nil else { return [] }
        var events: [ServerSentEvent] = []
        var out: [LLMStreamEvent] = []
        do throws(LLMStreamFailure) {
            var broken: ServerSentEventError?
            do {
                try decoder.feed(bytes, into: &events)
            } catch {
                broken = error
            }
            for event in events where !isDone {
                try take(event, into: &out)
            }
            if let broken, !isDone { throw .malformed(partial, "Anthropic's event stream \(broken.problem)") }
        } catch {
            failure = error
        }
        return out
    }

    package mutating func finish() throws(LLMStreamFailure) -> LLMChatCompletion {
        if let failure { throw failure }
        guard isDone else {
            _ = try? decoder.finish(dispatchingIncomplete: false)
            throw .malformed(partial, "Anthropic's stream ended before message_stop")
        }
        var completion = partial
        completion.finishReason = stopReason
        return completion
    }

    package var partial: LLMChatCompletion {
        LLMChatCompletion(text: text, toolCalls: completed.sorted { $0.index < $1.index }.map(\.call), model: model,
                          finishReason: nil, promptTokens: inputTokens, completionTokens: outputTokens)
    }

    private mutating func take(_ event: ServerSentEvent, into out: inout [LLMStreamEvent]) throws(LLMStreamFailure) {
        guard let data = try? JSONValue(parsing: event.data), case .object = data else {
            throw .malformed(partial, "Anthropic sent a stream event that is not a JSON object")
        }
        let index = data["index"]?.intValue ?? 0
        switch data["type"]?.stringValue ?? event.type {
        case "message_start":
            let message = data["message"]
            if let name = message?["model"]?.stringValue, !name.isEmpty { model = name }
            takeUsage(message?["usage"])
        case "content_block_start":
            let block = data["content_block"]
            switch block?["type"]?.stringValue {
            case "text":
                try takeText(block?["text"]?.stringValue ?? "", into: &out)
            case "tool_use":
                guard open.count + completed.count < limits.maxToolCalls else {
                    throw .malformed(partial, "Anthropic asked for more than \(limits.maxToolCalls) tool calls in one answer")
                }
                let name = block?["name"]?.stringValue ?? ""
                open[index] = ToolUse(id: block?["id"]?.stringValue ?? "toolu_\(index)", name: name, input: "", initial: block?["input"])
                out.append(.toolCallStarted(name: name))
            default:
                break
            }
        case "content_block_delta":
            let delta = data["delta"]
            switch delta?["type"]?.stringValue {
            case "text_delta":
                try takeText(delta?["text"]?.stringValue ?? "", into: &out)
            case "input_json_delta":
                let piece = delta?["partial_json"]?.stringValue ?? ""
                guard !piece.isEmpty, open[index] != nil else { break }
                try grow(by: piece.utf8.count)
                open[index]?.input += piece
            default:
                break  // thinking_delta, signature_delta, citations: not the answer
            }
        case "content_block_stop":
            guard let use = open.removeValue(forKey: index) else { break }
            completed.append((index, LLMToolCall(id: use.id, name: use.name, arguments: Self.arguments(of: use))))
        case "message_delta":
            if let reason = data["delta"]?["stop_reason"]?.stringValue { stopReason = reason }
            takeUsage(data["usage"])
        case "message_stop":
            isDone = true
        case "error":
            throw LLMStreamFailure(partial: partial, error: Self.streamError(data["error"]))
        default:
            break  // ping, and event types added later
        }
    }

    private mutating func takeText(_ piece: String, into out: inout [LLMStreamEvent]) throws(LLMStreamFailure) {
        guard !piece.isEmpty else { return }
        try grow(by: piece.utf8.count)
        text += piece
        out.append(.text(piece))
    }

    private mutating func takeUsage(_ usage: JSONValue?) {
        guard let usage else { return }
        inputTokens = usage["input_tokens"]?.intValue ?? inputTokens
        outputTokens = usage["output_tokens"]?.intValue ?? outputTokens
    }

    private mutating func grow(by bytes: Int) throws(LLMStreamFailure) {
        answerBytes += bytes
        guard answerBytes <= limits.maxAnswerBytes else {
            throw .malformed(partial, "Anthropic streamed an answer larger than \(limits.maxAnswerBytes) bytes")
        }
    }

    /// The input as the model wrote it; a block that got no pieces keeps the input it started with.
    private static func arguments(of use: ToolUse) -> String {
        if !use.input.trimmingWhitespace().isEmpty { return use.input }
        if let initial = use.initial, case .object(let fields) = initial, !fields.isEmpty { return initial.jsonText }
        return "{}"
    }

    static func streamError(_ error: JSONValue?) -> BundleError {
        let type = error?["type"]?.stringValue
        let message = error?["message"]?.stringValue
        let mapped = AnthropicProvider.failure(HTTPResponse(status: UpstreamFailure.status(naming: type ?? "")), message: message, type: type)
        return UpstreamFailure.midStream(mapped, server: "Anthropic", what: type ?? "an error", message: message)
    }
}
