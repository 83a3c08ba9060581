import Core
import HTTPTransport

/// One message of a chat exchange.
package struct LLMMessage: Sendable, Hashable {
    package enum Role: String, Sendable { case user, assistant }
    package var role: Role
    package var content: String

    package init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// A provider-neutral request for one structured (JSON) answer.
package struct LLMRequest: Sendable {
    package var system: String
    package var messages: [LLMMessage]
    /// `[A-Za-z0-9_-]{1,64}`: OpenAI's `json_schema.name`, Anthropic's tool name.
    package var schemaName: String
    package var schema: JSONValue
    package var maxTokens: Int
    package var temperature: Double
    /// What the offline provider answers: the task's own deterministic rules.
    package var offlineAnswer: @Sendable () -> JSONValue

    package init(system: String, messages: [LLMMessage], schemaName: String, schema: JSONValue,
                 maxTokens: Int = 1500, temperature: Double = 0.2,
                 offlineAnswer: @escaping @Sendable () -> JSONValue) {
        self.system = system
        self.messages = messages
        self.schemaName = schemaName
        self.schema = schema
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.offlineAnswer = offlineAnswer
    }
}

/// The raw answer of one call: the JSON text plus what it cost.
package struct LLMCompletion: Sendable {
    package var text: String
    package var model: String
    package var promptTokens: Int?
    package var completionTokens: Int?

    package init(text: String, model: String, promptTokens: Int? = nil, completionTokens: Int? = nil) {
        self.text = text
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}

/// A chat model that answers with JSON matching a schema. Implementations: OpenAI-compatible
/// servers, Anthropic Messages, and the offline rules.
package protocol LLMProvider: Sendable {
    /// "openai", "anthropic" or "offline": what outputs report as `provider`.
    var name: String { get }
    var model: String { get }
    func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion
    /// One chat answer, streamed: `onEvent` gets the text as it arrives and each tool call as it
    /// starts; the result holds the whole text, the assembled tool calls and the usage. See `LLMChat`.
    func streamChat(_ request: LLMChatRequest, deadline: Deadline,
                    onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatCompletion
}

/// Maps an upstream's HTTP failure to the contract by whether a retry can help: bad keys, an
/// exhausted quota and an unknown model or path are configuration problems (`misconfigured`, exit
/// 78, naming the variable to fix); rate limits stay rate limits; an overloaded or unavailable
/// server (503, Anthropic's 529) is `unavailable`; the rest is `upstream_failed`. An error object
/// sent mid-stream has no status: `status(naming:)` gives the one its words stand for, so a
/// stream and a status map the same.
/// Messages name the provider's host and its own explanation, never the key; a refused key names
/// only the variable.
package enum UpstreamFailure {
    package static func error(provider: String, keyVariable: String, modelVariable: String, baseURLVariable: String,
                              response: HTTPResponse, upstreamMessage: String?, upstreamCode: String?) -> BundleError {
        let detail = upstreamMessage.map { ": \($0.prefix(300))" } ?? ""
        let code = upstreamCode?.lowercased() ?? ""
        switch response.status {
        case 401, 403:
            return .credentialsRefused(variable: keyVariable, by: provider, status: response.status)
        case 402, 429 where code.contains("insufficient_quota") || code.contains("billing"):
            return BundleError(.misconfigured, "the account behind \(keyVariable) has no quota or credit left at \(provider)\(detail)",
                               details: [ErrorDetail(field: keyVariable, problem: "no quota left")])
        case 404:
            return BundleError(.misconfigured, "\(provider) does not know this model or path (HTTP 404); check \(modelVariable) and \(baseURLVariable)\(detail)",
                               details: [ErrorDetail(field: modelVariable, problem: "not found at \(provider)")])
        case 429:
            return BundleError(.rateLimited, "\(provider) is rate limiting requests (HTTP 429)\(detail)")
        case 503, 529:
            return BundleError(.unavailable, "\(provider) is overloaded or unavailable (HTTP \(response.status))\(detail)")
        case 408, 504:
            return BundleError(.timeout, "\(provider) timed out (HTTP \(response.status))\(detail)")
        default:
            return BundleError(.upstreamFailed, "\(provider) answered HTTP \(response.status)\(detail)")
        }
    }

    /// The HTTP status an error sent mid-stream stands for, by the words of its code or type:
    /// quota, billing and rate limits 429, overload and unavailability 503, a timeout 504, the
    /// rest 502.
    package static func status(naming words: String) -> Int {
        let words = words.lowercased()
        if words.contains("insufficient_quota") || words.contains("rate_limit") || words.contains("billing") { return 429 }
        if words.contains("overloaded") || words.contains("unavailable") { return 503 }
        if words.contains("timeout") { return 504 }
        return 502
    }

    /// An error sent mid-stream, mapped (`mapped`: `error` for its status) with a message saying
    /// so; a configuration problem keeps its own message, which names the variable to fix.
    package static func midStream(_ mapped: BundleError, server: String, what: String, message: String?) -> BundleError {
        if mapped.code == .misconfigured { return mapped }
        let detail = message.map { ": \($0.prefix(300))" } ?? ""
        return BundleError(mapped.code, "\(server) reported \(what) mid-stream\(detail)", retryable: mapped.retryable)
    }
}
