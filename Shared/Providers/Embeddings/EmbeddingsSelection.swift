import Core
import HTTPTransport

/// Chooses the embedder from the configuration. `EMBEDDINGS_PROVIDER`: `openai` (or
/// `openai-compatible`) or `offline`. Unset, it is `openai` when `EMBEDDINGS_BASE_URL` or
/// `EMBEDDINGS_API_KEY` is set, or when the LLM provider is OpenAI-compatible (then its base URL
/// and key are the defaults), else `offline`. `EMBEDDINGS_MODEL` names the model. The hosted
/// OpenAI endpoint without a key is `misconfigured` naming `EMBEDDINGS_API_KEY`; an explicit base
/// URL (a local server) needs none. `EMBEDDINGS_API_KEY` is a secret by its name, so the
/// configuration's redactor keeps it out of logs and answers like every other key.
package enum EmbeddingsSelection {
    package static func providerName(_ config: Config) throws -> String {
        if let explicit = config["EMBEDDINGS_PROVIDER"]?.lowercased() {
            switch explicit {
            case "openai", "openai-compatible": return "openai"
            case "offline", "none": return "offline"
            default:
                throw BundleError.misconfigured(variable: "EMBEDDINGS_PROVIDER", "must be openai, openai-compatible or offline, got \"\(explicit)\"")
            }
        }
        if config["EMBEDDINGS_BASE_URL"] != nil || config["EMBEDDINGS_API_KEY"] != nil { return "openai" }
        if (try? LLMSelection.providerName(config)) == "openai", LLMSelection.aliasName(config) == "openai" { return "openai" }
        return "offline"
    }

    package static func make(_ config: Config, transport: @autoclosure () throws -> any Transport) throws -> any Embedder {
        guard try providerName(config) == "openai" else { return OfflineEmbedder() }
        let explicitBase = config["EMBEDDINGS_BASE_URL"]
        let llmBase = config["LLM_BASE_URL"] ?? config["OPENAI_BASE_URL"]
        let baseURL = explicitBase ?? llmBase ?? OpenAICompatibleProvider.defaultBaseURL
        let keyVariable = config["EMBEDDINGS_API_KEY"] != nil ? "EMBEDDINGS_API_KEY"
            : explicitBase == nil && config["LLM_API_KEY"] != nil ? "LLM_API_KEY"
            : explicitBase == nil && config["OPENAI_API_KEY"] != nil ? "OPENAI_API_KEY" : "EMBEDDINGS_API_KEY"
        let key = config[keyVariable]
        if key == nil, explicitBase == nil, llmBase == nil {
            throw BundleError.misconfigured(variable: "EMBEDDINGS_API_KEY",
                "is not set; the openai embeddings provider at \(HTTPRequest(url: baseURL).host) needs it (or LLM_API_KEY; EMBEDDINGS_BASE_URL for a server without keys; or EMBEDDINGS_PROVIDER=offline)")
        }
        return OpenAIEmbedder(baseURL: baseURL, apiKey: key, keyVariable: keyVariable,
                              model: config["EMBEDDINGS_MODEL"] ?? OpenAIEmbedder.defaultModel, transport: try transport(),
                              batchSize: try config.int("EMBEDDINGS_BATCH_SIZE", default: 64, in: 1...2048))
    }
}
