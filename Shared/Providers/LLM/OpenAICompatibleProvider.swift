import Core
import HTTPTransport
import Synchronization

/// Chat completions on any OpenAI-compatible server (OpenAI, OpenRouter, Gemini's compatible
/// endpoint, xAI, Ollama, llama.cpp, vLLM). Asks for strict `json_schema` output; when a server
/// rejects that, falls back to `json_object` with the schema in the prompt, then to a plain
/// prompt. A server that rejects `temperature` (reasoning models) or `max_tokens` gets the request
/// again without it. Each adaptation is remembered for the rest of the process.
package final class OpenAICompatibleProvider: LLMProvider {
    package enum OutputMode: Int, Sendable { case jsonSchema, jsonObject, promptOnly }

    /// The provider id calls are recorded under: `openai` for the bundle's own provider; the
    /// registry's id (`xai`, `openai-compatible`) for the others.
    package let name: String
    package let model: String
    package let baseURL: String
    private let apiKey: String?
    /// The variable the key came from, for messages (`LLM_API_KEY` or `OPENAI_API_KEY`).
    private let keyVariable: String
    private let transport: any Transport
    private let quirks: Mutex<Quirks>

    /// What this server turned out to accept.
    private struct Quirks {
        var mode: OutputMode = .jsonSchema
        var sendsTemperature = true
        var maxTokensParameter: String
        /// `stream_options` (usage in a streamed answer): some older servers reject it.
        var sendsStreamOptions = true
    }

    package static let defaultBaseURL = "https://api.openai.com/v1"
    package static let defaultModel = "gpt-4.1-mini"

    package init(baseURL: String = OpenAICompatibleProvider.defaultBaseURL, apiKey: String?, keyVariable: String = "LLM_API_KEY",
                 model: String, transport: any Transport, maxTokensParameter: String? = nil, name: String = "openai") {
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.keyVariable = keyVariable
        self.model = model
        self.transport = transport
        // OpenAI's reasoning models reject `max_tokens`; many compatible servers only know it.
        let parameter = maxTokensParameter ?? (self.baseURL.contains("api.openai.com") ? "max_completion_tokens" : "max_tokens")
        self.quirks = Mutex(Quirks(maxTokensParameter: parameter))
    }

    /// Host and port of the server, for messages (no credentials a URL may carry).
    private var host: String { HTTPRequest(url: baseURL).host }

    package var outputMode: OutputMode { quirks.withLock { $0.mode } }
    package var maxTokensParameter: String { quirks.withLock { $0.maxTokensParameter } }
    package var sendsTemperature: Bool { quirks.withLock { $0.sendsTemperature } }

    /// Retry rule for OpenAI's errors: a 429 for exhausted quota never clears by waiting.
    package static let retryClassifier: @Sendable (HTTPResponse) -> Bool? = { response in
        guard response.status == 429, let error = response.json?["error"] else { return nil }
        let code = error["code"]?.stringValue ?? error["type"]?.stringValue
        return code == "insufficient_quota" ? false : nil
    }

    static func authentication(_ apiKey: String?) -> [(name: String, value: String)] {
        apiKey.map { [("Authorization", "Bearer " + $0)] } ?? []
    }

    /// `GET {base}/models`, for the model listing.
    static func modelsRequest(baseURL: String, apiKey: String?, timeout: Duration) -> HTTPRequest {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        return HTTPRequest(url: base + "/models", headers: authentication(apiKey), timeout: timeout)
    }

    package func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
        var adaptations = 0
        while true {
            let current = quirks.withLock { $0 }
            let response = try await transport.send(httpRequest(request, quirks: current), deadline: deadline)
            if response.isSuccess { return try parse(response) }
            if response.status == 400 || response.status == 422, adaptations < 4, let adapted = Self.adapt(current, to: response) {
                quirks.withLock { $0 = adapted }
                adaptations += 1
                continue
            }
            throw failure(response)
        }
    }

    /// One chat answer, streamed (`stream: true`, usage asked for with `stream_options`), with
    /// the tools the model may call. A 400 naming `temperature`, the max-tokens parameter or
    /// `stream_options` adapts the request as `complete` does, before anything was streamed; the
    /// structured output mode is never sent here, so a 400 that mentions it changes nothing (it
    /// must not downgrade `complete` for the rest of the process). See `OpenAIChatStream`.
    package func streamChat(_ request: LLMChatRequest, deadline: Deadline,
                            onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatCompletion {
        var adaptations = 0
        while true {
            let current = quirks.withLock { $0 }
            let body = OpenAIChatRequest.body(request, model: model, maxTokensParameter: current.maxTokensParameter,
                                              sendsTemperature: current.sendsTemperature, sendsStreamOptions: current.sendsStreamOptions)
            let headers = [("Content-Type", "application/json"), ("Accept", "text/event-stream")] + Self.authentication(apiKey)
            let http = HTTPRequest(method: "POST", url: baseURL + "/chat/completions", headers: headers,
                                   body: Array(body.jsonText.utf8), timeout: .seconds(300))
            let stream = OpenAIChatStream(model: model, host: host, keyVariable: keyVariable)
            switch try await stream.read(http, with: transport, deadline: deadline, onEvent: onEvent) {
            case .completed(let completion):
                return completion
            case .refused(let response):
                if response.status == 400 || response.status == 422, adaptations < 5,
                   let adapted = Self.adapt(current, to: response, streaming: true) {
                    quirks.withLock { $0 = adapted }
                    adaptations += 1
                    continue
                }
                throw failure(response)
            }
        }
    }

    /// A non-2xx answer as the contract's error.
    private func failure(_ response: HTTPResponse) -> BundleError {
        let error = response.json?["error"]
        return Self.failure(server: "the LLM server at \(host)", keyVariable: keyVariable, response: response,
                            message: error?["message"]?.stringValue ?? error?.stringValue ?? response.json?["detail"]?.stringValue,
                            code: error?["code"]?.stringValue ?? error?["type"]?.stringValue)
    }

    /// The one mapping of this server's errors, for an HTTP status and for an error object sent
    /// mid-stream alike.
    static func failure(server: String, keyVariable: String, response: HTTPResponse, message: String?, code: String?) -> BundleError {
        UpstreamFailure.error(provider: server, keyVariable: keyVariable, modelVariable: "LLM_MODEL",
                              baseURLVariable: "LLM_BASE_URL", response: response, upstreamMessage: message, upstreamCode: code)
    }

    private func httpRequest(_ request: LLMRequest, quirks: Quirks) -> HTTPRequest {
        var system = request.system
        let mode = quirks.mode
        if mode != .jsonSchema {
            system += "\n\nAnswer with one JSON object only, no prose and no code fences. It must match this JSON Schema:\n"
                + request.schema.jsonText
        }
        var messages: [JSONValue] = [["role": "system", "content": .string(system)]]
        messages += request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(messages),
            quirks.maxTokensParameter: .number(Double(request.maxTokens)),
        ]
        if quirks.sendsTemperature { body["temperature"] = .number(request.temperature) }
        switch mode {
        case .jsonSchema:
            body["response_format"] = [
                "type": "json_schema",
                "json_schema": ["name": .string(request.schemaName), "schema": request.schema, "strict": true],
            ]
        case .jsonObject:
            body["response_format"] = ["type": "json_object"]
        case .promptOnly:
            break
        }
        return HTTPRequest.json(url: baseURL + "/chat/completions", body: .object(body), headers: Self.authentication(apiKey),
                                timeout: .seconds(120))
    }

    private func parse(_ response: HTTPResponse) throws -> LLMCompletion {
        guard let json = response.json, let choice = json["choices"]?.arrayValue?.first else {
            throw BundleError(.upstreamFailed, "the LLM server at \(host) sent an answer without choices")
        }
        let message = choice["message"]
        if let refusal = message?["refusal"]?.stringValue, !refusal.isEmpty {
            throw BundleError(.upstreamFailed, "the model refused: \(refusal.prefix(300))")
        }
        if choice["finish_reason"]?.stringValue == "content_filter" {
            throw BundleError(.upstreamFailed, "the LLM server's content filter stopped the answer")
        }
        let text = message?["content"]?.stringValue
            ?? message?["tool_calls"]?.arrayValue?.first?["function"]?["arguments"]?.stringValue
            ?? ""
        let usage = json["usage"]
        return LLMCompletion(text: text, model: json["model"]?.stringValue ?? model,
                             promptTokens: usage?["prompt_tokens"]?.intValue,
                             completionTokens: usage?["completion_tokens"]?.intValue)
    }

    /// The request shape to try after a 400 that names a parameter this server does not take;
    /// `streaming`: only what a streamed chat sends (no structured output mode).
    private static func adapt(_ quirks: Quirks, to response: HTTPResponse, streaming: Bool = false) -> Quirks? {
        let text = response.text.lowercased()
        var adapted = quirks
        if text.contains("temperature"), quirks.sendsTemperature {
            adapted.sendsTemperature = false
        } else if text.contains("max_tokens"), quirks.maxTokensParameter == "max_tokens" {
            adapted.maxTokensParameter = "max_completion_tokens"
        } else if text.contains("max_completion_tokens"), quirks.maxTokensParameter == "max_completion_tokens" {
            adapted.maxTokensParameter = "max_tokens"
        } else if text.contains("stream_options"), quirks.sendsStreamOptions {
            adapted.sendsStreamOptions = false
        } else if !streaming, text.contains("response_format") || text.contains("json_schema") || text.contains("structured output"),
                  quirks.mode != .promptOnly {
            adapted.mode = OutputMode(rawValue: quirks.mode.rawValue + 1)!
        } else {
            return nil
        }
        return adapted
    }
}
