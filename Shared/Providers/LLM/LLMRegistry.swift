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
/// - `offline`: always;
/// - the bundle's own provider, under the id its calls are recorded with, when its variables
///   did not already configure that id: `openai` for the OpenAI-compatible server `LLM_API_KEY`,
///   an `LLM_PROVIDER` alias (xai, gemini, ollama, …) or `GEMINI_API_KEY` chose, so the listing's
///   `bundle_default` is one of the providers and can be chosen. (`OPENAI_API_KEY` keeps `openai`
///   for OpenAI itself.)
///
/// What configures each one lives in `LLMSelection`. Each provider it makes reports its id as
/// `name`, so `llm_calls.provider` says which one ran. Keys stay inside the registry, in a
/// private map: what it describes carries hosts, never keys.
package struct LLMRegistry: Sendable {
    /// One configured provider: where it is and which variables configure it.
    package typealias Entry = LLMSelection.Facts

    /// Every id the registry knows, configured or not, in the order listings show them.
    package static let knownIDs = ["openai", "anthropic", "xai", "openai-compatible", "offline"]
    /// Other names people use for a provider.
    package static let aliases = ["grok": "xai", "claude": "anthropic", "openai_compatible": "openai-compatible"]

    /// The registry's id for a name given on input: lower-cased, aliases resolved.
    package static func canonicalID(_ name: String) -> String {
        let lowered = name.trimmingWhitespace().lowercased()
        return aliases[lowered] ?? lowered
    }

    package let entries: [Entry]
    private let keys: Keys
    private let transport: any Transport
    private let maxTokensParameter: String?

    /// Each configured provider's key, by id: printed, dumped or reflected, it shows none of them.
    private struct Keys: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        let byID: [String: String]
        subscript(id: String) -> String? { byID[id] }
        var description: String { "(\(byID.count) keys, not shown)" }
        var debugDescription: String { description }
        var customMirror: Mirror { Mirror(self, children: [:]) }
    }

    package init(config: Config, transport: any Transport) {
        var found: [String: Entry] = [:]
        for id in Self.knownIDs {
            if let entry = id == "offline" ? LLMSelection.Facts.offline : LLMSelection.standalone(id, config) { found[id] = entry }
        }
        if let bundle = try? LLMSelection.bundle(config), found[bundle.id] == nil, LLMSelection.missingKey(bundle, config) == nil {
            found[bundle.id] = bundle
        }
        entries = Self.knownIDs.compactMap { found[$0] }
        keys = Keys(byID: found.compactMapValues { entry in entry.keyVariable.flatMap { config[$0] } })
        self.transport = transport
        maxTokensParameter = config["LLM_MAX_TOKENS_PARAM"]
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
        return LLMSelection.provider(entry, key: keys[entry.id], model: model, maxTokensParameter: maxTokensParameter, transport: transport)
    }

    /// Why `id` cannot be chosen now: unknown to the bundle, or known but not configured (a stored
    /// choice that outlived its key), naming the variable that would configure it.
    package static func notConfigured(_ id: String, configured: [String]) -> BundleError {
        let canonical = canonicalID(id)
        guard knownIDs.contains(canonical) else {
            return BundleError(.misconfigured, "the LLM provider \"\(id)\" is not one the bundle knows (\(knownIDs.joined(separator: ", ")))",
                               details: [ErrorDetail(field: "provider", problem: "unknown provider \(id)")])
        }
        let variable = LLMSelection.configuringVariables[canonical] ?? "LLM_PROVIDER"
        return .misconfigured(variable: variable,
            "is not set, so the LLM provider \(canonical) is not configured (configured: \(configured.joined(separator: ", ")))")
    }

    /// The request for the server's own model listing, with its authentication; nil for `offline`.
    func listingRequest(_ entry: Entry, timeout: Duration) -> HTTPRequest? {
        guard let base = entry.baseURL else { return nil }
        if entry.id == "anthropic" {
            return AnthropicProvider.modelsRequest(baseURL: base, apiKey: keys[entry.id] ?? "", timeout: timeout)
        }
        return OpenAICompatibleProvider.modelsRequest(baseURL: base, apiKey: keys[entry.id], timeout: timeout)
    }

    var listingTransport: any Transport { transport }
}

extension FunctionContext {
    /// Every configured LLM provider (`LLMRegistry`), made once per invocation over the context's transport.
    package func llmRegistry() throws -> LLMRegistry {
        try service(LLMRegistry.self) { context in LLMRegistry(config: context.config, transport: try context.transport()) }
    }
}
