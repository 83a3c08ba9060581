import Core
import HTTPTransport

/// Chooses the LLM provider from the configuration:
/// `LLM_PROVIDER` = `openai` (any OpenAI-compatible server; the aliases `openrouter`, `gemini`,
/// `xai`, `ollama`, `vllm` and `llamacpp` also pick that server's usual base URL), `anthropic` or
/// `offline`. Unset, it is `openai` when `LLM_API_KEY`, `OPENAI_API_KEY` or `LLM_BASE_URL` is set,
/// Gemini (through its OpenAI-compatible endpoint, `gemini-2.5-flash` unless `LLM_MODEL` says
/// otherwise) when `GEMINI_API_KEY` is, as the original interview agent configured it,
/// `anthropic` when only `ANTHROPIC_API_KEY` is, and `offline` otherwise. A hosted provider
/// selected without its key is `misconfigured`, naming the variable; a base URL given explicitly
/// (a local or private server) needs no key.
package enum LLMSelection {
    /// Base URLs of the OpenAI-compatible aliases, and whether the server is local (no key).
    static let aliases: [String: (baseURL: String, local: Bool)] = [
        "openai": (OpenAICompatibleProvider.defaultBaseURL, false),
        "openai-compatible": (OpenAICompatibleProvider.defaultBaseURL, false),
        "openrouter": ("https://openrouter.ai/api/v1", false),
        "gemini": ("https://generativelanguage.googleapis.com/v1beta/openai", false),
        "xai": ("https://api.x.ai/v1", false),
        "ollama": ("http://localhost:11434/v1", true),
        "vllm": ("http://localhost:8000/v1", true),
        "llamacpp": ("http://localhost:8080/v1", true),
    ]

    /// Gemini's model when the key or `LLM_PROVIDER=gemini` picks Gemini and `LLM_MODEL` is unset.
    package static let geminiDefaultModel = "gemini-2.5-flash"

    /// Which OpenAI-compatible server is meant: `LLM_PROVIDER` when it names one, Gemini when only
    /// `GEMINI_API_KEY` picked the provider, else OpenAI.
    static func aliasName(_ config: Config) -> String {
        if let explicit = config["LLM_PROVIDER"]?.lowercased() { return aliases[explicit] != nil ? explicit : "openai" }
        let openAI = config["LLM_API_KEY"] != nil || config["OPENAI_API_KEY"] != nil || config["LLM_BASE_URL"] != nil
        return !openAI && config["GEMINI_API_KEY"] != nil ? "gemini" : "openai"
    }

    package static func providerName(_ config: Config) throws -> String {
        if let explicit = config["LLM_PROVIDER"]?.lowercased() {
            if aliases[explicit] != nil { return "openai" }
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

    package static func make(_ config: Config, transport: any Transport) throws -> any LLMProvider {
        switch try providerName(config) {
        case "openai":
            let aliasName = self.aliasName(config)
            let alias = aliases[aliasName] ?? aliases["openai"]!
            let explicitBase = config["LLM_BASE_URL"] ?? config["OPENAI_BASE_URL"]
            let baseURL = explicitBase ?? alias.baseURL
            let gemini = aliasName == "gemini"
            let keyVariable = config["LLM_API_KEY"] != nil ? "LLM_API_KEY" : config["OPENAI_API_KEY"] != nil ? "OPENAI_API_KEY"
                : gemini ? "GEMINI_API_KEY" : "LLM_API_KEY"
            let key = config[keyVariable]
            if key == nil, explicitBase == nil, !alias.local {
                throw BundleError.misconfigured(variable: keyVariable,
                    "is not set; the openai provider at \(HTTPRequest(url: baseURL).host) needs it (\(gemini ? "or LLM_API_KEY" : "or OPENAI_API_KEY"); LLM_BASE_URL for a server without keys; or LLM_PROVIDER=offline)")
            }
            return OpenAICompatibleProvider(baseURL: baseURL, apiKey: key, keyVariable: keyVariable,
                                            model: config["LLM_MODEL"] ?? (gemini ? geminiDefaultModel : OpenAICompatibleProvider.defaultModel),
                                            transport: transport, maxTokensParameter: config["LLM_MAX_TOKENS_PARAM"])
        case "anthropic":
            let key = try config.require("ANTHROPIC_API_KEY", for: "the anthropic LLM provider")
            return AnthropicProvider(baseURL: config["ANTHROPIC_BASE_URL"] ?? AnthropicProvider.defaultBaseURL, apiKey: key,
                                     model: config["ANTHROPIC_MODEL"] ?? config["LLM_MODEL"] ?? AnthropicProvider.defaultModel,
                                     transport: transport)
        default:
            return OfflineProvider()
        }
    }

    /// The retry rule for the selected provider's responses.
    package static func retryClassifier(_ config: Config) -> @Sendable (HTTPResponse) -> Bool? {
        if (try? providerName(config)) == "openai" { return OpenAICompatibleProvider.retryClassifier }
        return { _ in nil }
    }
}
