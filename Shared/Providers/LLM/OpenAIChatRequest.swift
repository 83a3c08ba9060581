import Core

/// The body of an OpenAI-compatible streamed chat request with tools: the system text as the
/// first message; an assistant message carries its `tool_calls` (`content` null when it said
/// nothing); a tool result is a `tool` message naming its call in `tool_call_id`.
package enum OpenAIChatRequest {
    package static func body(_ request: LLMChatRequest, model: String, maxTokensParameter: String, sendsTemperature: Bool,
                             sendsStreamOptions: Bool) -> JSONValue {
        var messages: [JSONValue] = [["role": "system", "content": .string(request.system)]]
        messages += request.messages.map(message)
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(messages),
            maxTokensParameter: .number(Double(request.maxTokens)),
            "stream": true,
        ]
        if sendsStreamOptions { body["stream_options"] = ["include_usage": true] }
        if sendsTemperature { body["temperature"] = .number(request.temperature) }
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map { tool in
                ["type": "function",
                 "function": ["name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters]]
            })
        }
        return .object(body)
    }

    static func message(_ message: LLMChatMessage) -> JSONValue {
        switch message.role {
        case .user:
            return ["role": "user", "content": .string(message.content)]
        case .assistant:
            var fields: [String: JSONValue] = ["role": "assistant"]
            fields["content"] = message.content.isEmpty && !message.toolCalls.isEmpty ? .null : .string(message.content)
            if !message.toolCalls.isEmpty {
                fields["tool_calls"] = .array(message.toolCalls.map { call in
                    ["id": .string(call.id), "type": "function",
                     "function": ["name": .string(call.name), "arguments": .string(call.arguments.isEmpty ? "{}" : call.arguments)]]
                })
            }
            return .object(fields)
        case .tool:
            return ["role": "tool", "tool_call_id": .string(message.toolCallID ?? ""), "content": .string(message.content)]
        }
    }
}
