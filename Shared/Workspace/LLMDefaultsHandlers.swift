import Core
import Providers
import Runtime

/// `GET /api/llm-defaults/providers`: the configured LLM providers (hosts, never keys), each with
/// its models (the price table's, plus the server's own listing when it answers; a failed listing
/// is reported as `models_error`), and the bundle's own provider and model.
package struct ListLLMProvidersHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "list-llm-providers",
        summary: "The configured LLM providers and their models (price table plus the server's own listing), and the bundle's default provider.",
        routes: [Route("GET", "/api/llm-defaults/providers")],
        input: Schema.object([:]),
        output: Schema.object([
            "providers": Schema.array(Schema.object([
                "id": Schema.string("openai, anthropic, xai, openai-compatible or offline"),
                "name": Schema.string(),
                "base_url_host": Schema.nullable(Schema.string("The server's host (no path, no credentials)")),
                "key_variable": Schema.nullable(Schema.string("The variable that configures it")),
                "default_model": Schema.string(),
                "models": Schema.array(Schema.object([
                    "id": Schema.string(),
                    "source": Schema.string(enum: ["price_table", "server", "both"]),
                    "price": Schema.nullable(Schema.object([
                        "input_per_million": Schema.number(minimum: 0), "output_per_million": Schema.number(minimum: 0),
                    ], "USD per million tokens")),
                ])),
                "models_error": Schema.nullable(Schema.string("Why the server's own listing is missing")),
            ])),
            "known_providers": Schema.array(Schema.string()),
            "bundle_default": Schema.object([
                "provider": Schema.nullable(Schema.string()), "model": Schema.nullable(Schema.string()),
                "error": Schema.nullable(Schema.string("Why the bundle's provider cannot be made (LLM_PROVIDER and its key)")),
            ], "What a prompt type without a chosen default uses (LLM_PROVIDER, LLM_MODEL)"),
        ]),
        timeoutSeconds: 20
    )

    package init() {}

    package func handle(_ input: NoInput, context: FunctionContext) async throws -> JSONValue {
        let listing = ModelListing(registry: try context.llmRegistry(), prices: try PriceTable(config: context.config))
        let providers = await listing.list(deadline: context.deadline)
        for provider in providers where provider.modelsError != nil {
            context.logger.warning("workspace.model_listing_failed", ["provider": .string(provider.entry.id)])
        }
        let bundle: JSONValue
        do {
            let provider = try context.llmProvider()
            bundle = ["provider": .string(provider.name), "model": .string(provider.model), "error": .null]
        } catch {
            let reason = BundleError.converting(error, otherwise: BundleError(.misconfigured, "the bundle's LLM provider cannot be made")).message
            bundle = ["provider": .null, "model": .null, "error": .string(reason)]
        }
        return ["providers": .array(providers.map(Self.json)), "known_providers": .array(LLMRegistry.knownIDs.map(JSONValue.string)),
                "bundle_default": bundle]
    }

    static func json(_ provider: ModelListing.ProviderModels) -> JSONValue {
        let entry = provider.entry
        return ["id": .string(entry.id), "name": .string(entry.displayName), "base_url_host": entry.host.map(JSONValue.string) ?? .null,
                "key_variable": entry.configuringVariable.map(JSONValue.string) ?? .null, "default_model": .string(entry.model),
                "models": .array(provider.models.map { model in
                    ["id": .string(model.id), "source": .string(model.source.rawValue),
                     "price": model.price.map { ["input_per_million": .number($0.inputPerMillion), "output_per_million": .number($0.outputPerMillion)] } ?? .null]
                }),
                "models_error": provider.modelsError.map(JSONValue.string) ?? .null]
    }
}

/// How a prompt type's provider and model are answered (both names: ours and the original system's).
enum LLMDefaultAnswer {
    static func json(type: String, provider: String, model: String, isBundleDefault: Bool, configured: Bool,
                     updatedBy: String? = nil, updatedAt: String? = nil) -> JSONValue {
        ["prompt_type": .string(type), "provider": .string(provider), "model": .string(model),
         "llm_provider": .string(provider), "llm_model": .string(model), "is_bundle_default": .bool(isBundleDefault),
         "configured": .bool(configured), "updated_by": updatedBy.map(JSONValue.string) ?? .null,
         "updated_at": updatedAt.map(JSONValue.string) ?? .null]
    }

