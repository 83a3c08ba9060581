import Catalog
import Core
import Foundation
import Store
import TestSupport

/// OpenAI's streamed chat wire format (`chat.completion.chunk` events, `[DONE]`), as the
/// chat's loopback LLM fake sends it.
enum OpenAIWire {
    static let model = "gpt-4o-mini-2024-07-18"
    static let headers = ["Content-Type": "text/event-stream"]

    static func event(_ value: JSONValue) -> String { "data: \(value.jsonText)\n\n" }

    static func chunk(_ delta: JSONValue, finish: String? = nil) -> String {
        event(["id": "chatcmpl-wire", "object": "chat.completion.chunk", "created": 1_767_603_600, "model": .string(model),
               "system_fingerprint": "fp_wire",
               "choices": [["index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish.map(JSONValue.string) ?? .null]]])
    }

    static let role = chunk(["role": "assistant", "content": "", "refusal": nil])
    static func text(_ piece: String) -> String { chunk(["content": .string(piece)]) }
    static func finish(_ reason: String) -> String { chunk([:], finish: reason) }
    static let done = "data: [DONE]\n\n"

    /// A tool call's fragment: the first names it (`id`, `name`), later ones add to its arguments.
    static func toolCall(_ index: Int, id: String? = nil, name: String? = nil, arguments: String) -> String {
        var call: [String: JSONValue] = ["index": .number(Double(index))]
        var function: [String: JSONValue] = ["arguments": .string(arguments)]
        if let id {
            call["id"] = .string(id)
            call["type"] = "function"
        }
        if let name { function["name"] = .string(name) }
        call["function"] = .object(function)
        return chunk(["tool_calls": [.object(call)]])
    }

    /// The extra chunk `stream_options.include_usage` asks for: no choices, the usage.
    static func usage(prompt: Int, completion: Int) -> String {
        event(["id": "chatcmpl-wire", "object": "chat.completion.chunk", "created": 1_767_603_600, "model": .string(model), "choices": [],
               "usage": ["prompt_tokens": .number(Double(prompt)), "completion_tokens": .number(Double(completion)),
                         "total_tokens": .number(Double(prompt + completion))]])
    }

    /// A whole text answer: role, the pieces, the finish, the usage, `[DONE]`.
    static func answer(_ pieces: [String], prompt: Int, completion: Int) -> [String] {
        [role] + pieces.map(text) + [finish("stop"), usage(prompt: prompt, completion: completion), done]
    }

    /// One tool call whose arguments arrive in `fragments`, after an optional sentence.
    static func callingTool(_ name: String, id: String, fragments: [String], saying text: String? = nil, prompt: Int, completion: Int) -> [String] {
        var events = [role]
        if let text { events.append(self.text(text)) }
        events.append(toolCall(0, id: id, name: name, arguments: ""))
        events += fragments.map { toolCall(0, arguments: $0) }
        return events + [finish("tool_calls"), usage(prompt: prompt, completion: completion), done]
    }
}

/// Anthropic's streamed Messages wire format, as the chat's loopback fake sends it.
enum AnthropicWire {
    static let model = "claude-sonnet-4-5-20250929"

    static func event(_ type: String, _ data: JSONValue) -> String { "event: \(type)\ndata: \(data.jsonText)\n\n" }

    static func start(inputTokens: Int) -> String {
        event("message_start", ["type": "message_start", "message": [
            "id": "msg_wire", "type": "message", "role": "assistant", "model": .string(model), "content": [], "stop_reason": nil,
            "stop_sequence": nil, "usage": ["input_tokens": .number(Double(inputTokens)), "output_tokens": 1]]])
    }

    static let ping = event("ping", ["type": "ping"])

    static func textBlock(_ index: Int, _ pieces: [String]) -> [String] {
        [event("content_block_start", ["type": "content_block_start", "index": .number(Double(index)), "content_block": ["type": "text", "text": ""]])]
            + pieces.map { event("content_block_delta", ["type": "content_block_delta", "index": .number(Double(index)),
                                                         "delta": ["type": "text_delta", "text": .string($0)]]) }
            + [event("content_block_stop", ["type": "content_block_stop", "index": .number(Double(index))])]
    }

    static func toolBlock(_ index: Int, id: String, name: String, fragments: [String]) -> [String] {
        [event("content_block_start", ["type": "content_block_start", "index": .number(Double(index)),
                                       "content_block": ["type": "tool_use", "id": .string(id), "name": .string(name), "input": [:]]])]
            + ([""] + fragments).map { event("content_block_delta", ["type": "content_block_delta", "index": .number(Double(index)),
                                                                      "delta": ["type": "input_json_delta", "partial_json": .string($0)]]) }
            + [event("content_block_stop", ["type": "content_block_stop", "index": .number(Double(index))])]
    }

    static func end(_ reason: String, outputTokens: Int) -> [String] {
        [event("message_delta", ["type": "message_delta", "delta": ["stop_reason": .string(reason), "stop_sequence": nil],
                                 "usage": ["output_tokens": .number(Double(outputTokens))]]),
         event("message_stop", ["type": "message_stop"])]
    }
}

/// The events of a streamed answer, each a little after the one before (a slow model), so the
/// function reads them one by one.
func slowly(_ events: [String], gap: Duration = .milliseconds(20)) -> [StreamPiece] {
    events.map { StreamPiece($0, after: gap) }
}

/// The whole stack for one test: nginx + fcgiwrap over the debug binaries with the fakes'
/// addresses in the environment, an API key, and the conversation (id 1) with its draft.
struct DraftChatSite {
    static let llmKey = "sk-wire-llm-key-5c1d9e"
    static let linearKey = "lin_api_WIREKEY00000000000000"

    let server: NginxServer
    let key: String

    init(llm: LoopbackServer, linear: LoopbackServer? = nil, extra: [String: String] = [:]) throws {
        var environment = ["BUNDLE_NOW": "2026-12-02T09:00:00Z", "LLM_PROVIDER": "openai", "LLM_BASE_URL": llm.baseURL + "/v1",
                           "LLM_API_KEY": Self.llmKey, "LLM_MODEL": "gpt-4o-mini"]
        if let linear {
            environment["LINEAR_API_URL"] = linear.baseURL + "/graphql"
            environment["LINEAR_API_KEY"] = Self.linearKey
            environment["LINEAR_TEAM_ID"] = "team-wire"
        }
        server = try NginxServer(mode: .direct, environment: environment.merging(extra) { $1 })
        key = try server.createKey()
        try DraftChatEndToEndTests.seed(server.databasePath)
    }

    /// Posts one chat message asking for Server-Sent Events; the client reads as the test says.
    func chat(_ message: String) throws -> StreamingHTTPClient {
        try StreamingHTTPClient(port: server.port, method: "POST", path: "/api/conversations/1/project-draft/chat/stream",
                                headers: ["X-API-Key": key, "Content-Type": "application/json", "Accept": "text/event-stream"],
                                body: Array((["message": .string(message)] as JSONValue).jsonText.utf8))
    }

    func send(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> HTTPReply {
        try server.send(method, path, headers: ["X-API-Key": key, "Content-Type": "application/json", "Accept": "application/json"],
                        body: body?.jsonText ?? "")
    }

    /// The chat's rows in `llm_calls`, oldest first.
    func chatCalls() throws -> [Row] {
        let database = try TestDatabase.open(server.databasePath, migrations: Catalog.migrations)
        return try database.read { try $0.query("SELECT * FROM llm_calls WHERE step = 'chat' ORDER BY id") }
    }
}

extension StreamingHTTPClient {
    /// The `content` events' text, in order.
    var contentText: String {
        events.filter { $0.event == "content" }.compactMap { $0.data?["content"]?.stringValue }.joined()
    }

    /// The `done` event's response.
    var doneResponse: JSONValue? {
        events.last { $0.event == "done" }?.data?["response"]
    }
}

extension RecordedRequest {
    /// The chat messages of an OpenAI- or Anthropic-format request body.
    var chatMessages: [JSONValue] { json?["messages"]?.arrayValue ?? [] }
}
