import Core
import Providers

/// A small task with a rule beyond its schema, to exercise validation and repair.
struct GreetingTask: StructuredTask {
    struct Output: Codable, Sendable, Equatable {
        var greeting: String
        var words: Int
    }

    let step = "test.greeting"
    let schemaName = "greeting"
    let schema = Schema.object(["greeting": Schema.string(minLength: 1), "words": Schema.integer(minimum: 1, maximum: 20)])
    let system = "You greet people."
    let prompt = "Greet Ada in three words."

    func validate(_ output: Output) -> [ErrorDetail] {
        output.greeting.split(separator: " ").count == output.words
            ? [] : [ErrorDetail(field: "$.words", problem: "must equal the number of words in greeting")]
    }

    func offlineAnswer() -> Output { Output(greeting: "Hello there, Ada", words: 3) }
}

/// An OpenAI chat completion whose message content is the given JSON text.
func openAIAnswer(_ content: String, model: String = "gpt-4o-mini-2024-07-18", prompt: Int = 120, completion: Int = 30) -> JSONValue {
    [
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_767_603_600, "model": .string(model),
        "choices": [["index": 0, "finish_reason": "stop",
                     "message": ["role": "assistant", "content": .string(content), "refusal": nil]]],
        "usage": ["prompt_tokens": .number(Double(prompt)), "completion_tokens": .number(Double(completion)),
                  "total_tokens": .number(Double(prompt + completion))],
    ]
}

/// An Anthropic message whose one block is a tool call with the given input.
func anthropicAnswer(_ input: JSONValue, model: String = "claude-sonnet-4-5-20250929") -> JSONValue {
    [
        "id": "msg_1", "type": "message", "role": "assistant", "model": .string(model),
        "content": [["type": "tool_use", "id": "toolu_1", "name": "greeting", "input": input]],
        "stop_reason": "tool_use",
        "usage": ["input_tokens": 200, "output_tokens": 40],
    ]
}
