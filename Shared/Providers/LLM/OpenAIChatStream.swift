import Core
import HTTPTransport

/// Assembles an OpenAI-compatible streamed chat answer (`stream: true`): each event's `data` is
/// one `chat.completion.chunk`; `data: [DONE]` ends the stream.
///
/// - `delta.content` is text, handed over as it arrives.
/// - `delta.refusal` is text too: in a chat the model's refusal is its answer to the user, who
///   should read why rather than get an error (the structured `complete` throws instead, as a
///   refusal can never be the JSON it asked for). Reasoning fields (`reasoning`,
///   `reasoning_content`) are the model's thinking, not its answer: skipped, like unknown fields.
/// - `delta.tool_calls[]` fragments are assembled by `index`: the first names the call (`id`,
///   `function.name`: `.toolCallStarted`), later ones append to `function.arguments`.
/// - `usage` is kept from the last chunk that has it: OpenAI's extra chunk with `choices: []`
///   (`stream_options.include_usage`), or xAI's on every chunk.
/// - A chunk holding `error` is a failure mapped like an HTTP error (`UpstreamFailure`); a body
///   that ends before `[DONE]` is `upstream_failed`; both carry what had arrived.
///
/// Only the first choice is read (the bundle never asks for `n > 1`).
package struct OpenAIChatStream: ChatStreamAssembler {
    private struct ToolCallBuilder: Sendable {
        var id: String
        var name: String
        var arguments = ""
        var announced = false
    }

    /// The server's host (for messages) and the key's variable (for errors that name it).
    private let host: String
    private let keyVariable: String
    private let limits: ChatStreamLimits
    private var decoder: ServerSentEventDecoder
    private var text = ""
    private var calls: [Int: ToolCallBuilder] = [:]
    private var lastCallIndex = 0
    private var answerBytes = 0
    private var model: String
    private var finishReason: String?
    private var promptTokens: Int?
    private var completionTokens: Int?
    package private(set) var isDone = false
    package private(set) var failure: LLMStreamFailure?

    package init(model: String, host: String, keyVariable: String = "LLM_API_KEY", limits: ChatStreamLimits = ChatStreamLimits(),
                 decoder: ServerSentEventDecoder = ChatStreamLimits.decoder()) {
        self.model = model
        self.host = host
        self.keyVariable = keyVariable
        self.limits = limits
        self.decoder = decoder
    }

    private var serverName: String { "the LLM server at \(host)" }

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
            if let broken, !isDone { throw .malformed(partial, "\(serverName)'s event stream \(broken.problem)") }
        } catch {
            failure = error
        }
        return out
    }

    package mutating func finish() throws(LLMStreamFailure) -> LLMChatCompletion {
        if let failure { throw failure }
        if !isDone {
            // Half a chunk at the end of a cut body is not worth reading.
            _ = try? decoder.finish(dispatchingIncomplete: false)
            throw .malformed(partial, "\(serverName)'s stream ended before [DONE]")
        }
        var completion = partial
        completion.toolCalls = orderedCalls(completeOnly: false)
        completion.finishReason = finishReason
        return completion
    }

    package var partial: LLMChatCompletion {
        LLMChatCompletion(text: text, toolCalls: orderedCalls(completeOnly: true), model: model, finishReason: nil,
                          promptTokens: promptTokens, completionTokens: completionTokens)
    }

    /// The calls in index order; with `completeOnly`, those whose arguments are already a whole
    /// JSON object (a cut stream may have stopped inside the last one).
    private func orderedCalls(completeOnly: Bool) -> [LLMToolCall] {
        calls.sorted { $0.key < $1.key }.compactMap { index, builder in
            guard !builder.name.isEmpty else { return nil }
            let call = LLMToolCall(id: builder.id.isEmpty ? "call_\(index)" : builder.id, name: builder.name,
                                   arguments: builder.arguments.isEmpty ? "{}" : builder.arguments)
            if completeOnly && call.input == nil { return nil }
            return call
        }
    }

    private mutating func take(_ event: ServerSentEvent, into out: inout [LLMStreamEvent]) throws(LLMStreamFailure) {
        if event.data.count < 16, event.text.trimmingWhitespace() == "[DONE]" {
            isDone = true
            return
        }
        guard let chunk = try? JSONValue(parsing: event.data), case .object = chunk else {
            throw .malformed(partial, "\(serverName) sent a stream chunk that is not a JSON object")
        }
        if let error = chunk["error"], !error.isNull {
            throw LLMStreamFailure(partial: partial, error: Self.streamError(error, server: serverName, keyVariable: keyVariable))
        }
        if let name = chunk["model"]?.stringValue, !name.isEmpty { model = name }
        if let usage = chunk["usage"], case .object = usage {
            promptTokens = usage["prompt_tokens"]?.intValue ?? promptTokens
            completionTokens = usage["completion_tokens"]?.intValue ?? completionTokens
        }
        for choice in chunk["choices"]?.arrayValue ?? [] where (choice["index"]?.intValue ?? 0) == 0 {
            let delta = choice["delta"]
            for key in ["content", "refusal"] {
                if let piece = delta?[key]?.stringValue, !piece.isEmpty {
                    try grow(by: piece.utf8.count)
                    text += piece
                    out.append(.text(piece))
                }
            }
            for fragment in delta?["tool_calls"]?.arrayValue ?? [] {
                try takeToolCall(fragment, into: &out)
            }
            if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        }
    }

    private mutating func takeToolCall(_ fragment: JSONValue, into out: inout [LLMStreamEvent]) throws(LLMStreamFailure) {
        let id = fragment["id"]?.stringValue ?? ""
        // Servers that leave out `index` send each call whole: a new id is a new call.
        let index: Int
        if let given = fragment["index"]?.intValue {
            index = given
        } else if !id.isEmpty, !calls.isEmpty, calls[lastCallIndex]?.id != id {
            index = (calls.keys.max() ?? -1) + 1
        } else {
            index = lastCallIndex
        }
        lastCallIndex = index
        if calls[index] == nil {
            guard calls.count < limits.maxToolCalls else {
                throw .malformed(partial, "\(serverName) asked for more than \(limits.maxToolCalls) tool calls in one answer")
            }
            calls[index] = ToolCallBuilder(id: id, name: "")
        }
        let function = fragment["function"]
        let arguments = function?["arguments"]?.stringValue ?? ""
        if !arguments.isEmpty { try grow(by: arguments.utf8.count) }
        // Mutated where it is stored: a copy taken out of `calls` would share the arguments'
        // buffer, and each `+=` would copy the whole string (quadratic in the fragments).
        Self.update(&calls[index, default: ToolCallBuilder(id: id, name: "")], id: id, name: function?["name"]?.stringValue,
                        arguments: arguments, into: &out)
    }

    private static func update(_ builder: inout ToolCallBuilder, id: String, name: String?, arguments: String,
                               into out: inout [LLMStreamEvent]) {
        if builder.id.isEmpty { builder.id = id }
        if let name, !name.isEmpty, builder.name.isEmpty { builder.name = name }
        builder.arguments += arguments
        if !builder.announced && !builder.name.isEmpty {
            builder.announced = true
            out.append(.toolCallStarted(name: builder.name))
        }
    }

    private mutating func grow(by bytes: Int) throws(LLMStreamFailure) {
        answerBytes += bytes
        guard answerBytes <= limits.maxAnswerBytes else {
            throw .malformed(partial, "\(serverName) streamed an answer larger than \(limits.maxAnswerBytes) bytes")
        }
    }

    /// An `error` object sent mid-stream, mapped like the same error sent as an HTTP status:
    /// OpenRouter puts the status in `code`; OpenAI and the others name it in `code` or `type`.
    static func streamError(_ error: JSONValue, server: String, keyVariable: String) -> BundleError {
        let message = error["message"]?.stringValue ?? error.stringValue
        let code = error["code"]?.stringValue ?? error["type"]?.stringValue
        let words = [error["code"]?.stringValue, error["type"]?.stringValue].compactMap { $0 }.joined(separator: " ")
        let status: Int
        if let numeric = error["code"]?.intValue, (400...599).contains(numeric) {
            status = numeric
        } else {
            status = UpstreamFailure.status(naming: words)
        }
        let mapped = OpenAICompatibleProvider.failure(server: server, keyVariable: keyVariable,
                                                      response: HTTPResponse(status: status), message: message, code: code)
        return UpstreamFailure.midStream(mapped, server: server, what: "an error", message: message)
    }
}
