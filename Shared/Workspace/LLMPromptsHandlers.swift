import Core
import Providers
import Runtime

/// The input of the routes that name only a prompt type.
package struct PromptTypeInput: Codable, Sendable {
    var type: String
}

/// How a prompt is answered by the `/api/llm-prompts` routes (`prompt_type` and `is_active` as
/// the original system named them; `type` too).
enum LLMPromptAnswer {
    /// `isActive`: the type's calls use this text now (the built-in one when no custom prompt is active).
    static func json(_ prompt: ActivePrompt, isActive: Bool = true) -> JSONValue {
        ["type": .string(prompt.type), "prompt_type": .string(prompt.type), "system_prompt": .string(prompt.system),
         "version": .string(prompt.version), "is_custom": .bool(prompt.isCustom), "is_active": .bool(isActive),
         "id": prompt.id.map { .number(Double($0)) } ?? .null,
         "created_at": prompt.createdAt.map(JSONValue.string) ?? .null, "created_by": prompt.createdBy.map(JSONValue.string) ?? .null]
    }

    static let schema: JSONValue = Schema.object([
        "type": Schema.string("The prompt type"),
        "prompt_type": Schema.string("The prompt type (the original system's name)"),
        "is_active": Schema.boolean("The type's calls use this text now"),
        "system_prompt": Schema.string("The system prompt's text"),
        "version": Schema.string("What LLM calls record: custom-<id>, or default-<hash of the built-in text>"),
        "is_custom": Schema.boolean("A person's prompt (false: the built-in default)"),
        "id": Schema.nullable(Schema.integer("The custom prompt's id", minimum: 1)),
        "created_at": Schema.nullable(Schema.string(format: "date-time")),
        "created_by": Schema.nullable(Schema.string("Who set it (the caller's principal)")),
    ])

    static let typeInputSchema = Schema.object(["type": WorkspacePrompts.typeSchema])
}

/// `GET /api/llm-prompts/{type}`: the system prompt the type's LLM calls use now.
package struct GetLLMPromptHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "get-llm-prompt",
        summary: "The active system prompt of a prompt type (a person's custom one, else the built-in default) with its version.",
        routes: [Route("GET", "/api/llm-prompts/{type}")],
        input: LLMPromptAnswer.typeInputSchema,
        output: LLMPromptAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: PromptTypeInput, context: FunctionContext) async throws -> JSONValue {
        LLMPromptAnswer.json(try context.activePrompt(try WorkspacePrompts.required(input.type)))
    }
}

/// `GET /api/llm-prompts/{type}/default`: the built-in text, whatever is active.
package struct GetDefaultLLMPromptHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "get-default-llm-prompt",
        summary: "The built-in default system prompt of a prompt type, with its version.",
        routes: [Route("GET", "/api/llm-prompts/{type}/default")],
        input: LLMPromptAnswer.typeInputSchema,
        output: LLMPromptAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: PromptTypeInput, context: FunctionContext) async throws -> JSONValue {
        let type = try WorkspacePrompts.required(input.type)
        return LLMPromptAnswer.json(.builtIn(type), isActive: !(try context.activePrompt(type)).isCustom)
    }
}

/// `POST /api/llm-prompts/{type}` (201): a person's system prompt becomes the active one; the
/// previous one is kept, inactive. Later calls of the type record `custom-<id>`.
package struct CreateLLMPromptHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var type: String
        var systemPrompt: String

        enum CodingKeys: String, CodingKey {
            case type
            case systemPrompt = "system_prompt"
        }
    }

    package static let manifest = FunctionManifest(
        name: "create-llm-prompt",
        summary: "Sets a custom system prompt for a prompt type (1–\(LLMPromptStore.maxLength) characters); it becomes active, earlier ones are kept.",
        routes: [Route("POST", "/api/llm-prompts/{type}")],
        successStatus: 201,
        input: Schema.object(["type": WorkspacePrompts.typeSchema,
                              "system_prompt": Schema.string("The new system prompt", minLength: 1, maxLength: LLMPromptStore.maxLength)],
                             required: ["type", "system_prompt"]),
        output: LLMPromptAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        let type = try WorkspacePrompts.required(input.type)
        let text = StorableText.clean(input.systemPrompt).trimmingWhitespace()
        guard !text.isEmpty else { throw BundleError.validation(field: "system_prompt", "must not be blank") }
        guard text.count <= LLMPromptStore.maxLength else {
            throw BundleError.validation(field: "system_prompt", "must be at most \(LLMPromptStore.maxLength) characters, got \(text.count)")
        }
        let prompt = try LLMPromptStore(database: try context.database()).create(type, system: text, by: context.principal,
                                                                                   now: context.clock.now())
        context.logger.info("workspace.prompt_set", ["type": .string(type.name), "version": .string(prompt.version),
                                                     "chars": .number(Double(text.count))])
        return LLMPromptAnswer.json(prompt)
    }
}

/// `DELETE /api/llm-prompts/{type}`: back to the built-in default (custom prompts kept, inactive);
/// answers the default.
package struct ResetLLMPromptHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "reset-llm-prompt",
        summary: "Reverts a prompt type to its built-in default system prompt (custom ones are kept, inactive) and answers the default.",
        routes: [Route("DELETE", "/api/llm-prompts/{type}")],
        input: LLMPromptAnswer.typeInputSchema,
        output: LLMPromptAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: PromptTypeInput, context: FunctionContext) async throws -> JSONValue {
        let type = try WorkspacePrompts.required(input.type)
        let reverted = try LLMPromptStore(database: try context.database()).revert(type, now: context.clock.now())
        context.logger.info("workspace.prompt_reset", ["type": .string(type.name), "deactivated": .number(Double(reverted))])
        return LLMPromptAnswer.json(.builtIn(type))
    }
}
