import Core
import Runtime

/// A prompt type: a task whose system prompt people may replace (`/api/llm-prompts/{type}`) and
/// whose provider and model they may choose (`/api/llm-defaults/{type}`). The domain that owns the
/// task declares it with its built-in text (the workspace: `summary`, `project_draft`, `chat`).
package struct LLMPromptType: Sendable {
    /// `summary`, `project_draft`, `chat`: the `{type}` of the routes and the `prompt_type` column.
    package var name: String
    /// One sentence on what the prompt is for.
    package var purpose: String
    package var defaultSystem: String

    package init(name: String, purpose: String, defaultSystem: String) {
        self.name = name
        self.purpose = purpose
        self.defaultSystem = defaultSystem
    }

    /// The built-in text's version: `default-` and the first 8 hex digits of its SHA-256, so a
    /// changed text is a new version without anybody remembering to bump a number.
    package var defaultVersion: String {
        "default-" + SHA256.hex(Array(SHA256.hash(defaultSystem).prefix(4)))
    }
}

/// The system prompt a task uses now: the active custom one (`custom-<id>`), else the default.
package struct ActivePrompt: Sendable, Hashable {
    package var type: String
    package var system: String
    /// `custom-<id>` or `LLMPromptType.defaultVersion`.
    package var version: String
    package var isCustom: Bool
    /// The custom prompt's row id; nil for the default.
    package var id: Int?
    package var createdBy: String?
    package var createdAt: String?

    package init(type: String, system: String, version: String, isCustom: Bool, id: Int? = nil,
                 createdBy: String? = nil, createdAt: String? = nil) {
        self.type = type
        self.system = system
        self.version = version
        self.isCustom = isCustom
        self.id = id
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// The built-in prompt of a type.
    package static func builtIn(_ type: LLMPromptType) -> ActivePrompt {
        ActivePrompt(type: type.name, system: type.defaultSystem, version: type.defaultVersion, isCustom: false)
    }
}

extension FunctionContext {
    /// The active system prompt of `type` (`llm_prompts`), else its built-in text.
    package func activePrompt(_ type: LLMPromptType) throws -> ActivePrompt {
        try LLMPromptStore(database: try database()).active(type)
    }

    /// The LLM client for a prompt type: the provider and model chosen for it (`llm_defaults`,
    /// from the registry of configured providers), else the bundle's (`llm()`, so a client a test
    /// hands in keeps serving), its calls recording `prompt`'s version. A chosen provider that is
    /// no longer configured is `misconfigured`, naming the variable that would configure it.
    package func llm(for prompt: ActivePrompt) throws -> LLMClient {
        guard let choice = try LLMDefaults(database: try database()).choice(for: prompt.type) else {
            return try llm().prompt(version: prompt.version)
        }
        let provider = try llmRegistry().provider(id: choice.provider, model: choice.model)
        return try llmClient(provider: provider).prompt(version: prompt.version)
    }

    /// A client for `provider` sharing the bundle client's recorder, limiter, prices, function
    /// and request id; when the bundle's own provider cannot be made (its key missing), the same
    /// parts made afresh, since the chosen provider does not need it.
    private func llmClient(provider: any LLMProvider) throws -> LLMClient {
        if let base = try? llm() {
            let client = LLMClient(provider: provider, recorder: base.recorder, limiter: base.limiter, prices: base.prices,
                                   function: base.function, requestID: base.requestID, logger: base.logger, clock: base.clock,
                                   redactor: base.redactor)
            return base.workflowName.map { client.workflow($0) } ?? client
        }
        return LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: try database()),
                         limiter: ConcurrencyLimiter(limit: try config.int("MAX_CONCURRENT_LLM_CALLS", default: 5, in: 1...100)),
                         prices: try PriceTable(config: config), function: function, requestID: requestID, logger: logger, clock: clock,
                         redactor: redactor)
    }
}
