import Core
import HTTPTransport

/// Chooses the LLM provider from the configuration:
/// `LLM_PROVIDER` = `openai` (any OpenAI-compatible server; the aliases `openrouter`, `gemini`,
/// `xai`, `ollama`, `vllm` and `llamacpp` also pick that server's usual base URL and model), `anthropic` or
/// `offline`. Unset, it is `openai` when `LLM_API_KEY`, `OPENAI_API_KEY` or `LLM_BASE_URL` is set,
/// Gemini (through its OpenAI-compatible endpoint, `gemini-2.5-flash` unless `LLM_MODEL` says
/// otherwise) when `GEMINI_API_KEY` is, as the original interview agent configured it,
/// `anthropic` when only `ANTHROPIC_API_KEY` is, and `offline` otherwise. A hosted provider
/// selected without its key is `misconfigured`, naming the variable; a base URL given explicitly
/// (a local or private server) needs no key.
///
/// The one place for what configures a provider (base URLs, key variables, model fallbacks):
/// `bundle(_:)` describes the bundle's own provider, `standalone(_:_:)` the ones the registry adds
/// from their own variables, and `provider(_:key:model:maxTokensParameter:transport:)` makes either.
package enum LLMSelection {
    /// An OpenAI-compatible server the bundle knows by name.
    struct Server: Sendable {
        var baseURL: String
        /// A server on this machine or network: no key needed.
        var local: Bool
        /// The model when `LLM_MODEL` is unset.
        var defaultModel = OpenAICompatibleProvider.defaultModel
    }

    static let servers: [String: Server] = [
        "openai": Server(baseURL: OpenAICompatibleProvider.defaultBaseURL, local: false),
        "openai-compatible": Server(baseURL: OpenAICompatibleProvider.defaultBaseURL, local: false),
        "openrouter": Server(baseURL: "https://openrouter.ai/api/v1", local: false),
        "gemini": Server(baseURL: "https://generativelanguage.googleapis.com/v1beta/openai", local: false, defaultModel: geminiDefaultModel),
        "xai": Server(baseURL: "https://api.x.ai/v1", local: false, defaultModel: "grok-4"),
        "ollama": Server(baseURL: "http://localhost:11434/v1", local: true),
        "vllm": Server(baseURL: "http://localhost:8000/v1", local: true),
        "llamacpp": Server(baseURL: "http://localhost:8080/v1", local: true),
    ]

    /// Gemini's model when the key or `LLM_PROVIDER=gemini` picks Gemini and `LLM_MODEL` is unset.
    package static let geminiDefaultModel = "gemini-2.5-flash"

    /// The variable whose absence leaves each of the registry's providers unconfigured.
    package static let configuringVariables = ["openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "xai": "XAI_API_KEY",
                                               "openai-compatible": "LLM_BASE_URL"]

    /// A provider as the configuration describes it: what makes it and what a listing shows.
    /// Never the key itself: that is read from `keyVariable` when the provider is made.
    package struct Facts: Sendable, Equatable {
        /// The registry's id, and the provider's `name` (what `llm_calls.provider` records).
        package var id: String
        package var displayName: String
        /// nil for `offline`.
        package var baseURL: String?
        package var baseURLVariable: String?
        /// The variable the key is read from; nil for `offline`.
        package var keyVariable: String?
        /// The variable that makes it configured (for messages and listings).
        package var configuringVariable: String?
        package var modelVariable: String
        package var model: String
        /// A hosted server: made only with its key.
        package var needsKey: Bool
        /// Whose models it serves, for the price table's names: the server's alias (`openai`,
        /// `gemini`, `xai`, `ollama`, …), `anthropic`, `openai-compatible` or `offline`.
        package var family: String

        /// Host and port of the server, never a credential a URL may carry.
        package var host: String? { baseURL.map { HTTPRequest(url: $0).host } }

        static let offline = Facts(id: "offline", displayName: "Offline rules (no model)", baseURL: nil, baseURLVariable: nil,
                                   keyVariable: nil, configuringVariable: nil, modelVariable: "LLM_MODEL",
                                   model: OfflineProvider().model, needsKey: false, family: "offline")
    }

    /// Which OpenAI-compatible server is meant: `LLM_PROVIDER` when it names one, Gemini when only
    /// `GEMINI_API_KEY` picked the provider, else OpenAI.
    static func aliasName(_ config: Config) -> String {
        if let explicit = config["LLM_PROVIDER"]?.lowercased() { return servers[explicit] != nil ? explicit : "openai" }
        let openAI = config["LLM_API_KEY"] != nil || config["OPENAI_API_KEY"] != nil || config["LLM_BASE_URL"] != nil
        return !openAI && config["GEMINI_API_KEY"] != nil ? "gemini" : "openai"
    }

    package static func providerName(_ config: Config) throws -> String {
        if let explicit = config["LLM_PROVIDER"]?.lowercased() {
            if servers[explicit] != nil { return "openai" }
            switch explicit {
            case "anthropic", "claude": return "anthropic"
            case "offline", "none": return "offline"
            default:
                throw BundleError.misconfigured(variable: "LLM_PROVIDER",
                    "must be openai (or openrouter, gemini, xai, ollama, vllm, llamacpp), anthropic or offline, got \"\(explicit)\"")
            }
        }
        if config["LLM_API_KEY"] != nil || config["OPENAI_API_KEY"] != nil || config["LLM_BASE_URL"] != nil { return "openai" }
        if config["GEMINI_API_KEY"] != nil { return "openai" }
        if config["ANTHROPIC_API_KEY"] != nil { return "anthropic" }
        return "offline"
    }

    /// The bundle's own provider (`LLM_PROVIDER` and its variables), whether or not its key is
    /// set (`missingKey` says); throws only for an `LLM_PROVIDER` the bundle does not know.
    package static func bundle(_ config: Config) throws -> Facts {
        switch try providerName(config) {
        case "openai":
            let aliasName = self.aliasName(config)
            let server = servers[aliasName] ?? servers["openai"]!
            let explicitBase = config["LLM_BASE_URL"] ?? config["OPENAI_BASE_URL"]
            let keyVariable = config["LLM_API_KEY"] != nil ? "LLM_API_KEY" : config["OPENAI_API_KEY"] != nil ? "OPENAI_API_KEY"
                : aliasName == "gemini" ? "GEMINI_API_KEY" : "LLM_API_KEY"
            return Facts(id: "openai", displayName: aliasName == "openai" ? "OpenAI" : "OpenAI-compatible (\(aliasName))",
                         baseURL: explicitBase ?? server.baseURL, baseURLVariable: "LLM_BASE_URL", keyVariable: keyVariable,
                         configuringVariable: keyVariable, modelVariable: "LLM_MODEL", model: config["LLM_MODEL"] ?? server.defaultModel,
                         needsKey: explicitBase == nil && !server.local, family: aliasName)
        case "anthropic":
            return standaloneAnthropic(config)
        default:
            return .offline
        }
    }

    /// A provider configured by its own variables, beside the bundle's: `openai` (`OPENAI_API_KEY`,
    /// `OPENAI_BASE_URL`, `LLM_MODEL`), `anthropic` (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`,
    /// `ANTHROPIC_MODEL` or `LLM_MODEL`), `xai` (`XAI_API_KEY`, `XAI_BASE_URL`), `openai-compatible`
    /// (`LLM_BASE_URL`, with `LLM_API_KEY` when it wants one, `LLM_MODEL`); nil when not configured.
    package static func standalone(_ id: String, _ config: Config) -> Facts? {
        guard let variable = configuringVariables[id], config[variable] != nil else { return nil }
        switch id {
        case "openai":
            return Facts(id: id, displayName: "OpenAI", baseURL: config["OPENAI_BASE_URL"] ?? OpenAICompatibleProvider.defaultBaseURL,
                         baseURLVariable: "OPENAI_BASE_URL", keyVariable: variable, configuringVariable: variable, modelVariable: "LLM_MODEL",
                         model: config["LLM_MODEL"] ?? OpenAICompatibleProvider.defaultModel, needsKey: true, family: id)
        case "anthropic":
            return standaloneAnthropic(config)
        case "xai":
            let server = servers["xai"]!
            return Facts(id: id, displayName: "xAI Grok", baseURL: config["XAI_BASE_URL"] ?? server.baseURL, baseURLVariable: "XAI_BASE_URL",
                         keyVariable: variable, configuringVariable: variable, modelVariable: "LLM_MODEL", model: server.defaultModel,
                         needsKey: true, family: id)
        default:
            return Facts(id: id, displayName: "OpenAI-compatible server", baseURL: config[variable], baseURLVariable: variable,
                         keyVariable: "LLM_API_KEY", configuringVariable: variable, modelVariable: "LLM_MODEL",
                         model: config["LLM_MODEL"] ?? OpenAICompatibleProvider.defaultModel, needsKey: false, family: id)
        }
    }

    private static func standaloneAnthropic(_ config: Config) -> Facts {
        Facts(id: "anthropic", displayName: "Anthropic", baseURL: AnthropicProvider.root(config["ANTHROPIC_BASE_URL"] ?? AnthropicProvider.defaultBaseURL),
              baseURLVariable: "ANTHROPIC_BASE_URL", keyVariable: "ANTHROPIC_API_KEY", configuringVariable: "ANTHROPIC_API_KEY",
              modelVariable: "ANTHROPIC_MODEL", model: config["ANTHROPIC_MODEL"] ?? config["LLM_MODEL"] ?? AnthropicProvider.defaultModel,
              needsKey: true, family: "anthropic")
    }

    /// Why a provider cannot be made now: a hosted server whose key is not set (`misconfigured`,
    /// naming the variable); nil when it can.
    package static func missingKey(_ facts: Facts, _ config: Config) -> BundleError? {
        guard facts.needsKey, let variable = facts.keyVariable, config[variable] == nil else { return nil }
        guard facts.id == "openai" else {
            return .misconfigured(variable: variable, "is not set; it is needed for the \(facts.id) LLM provider")
        }
        let alternative = variable == "GEMINI_API_KEY" ? "or LLM_API_KEY" : "or OPENAI_API_KEY"
        return .misconfigured(variable: variable,
            "is not set; the openai provider at \(facts.host ?? "") needs it (\(alternative); LLM_BASE_URL for a server without keys; or LLM_PROVIDER=offline)")
    }

    /// The provider `facts` describe, for `model`, with `key` (read from `facts.keyVariable`).
    package static func provider(_ facts: Facts, key: String?, model: String, maxTokensParameter: String?,
                                 transport: any Transport) -> any LLMProvider {
        switch facts.id {
        case "offline":
            return OfflineProvider()
        case "anthropic":
            return AnthropicProvider(baseURL: facts.baseURL ?? AnthropicProvider.defaultBaseURL, apiKey: key ?? "", model: model, transport: transport)
        default:
            return OpenAICompatibleProvider(baseURL: facts.baseURL ?? OpenAICompatibleProvider.defaultBaseURL, apiKey: key,
                                            keyVariable: facts.keyVariable ?? "LLM_API_KEY", model: model, transport: transport,
                                            maxTokensParameter: maxTokensParameter, name: facts.id)
        }
    }

    package static func make(_ config: Config, transport: any Transport) throws -> any LLMProvider {
        let facts = try bundle(config)
        if let missing = missingKey(facts, config) { throw missing }
        return provider(facts, key: facts.keyVariable.flatMap { config[$0] }, model: facts.model,
                        maxTokensParameter: config["LLM_MAX_TOKENS_PARAM"], transport: transport)
    }
}
