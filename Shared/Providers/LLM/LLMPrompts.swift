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
    ///
    /// SKELETON (llm-config helper): reads `llm_prompts`.
    package func activePrompt(_ type: LLMPromptType) throws -> ActivePrompt {
        .builtIn(type)
    }

    /// The LLM client for a prompt type: the provider and model chosen for it (`llm_defaults`),
    /// else the bundle's (`llm()`), its calls recording `prompt`'s version.
    ///
    /// SKELETON (llm-config helper): reads `llm_defaults` and the provider registry.
    package func llm(for prompt: ActivePrompt) throws -> LLMClient {
        try llm().prompt(version: prompt.version)
    }
}
