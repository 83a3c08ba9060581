import Core
import HTTPTransport
import Runtime

/// Every LLM provider the configuration makes available at once, so a task can run on the
/// provider and model a person chose for it (`llm_defaults`) while the bundle's own provider
/// (`LLM_PROVIDER`, `llm()`) keeps serving everything else:
///
/// - `openai`: `OPENAI_API_KEY` (`OPENAI_BASE_URL` for a proxy);
/// - `anthropic`: `ANTHROPIC_API_KEY` (`ANTHROPIC_BASE_URL`);
/// - `xai` (Grok, OpenAI-compatible): `XAI_API_KEY` (`XAI_BASE_URL`, default `https://api.x.ai/v1`);
/// - `openai-compatible`: any server at `LLM_BASE_URL`, with `LLM_API_KEY` when it wants one;
/// - `offline`: always.
///
/// Each provider it makes reports its id as `name`, so `llm_calls.provider` says which one ran.
/// Keys stay inside the registry: what it describes carries hosts, never keys.
package struct LLMRegistry: Sendable {
    /// One configured provider: where it is and which variables configure it.
    package struct Entry: Sendable {
        package var id: String
        package var displayName: String
        /// nil for `offline`.
        package var baseURL: String?
        /// The variable that makes it configured (for messages); nil for `offline`.
        package var keyVariable: String?
        package var baseURLVariable: String?
        package var defaultModel: String
        fileprivate var apiKey: String?

        /// Host and port of the server, never a credential a URL may carry.
        package var host: String? { baseURL.map { HTTPRequest(url: $0).host } }
        package var isAnthropic: Bool { id == "anthropic" }
    }

    /// Every id the registry knows, configured or not, in the order listings show them.
    package static let knownIDs = ["openai", "anthropic", "xai", "openai-compatible", "offline"]
    /// Other names people use for a provider.
    package static let aliases = ["grok": "xai", "claude": "anthropic", "openai_compatible": "openai-compatible"]
    package static let xaiDefaultBaseURL = "https://api.x.ai/v1"
    package static let xaiDefaultModel = "grok-4"

    /// The variable whose absence leaves a provider unconfigured (what an error names).
    package static func keyVariable(for id: String) -> String {
        switch id {
        case "openai": "OPENAI_API_KEY"
        case "anthropic": "ANTHROPIC_API_KEY"
        case "xai": "XAI_API_KEY"
        case "openai-compatible": "LLM_BASE_URL"
        default: "LLM_PROVIDER"
        }
    }

    /// The registry's id for a name given on input: lower-cased, aliases resolved.
    package static func canonicalID(_ name: String) -> String {
        let lowered = name.trimmingWhitespace().lowercased()
        return aliases[lowered] ?? lowered
    }

    package let entries: [Entry]
    private let transport: any Transport
    private let maxTokensParameter: String?

    package init(config: Config, transport: any Transport) {
        var entries: [Entry] = []
        if let key = config["OPENAI_API_KEY"] {
            entries.append(Entry(id: "openai", displayName: "OpenAI", baseURL: config["OPENAI_BASE_URL"] ?? OpenAICompatibleProvider.defaultBaseURL,
                                 keyVariable: "OPENAI_API_KEY", baseURLVariable: "OPENAI_BASE_URL",
                                 defaultModel: OpenAICompatibleProvider.defaultModel, apiKey: key))
        }
        if let key = config["ANTHROPIC_API_KEY"] {
            entries.append(Entry(id: "anthropic", displayName: "Anthropic", baseURL: config["ANTHROPIC_BASE_URL"] ?? AnthropicProvider.defaultBaseURL,
                                 keyVariable: "ANTHROPIC_API_KEY", baseURLVariable: "ANTHROPIC_BASE_URL",
                                 defaultModel: config["ANTHROPIC_MODEL"] ?? AnthropicProvider.defaultModel, apiKey: key))
        }
        if let key = config["XAI_API_KEY"] {
            entries.append(Entry(id: "xai", displayName: "xAI Grok", baseURL: config["XAI_BASE_URL"] ?? Self.xaiDefaultBaseURL,
                                 keyVariable: "XAI_API_KEY", baseURLVariable: "XAI_BASE_URL", defaultModel: Self.xaiDefaultModel, apiKey: key))
        }
        if let base = config["LLM_BASE_URL"] {
            entries.append(Entry(id: "openai-compatible", displayName: "OpenAI-compatible server", baseURL: base,
                                 keyVariable: "LLM_BASE_URL", baseURLVariable: "LLM_BASE_URL",
                                 defaultModel: config["LLM_MODEL"] ?? OpenAICompatibleProvider.defaultModel, apiKey: config["LLM_API_KEY"]))
        }
        entries.append(Entry(id: "offline", displayName: "Offline rules (no model)", baseURL: nil, keyVariable: nil, baseURLVariable: nil,
                             defaultModel: OfflineProvider().model, apiKey: nil))
        self.entries = entries
        self.transport = transport
        self.maxTokensParameter = config["LLM_MAX_TOKENS_PARAM"]
    }

    package var configuredIDs: [String] { entries.map(\.id) }

    /// The configured provider of this id (aliases accepted); nil when it is not configured.
    package func entry(_ id: String) -> Entry? {
        let id = Self.canonicalID(id)
        return entries.first { $0.id == id }
    }

    /// A provider for any configured id and model. An id that is not configured is
    /// `misconfigured`, naming the variable that would configure it.
    package func provider(id: String, model: String) throws -> any LLMProvider {
        guard let entry = entry(id) else { throw Self.notConfigured(id, configured: configuredIDs) }
        switch entry.id {
        case "offline":
            return OfflineProvider()
        case "anthropic":
            return AnthropicProvider(baseURL: entry.baseURL ?? AnthropicProvider.defaultBaseURL, apiKey: entry.apiKey ?? "", model: model,
                                     transport: transport)
        default:
            return OpenAICompatibleProvider(baseURL: entry.baseURL ?? OpenAICompatibleProvider.defaultBaseURL, apiKey: entry.apiKey,
                                            keyVariable: entry.keyVariable == "LLM_BASE_URL" ? "LLM_API_KEY" : entry.keyVariable ?? "LLM_API_KEY",
                                            model: model, transport: transport, maxTokensParameter: maxTokensParameter, name: entry.id)
        }
    }

    /// The error for a provider that is not configured now (a stored choice that outlived its key).
    package static func notConfigured(_ id: String, configured: [String]) -> BundleError {
        let canonical = canonicalID(id)
        guard knownIDs.contains(canonical) else {
            return BundleError(.misconfigured, "the LLM provider \"\(id)\" is not one the bundle knows (\(knownIDs.joined(separator: ", ")))",
                               details: [ErrorDetail(field: "provider", problem: "unknown provider \(id)")])
        }
        let variable = keyVariable(for: canonical)
        return .misconfigured(variable: variable,
            "is not set, so the LLM provider \(canonical) is not configured (configured: \(configured.joined(separator: ", ")))")
    }

    /// Authentication headers for the server's model listing.
    func listingRequest(_ entry: Entry, timeout: Duration) -> HTTPRequest? {
        guard let base = entry.baseURL.map({ $0.hasSuffix("/") ? String($0.dropLast()) : $0 }) else { return nil }
        if entry.isAnthropic {
            let root = base.hasSuffix("/v1") ? String(base.dropLast(3)) : base
            return HTTPRequest(url: root + "/v1/models?limit=1000",
                               headers: [("x-api-key", entry.apiKey ?? ""), ("anthropic-version", AnthropicProvider.apiVersion)], timeout: timeout)
        }
        let headers: [(name: String, value: String)] = entry.apiKey.map { [("Authorization", "Bearer " + $0)] } ?? []
        return HTTPRequest(url: base + "/models", headers: headers, timeout: timeout)
    }

    var listingTransport: any Transport { transport }
}

extension FunctionContext {
    /// Every configured LLM provider (`LLMRegistry`), made once per invocation over the context's transport.
    package func llmRegistry() throws -> LLMRegistry {
        try service(LLMRegistry.self) { context in LLMRegistry(config: context.config, transport: try context.transport()) }
    }
}
