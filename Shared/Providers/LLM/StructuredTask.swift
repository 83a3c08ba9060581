import Core

/// One kind of question the agents put to an LLM, with a typed answer. A task carries everything
/// a provider needs: the prompt, the JSON Schema of the answer, rules the schema cannot express,
/// and the offline provider's deterministic answer, so the offline knowledge lives with the task.
package protocol StructuredTask: Sendable {
    associatedtype Output: Codable & Sendable

    /// Names the step in `llm_calls` ("synthesize.insights").
    var step: String { get }
    /// `[A-Za-z0-9_-]{1,64}`.
    var schemaName: String { get }
    /// Strict JSON Schema of `Output` (every property required, no extra properties).
    var schema: JSONValue { get }
    var system: String { get }
    var prompt: String { get }
    var maxTokens: Int { get }
    var temperature: Double { get }

    /// Checks beyond the schema (word counts, allowed links). Empty when the answer is good.
    func validate(_ output: Output) -> [ErrorDetail]
    /// The offline provider's answer, from rules and templates.
    func offlineAnswer() -> Output
}

extension StructuredTask {
    package var maxTokens: Int { 1500 }
    package var temperature: Double { 0.2 }
    package func validate(_ output: Output) -> [ErrorDetail] { [] }
}

/// A validated answer and what it took to get it.
package struct LLMResult<Output: Sendable>: Sendable {
    package var output: Output
    package var provider: String
    package var model: String
    /// 1, or 2 when a repair round was needed.
    package var attempts: Int
    package var promptTokens: Int
    package var completionTokens: Int
    /// nil when the model's price is unknown.
    package var costUSD: Double?
    package var latencyMilliseconds: Int

    /// A summary for function outputs: `{"provider": "offline", "model": ..., ...}`.
    package var usage: LLMUsageSummary {
        LLMUsageSummary(provider: provider, model: model, attempts: attempts, promptTokens: promptTokens,
                        completionTokens: completionTokens, costUSD: costUSD, latencyMs: latencyMilliseconds)
    }
}

/// What a function reports about the LLM work behind its answer.
package struct LLMUsageSummary: Codable, Sendable, Hashable {
    package var provider: String
    package var model: String
    package var attempts: Int
    package var promptTokens: Int
    package var completionTokens: Int
    package var costUSD: Double?
    package var latencyMs: Int

    enum CodingKeys: String, CodingKey {
        case provider, model, attempts
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case costUSD = "cost_usd"
        case latencyMs = "latency_ms"
    }

    package static let schema: JSONValue = Schema.object([
        "provider": Schema.string("openai, anthropic or offline (deterministic rules, no model)"),
        "model": Schema.string(),
        "attempts": Schema.integer("2 when the first answer failed validation and was repaired", minimum: 1),
        "prompt_tokens": Schema.integer(minimum: 0),
        "completion_tokens": Schema.integer(minimum: 0),
        "cost_usd": Schema.nullable(Schema.number("Estimated from the price table; null for unknown models")),
        "latency_ms": Schema.integer(minimum: 0),
    ])
}
