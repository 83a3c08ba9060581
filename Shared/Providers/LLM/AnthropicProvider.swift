import Core
import HTTPTransport

/// Anthropic Messages. JSON comes from one forced tool call: the tool's `input_schema` is the
/// task's schema and `tool_choice` names it, so the `tool_use` block's `input` is the answer.
package struct AnthropicProvider: LLMProvider {
    package let name = "anthropic"
    package let model: String
    package let baseURL: String
    private let apiKey: String
    private let transport: any Transport

    package static let defaultBaseURL = "https://api.anthropic.com"
    package static let defaultModel = "claude-sonnet-4-5"
    package static let apiVersion = "2023-06-01"

    package init(baseURL: String = AnthropicProvider.defaultBaseURL, apiKey: String, model: String, transport: any Transport) {
        self.baseURL = Self.root(baseURL)
        self.apiKey = apiKey
        self.model = model
        self.transport = transport
    }

    /// The server's root: a trailing `/` or `/v1` taken off (people paste either), since every
    /// path below starts with `/v1`. The one place Anthropic's base URL, paths and auth headers live.
    package static func root(_ baseURL: String) -> String {
        var base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        if base.hasSuffix("/v1") { base = String(base.dropLast(3)) }
        return base
    }

    static func authentication(_ apiKey: String) -> [(name: String, value: String)] {
        [("x-api-key", apiKey), ("anthropic-version", apiVersion)]
    }

    /// `GET /v1/models`, for the model listing.
    static func modelsRequest(baseURL: String, apiKey: String, timeout: Duration) -> HTTPRequest {
        HTTPRequest(url: root(baseURL) + "/v1/models?limit=1000", headers: authentication(apiKey), timeout: timeout)
    }

    package func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
        let response = try await transport.send(httpRequest(request), deadline: deadline)
        guard response.isSuccess else { throw failure(response) }
        guard let json = response.json, let blocks = json["content"]?.arrayValue else {
            throw BundleError(.upstreamFailed, "Anthropic sent an answer without content")
        }
        let usage = json["usage"]
        let modelName = json["model"]?.stringValue ?? model
        if let toolUse = blocks.first(where: { $0["type"]?.stringValue == "tool_use" }), let input = toolUse["input"] {
            return LLMCompletion(text: input.jsonText, model: modelName,
                                 promptTokens: usage?["input_tokens"]?.intValue, completionTokens: usage?["output_tokens"]?.intValue)
        }
        // No tool call (for example stop_reason max_tokens): hand the text to validation, which
        // reports it and asks once more.
        let text = blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        return LLMCompletion(text: text, model: modelName,
                             promptTokens: usage?["input_tokens"]?.intValue, completionTokens: usage?["output_tokens"]?.intValue)
    }

    /// One chat answer, streamed, with the tools the model may call. See `AnthropicChatStream`.
    package func streamChat(_ request: LLMChatRequest, deadline: Deadline,
                            onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatCompletion {
        let http = HTTPRequest(method: "POST", url: baseURL + "/v1/messages",
                               headers: [("Content-Type", "application/json"), ("Accept", "text/event-stream")] + Self.authentication(apiKey),
                               body: Array(AnthropicChatRequest.body(request, model: model).jsonText.utf8), timeout: .seconds(300))
        switch try await AnthropicChatStream(model: model).read(http, with: transport, deadline: deadline, onEvent: onEvent) {
        case .completed(let completion):
            return completion
        case .refused(let response):
            throw failure(response)
        }
    }

    /// A non-2xx answer as the contract's error.
    private func failure(_ response: HTTPResponse) -> BundleError {
        Self.failure(response, message: response.json?["error"]?["message"]?.stringValue, type: response.json?["error"]?["type"]?.stringValue)
    }

    /// The one mapping of Anthropic's errors, for an HTTP status and an error event sent mid-stream alike.
    static func failure(_ response: HTTPResponse, message: String?, type: String?) -> BundleError {
        UpstreamFailure.error(provider: "Anthropic", keyVariable: "ANTHROPIC_API_KEY", modelVariable: "ANTHROPIC_MODEL",
                              baseURLVariable: "ANTHROPIC_BASE_URL", response: response, upstreamMessage: message, upstreamCode: type)
    }

    func httpRequest(_ request: LLMRequest) -> HTTPRequest {
        let body: JSONValue = [
            "model": .string(model),
            "max_tokens": .number(Double(request.maxTokens)),
            "temperature": .number(request.temperature),
            "system": .string(request.system),
            "messages": .array(request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }),
            "tools": [[
                "name": .string(request.schemaName),
                "description": "Record the answer. Call this tool exactly once with the complete answer.",
                "input_schema": request.schema,
            ]],
            "tool_choice": ["type": "tool", "name": .string(request.schemaName)],
        ]
        return HTTPRequest.json(url: baseURL + "/v1/messages", body: body,
                                headers: Self.authentication(apiKey),
                                timeout: .seconds(120))
    }
}

/// The embedded default: answers every task from its own deterministic rules and templates, with
/// no network and no key. Outputs say `"provider": "offline"` so nobody mistakes them for a model's.
package struct OfflineProvider: LLMProvider {
    package let name = "offline"
    package let model = "offline-rules-v1"

    package init() {}

    package func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
        LLMCompletion(text: request.offlineAnswer().jsonText, model: model, promptTokens: 0, completionTokens: 0)
    }

    /// The task's own reply to these messages, streamed as a model would: a few words per
    /// `.text` event, then each tool call's start. Deterministic; no tokens.
    package func streamChat(_ request: LLMChatRequest, deadline: Deadline,
                            onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatCompletion {
        var completion = request.offlineReply(request.messages)
        for piece in Self.pieces(of: completion.text) { onEvent(.text(piece)) }
        for call in completion.toolCalls { onEvent(.toolCallStarted(name: call.name)) }
        completion.model = model
        completion.promptTokens = 0
        completion.completionTokens = 0
        if completion.finishReason == nil { completion.finishReason = completion.toolCalls.isEmpty ? "stop" : "tool_calls" }
        return completion
    }

    /// `text` cut after every `wordsPerPiece` words (each piece keeps the spaces after its
    /// words), so the pieces joined are the text.
    package static func pieces(of text: String, wordsPerPiece: Int = 3) -> [String] {
        var pieces: [String] = []
        var current = ""
        var words = 0
        var inWord = false
        for character in text {
            let isSpace = character.isWhitespace
            if !isSpace && !inWord {
                if words == wordsPerPiece {
                    pieces.append(current)
                    current = ""
                    words = 0
                }
                words += 1
            }
            inWord = !isSpace
            current.append(character)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
