import Core
import HTTPTransport

/// Chooses the LLM provider from the configuration:
/// `LLM_PROVIDER` = `openai` (any OpenAI-compatible server), `anthropic` or `offline`. Unset, it is
/// `anthropic` when only `ANTHROPIC_API_KEY` is set, `openai` when `LLM_API_KEY`, `OPENAI_API_KEY`
/// or `LLM_BASE_URL` is set, and `offline` otherwise. A selected provider without its key is
/// `misconfigured`, naming the variable.
package enum LLMSelection {
    package static func providerName(_ config: Config) throws -> String {
        if let explicit = config["LLM_PROVIDER"]?.lowercased() {
            switch explicit {
            case "openai", "openai-compatible", "openrouter", "ollama", "vllm", "llamacpp", "gemini", "xai": return "openai"
            case "anthropic", "claude": return "anthropic"
            case "offline", "none": return "offline"
            default:
                throw BundleError.misconfigured(variable: "LLM_PROVIDER", "must be openai, anthropic or offline, got \"\(explicit)\"")
            }
        }
        if config["LLM_API_KEY"] != nil || config["OPENAI_API_KEY"] != nil || config["LLM_BASE_URL"] != nil { return "openai" }
        if config["ANTHROPIC_API_KEY"] != nil { return "anthropic" }
        return "offline"
    }

    package static func make(_ config: Config, transport: any Transport) throws -> any LLMProvider {
        switch try providerName(config) {
        case "openai":
            let baseURL = config["LLM_BASE_URL"] ?? config["OPENAI_BASE_URL"] ?? OpenAICompatibleProvider.defaultBaseURL
            let key = config["LLM_API_KEY"] ?? config["OPENAI_API_KEY"]
            // Local servers (Ollama, llama.cpp, vLLM) need no key; hosted ones do.
            if key == nil, !isLoopback(baseURL) {
                throw BundleError.misconfigured(variable: "LLM_API_KEY",
                    "is not set; the openai provider at \(baseURL) needs it (or OPENAI_API_KEY, or LLM_PROVIDER=offline)")
            }
            return OpenAICompatibleProvider(baseURL: baseURL, apiKey: key,
                                            model: config["LLM_MODEL"] ?? OpenAICompatibleProvider.defaultModel,
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

    static func isLoopback(_ url: String) -> Bool {
        let host = HTTPRequest(url: url).host.lowercased()
        return host.hasPrefix("localhost") || host.hasPrefix("127.") || host.hasPrefix("[::1]")
    }
}
