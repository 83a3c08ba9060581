import Core

/// The body of an Anthropic Messages streamed chat request with tools. The system text is top
/// level; an assistant message's tool calls are `tool_use` blocks after its text; tool results
/// are `tool_result` blocks in a user message. Messages must alternate, so consecutive messages
/// of one role (several tool results, or results followed by the user's next words) become one
/// message with their blocks in order. The first message must be the user's: a history cut to a
/// budget may start with an assistant turn, which is left out, and so are tool results whose
/// calls were in it (the API refuses a `tool_result` without its `tool_use`).
package enum AnthropicChatRequest {
    package static func body(_ request: LLMChatRequest, model: String) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "max_tokens": .number(Double(request.maxTokens)),
            "temperature": .number(request.temperature),
            "system": .string(request.system),
            "messages": .array(messages(request.messages)),
            "stream": true,
        ]
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map { tool in
                ["name": .string(tool.name), "description": .string(tool.description), "input_schema": tool.parameters]
            })
        }
        return .object(body)
    }

    static func messages(_ messages: [LLMChatMessage]) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        for message in messages {
            let role = message.role == .assistant ? "assistant" : "user"
            let blocks = blocks(of: message)
            guard !blocks.isEmpty else { continue }
            if turns.last?.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }
        while let first = turns.first {
            if first.role == "user" {
                let kept = first.blocks.filter { $0["type"] != "tool_result" }
                if !kept.isEmpty {
                    turns[0].blocks = kept
                    break
                }
            }
            turns.removeFirst()
        }
        return turns.map { turn in
            // One text block alone is sent as plain content, the shape every example uses.
            if turn.blocks.count == 1, turn.blocks[0]["type"] == "text", let text = turn.blocks[0]["text"] {
                return ["role": .string(turn.role), "content": text]
            }
            return ["role": .string(turn.role), "content": .array(turn.blocks)]
        }
    }

    /// Empty text blocks are left out: the API refuses them.
    private static func blocks(of message: LLMChatMessage) -> [JSONValue] {
        switch message.role {
        case .user:
            return message.content.isEmpty ? [] : [["type": "text", "text": .string(message.content)]]
        case .assistant:
            var blocks: [JSONValue] = message.content.isEmpty ? [] : [["type": "text", "text": .string(message.content)]]
            blocks += message.toolCalls.map { call in
                ["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.input ?? [:]]
            }
            return blocks
        case .tool:
            return [["type": "tool_result", "tool_use_id": .string(message.toolCallID ?? ""), "content": .string(message.content)]]
        }
    }
}
