import Core

/// A tool the model may call during a chat: its name, what it does, and the JSON Schema of its
/// arguments (OpenAI's `function.parameters`, Anthropic's `input_schema`).
package struct LLMTool: Sendable {
    package var name: String
    package var description: String
    package var parameters: JSONValue

    package init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// One call of a tool the model asked for. `arguments` is the JSON text as the model wrote it
/// (it may be invalid: `input` is nil then, and the tool answers with the problem).
package struct LLMToolCall: Sendable, Hashable {
    package var id: String
    package var name: String
    package var arguments: String

    package init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// The arguments as a JSON object, nil when they are not one.
    package var input: JSONValue? {
        let text = arguments.trimmingWhitespace()
        guard let value = try? JSONValue(parsing: text.isEmpty ? "{}" : text), case .object = value else { return nil }
        return value
    }
}

/// One message of a chat with tools. An assistant message may carry the tool calls it made; a
/// `tool` message is the result of one call (`toolCallID` names it, `toolName` the tool).
package struct LLMChatMessage: Sendable, Hashable {
    package enum Role: String, Sendable { case user, assistant, tool }

    package var role: Role
    package var content: String
    package var toolCalls: [LLMToolCall]
    package var toolCallID: String?
    package var toolName: String?

    package init(_ role: Role, _ content: String, toolCalls: [LLMToolCall] = [], toolCallID: String? = nil, toolName: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.toolName = toolName
    }

    /// The result of a tool call, sent back to the model.
    package static func toolResult(for call: LLMToolCall, _ content: String) -> LLMChatMessage {
        LLMChatMessage(.tool, content, toolCallID: call.id, toolName: call.name)
    }
}

/// What the model produced in one streamed call: its text, the tool calls it asked for (in the
/// order of their index), why it stopped, and what it cost.
package struct LLMChatCompletion: Sendable, Hashable {
    package var text: String
    package var toolCalls: [LLMToolCall]
    package var model: String
    /// `stop`, `length`, `tool_calls`/`tool_use`, `content_filter`, … as the provider said it; nil when cut.
    package var finishReason: String?
    package var promptTokens: Int?
    package var completionTokens: Int?

    package init(text: String, toolCalls: [LLMToolCall] = [], model: String, finishReason: String? = nil,
                 promptTokens: Int? = nil, completionTokens: Int? = nil) {
        self.text = text
        self.toolCalls = toolCalls
        self.model = model
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}

/// A provider-neutral request for one streamed chat answer, with tools the model may call.
package struct LLMChatRequest: Sendable {
    package var system: String
    package var messages: [LLMChatMessage]
    package var tools: [LLMTool]
    package var maxTokens: Int
    package var temperature: Double
    /// What the offline provider answers to these messages: the task's own deterministic rules
    /// (text and tool calls), streamed by the offline provider a few words at a time.
    package var offlineReply: @Sendable ([LLMChatMessage]) -> LLMChatCompletion

    package init(system: String, messages: [LLMChatMessage], tools: [LLMTool] = [], maxTokens: Int = 2000,
                 temperature: Double = 0.4, offlineReply: @escaping @Sendable ([LLMChatMessage]) -> LLMChatCompletion) {
        self.system = system
        self.messages = messages
        self.tools = tools
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.offlineReply = offlineReply
    }
}

/// What a streamed call reports while it runs.
package enum LLMStreamEvent: Sendable, Hashable {
    /// A piece of the answer's text, as it arrived.
    case text(String)
    /// The model started a tool call (its name is known; the arguments are still arriving).
    case toolCallStarted(name: String)
}

extension LLMProvider {
    /// Providers that cannot stream say so; the three built-in ones override this.
    package func streamChat(_ request: LLMChatRequest, deadline: Deadline,
                            onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatCompletion {
        throw BundleError(.misconfigured, "the \(name) LLM provider cannot stream chat answers")
    }
}

/// A streamed call that failed after it had produced something: the error, and what had
/// arrived (text so far, tool calls completed so far), so the caller can save a partial answer.
package struct LLMStreamFailure: BundleErrorConvertible {
    package var partial: LLMChatCompletion
    package var error: BundleError

    package init(partial: LLMChatCompletion, error: BundleError) {
        self.partial = partial
        self.error = error
    }

    package var bundleError: BundleError { error }
}