    static let schema: JSONValue = Schema.object([
        "prompt_type": Schema.string(),
        "provider": Schema.string("The provider id"),
        "model": Schema.string(),
        "llm_provider": Schema.string("The original system's name for provider"),
        "llm_model": Schema.string("The original system's name for model"),
        "is_bundle_default": Schema.boolean("No choice is stored for this type: the bundle's own provider (LLM_PROVIDER) serves it"),
        "configured": Schema.boolean("The provider is configured now (false: its calls fail as misconfigured until its key is set or the choice changes)"),
        "updated_by": Schema.nullable(Schema.string()),
        "updated_at": Schema.nullable(Schema.string(format: "date-time")),
    ])
}

/// `GET /api/llm-defaults/{type}`: the provider and model the type's calls use; a type without a
/// choice answers the bundle's provider, marked `is_bundle_default`.
package struct GetLLMDefaultHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "get-llm-default",
        summary: "The LLM provider and model a prompt type uses (the stored choice, else the bundle's own, marked as such).",
        routes: [Route("GET", "/api/llm-defaults/{type}")],
        input: Schema.object(["type": WorkspacePrompts.typeSchema]),
        output: LLMDefaultAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: PromptTypeInput, context: FunctionContext) async throws -> JSONValue {
        let type = try WorkspacePrompts.required(input.type)
        if let choice = try LLMDefaults(database: try context.database()).choice(for: type.name) {
            return LLMDefaultAnswer.json(type: type.name, provider: choice.provider, model: choice.model, isBundleDefault: false,
                                         configured: try context.llmRegistry().entry(choice.provider) != nil,
                                         updatedBy: choice.updatedBy, updatedAt: choice.updatedAt)
        }
        if let provider = try? context.llmProvider() {
            return LLMDefaultAnswer.json(type: type.name, provider: provider.name, model: provider.model, isBundleDefault: true, configured: true)
        }
        // The bundle's provider cannot be made (its key is missing): still the answer, marked as
        // not configured, as the providers listing reports it.
        let bundle = try LLMSelection.bundle(context.config)
        return LLMDefaultAnswer.json(type: type.name, provider: bundle.id, model: bundle.model, isBundleDefault: true, configured: false)
    }
}

/// `PUT /api/llm-defaults/{type}` with `{provider, model}` (or the original `llm_provider`,
/// `llm_model`): the type's calls run on that provider and model from now on. The provider must
/// be configured now (`grok` and `claude` are accepted for `xai` and `anthropic`).
package struct SetLLMDefaultHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var type: String
        var provider: String
        var model: String
    }

    package static let manifest = FunctionManifest(
        name: "set-llm-default",
        summary: "Chooses the LLM provider and model of a prompt type; the provider must be configured.",
        routes: [Route("PUT", "/api/llm-defaults/{type}")],
        input: Schema.object([
            "type": WorkspacePrompts.typeSchema,
            "provider": Schema.string("openai, anthropic (claude), xai (grok), openai-compatible or offline", minLength: 1, maxLength: 100),
            "model": Schema.string("The model name the provider knows", minLength: 1, maxLength: 200),
            "llm_provider": Schema.alias(of: "provider", Schema.string(minLength: 1, maxLength: 100)),
            "llm_model": Schema.alias(of: "model", Schema.string(minLength: 1, maxLength: 200)),
        ], required: ["type", "provider", "model"]),
        output: LLMDefaultAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        let type = try WorkspacePrompts.required(input.type)
        let registry = try context.llmRegistry()
        guard let entry = registry.entry(input.provider) else {
            let reason = LLMRegistry.notConfigured(String(input.provider.prefix(100)), configured: registry.configuredIDs)
            throw BundleError.validation(field: "provider", reason.message)
        }
        let model = StorableText.clean(input.model).trimmingWhitespace()
        guard !model.isEmpty else { throw BundleError.validation(field: "model", "must not be blank") }
        let choice = try LLMDefaults(database: try context.database()).set(type.name, provider: entry.id, model: model, by: context.principal,
                                                                            now: context.clock.now())
        context.logger.info("workspace.llm_default_set", ["type": .string(type.name), "provider": .string(entry.id), "model": .string(model)])
        return LLMDefaultAnswer.json(type: type.name, provider: choice.provider, model: choice.model, isBundleDefault: false, configured: true,
                                     updatedBy: choice.updatedBy, updatedAt: choice.updatedAt)
    }
}
