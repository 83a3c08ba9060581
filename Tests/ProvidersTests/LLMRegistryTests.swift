import Core
import HTTPTransport
import Providers
import Runtime
import Store
import TestSupport
import Testing

/// Every configured provider at once: which ids the configuration makes, the providers they make
/// (named by their id), the model listing against loopback servers speaking OpenAI's and
/// Anthropic's `/models` formats (and a failing one, reported), and `llm(for:)` choosing the
/// provider and model stored for a prompt type.
@Suite struct LLMRegistryTests {
    static let keys = ["OPENAI_API_KEY": "sk-openai-secret-1", "ANTHROPIC_API_KEY": "sk-ant-secret-2", "XAI_API_KEY": "xai-secret-3"]

    @Test func theConfigurationDecidesWhichProvidersAreThereAndAliasesResolve() throws {
        let none = LLMRegistry(config: Config([:]), transport: FakeTransport())
        #expect(none.configuredIDs == ["offline"])

        let all = LLMRegistry(config: Config(Self.keys.merging(["LLM_BASE_URL": "http://127.0.0.1:9/v1"]) { $1 }), transport: FakeTransport())
        #expect(all.configuredIDs == ["openai", "anthropic", "xai", "openai-compatible", "offline"])
        #expect(all.entry("grok")?.id == "xai")
        #expect(all.entry("Claude")?.id == "anthropic")
        #expect(all.entry("xai")?.host == "api.x.ai")
        #expect(all.entry("openai")?.host == "api.openai.com")

        for id in all.configuredIDs {
            #expect(try all.provider(id: id, model: "m-1").name == id)
        }
        #expect(try all.provider(id: "grok", model: "grok-4").model == "grok-4")

        let refused = #expect(throws: BundleError.self) { try none.provider(id: "anthropic", model: "claude-sonnet-4-5") }
        #expect(refused?.code == .misconfigured)
        #expect(refused?.message.contains("ANTHROPIC_API_KEY") == true)
        let unknown = #expect(throws: BundleError.self) { try none.provider(id: "mistral", model: "x") }
        #expect(unknown?.message.contains("mistral") == true)
    }

    @Test func theBundlesOwnProviderIsListedUnderItsIDAndCanBeChosen() async throws {
        let cases: [([String: String], String, String)] = [
            (["LLM_PROVIDER": "openai", "LLM_API_KEY": "sk-llm-secret-1"], "api.openai.com", "gpt-4.1-mini"),
            (["LLM_PROVIDER": "xai", "LLM_API_KEY": "sk-llm-secret-1"], "api.x.ai", "grok-4"),
            (["LLM_PROVIDER": "gemini", "LLM_API_KEY": "sk-llm-secret-1"], "generativelanguage.googleapis.com", "gemini-2.5-flash"),
            (["GEMINI_API_KEY": "g-secret-key-1"], "generativelanguage.googleapis.com", "gemini-2.5-flash"),
            (["LLM_PROVIDER": "ollama", "LLM_MODEL": "llama3"], "localhost:11434", "llama3"),
        ]
        for (values, host, model) in cases {
            let config = Config(values)
            let registry = LLMRegistry(config: config, transport: FakeTransport())
            let bundle = try #require(try LLMSelection.make(config, transport: FakeTransport()) as? OpenAICompatibleProvider)
            #expect(registry.configuredIDs == [bundle.name, "offline"], "\(values)")
            let entry = try #require(registry.entry(bundle.name))
            #expect(entry.host == host && entry.model == model && bundle.model == model, "\(values)")
            let chosen = try #require(try registry.provider(id: bundle.name, model: "m-2") as? OpenAICompatibleProvider)
            #expect(chosen.baseURL == bundle.baseURL && chosen.model == "m-2")
            for text in [String(describing: registry), String(reflecting: registry), String(describing: entry)] {
                #expect(!text.contains("secret"), "a key in a description: \(text)")
            }
            var dumped = ""
            dump(registry, to: &dumped)
            #expect(!dumped.contains("secret"))
        }
        // The bundle's key goes with its provider.
        let fake = FakeTransport()
        fake.expect("POST", "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
                    respond: .json(200, openAIAnswer(#"{"greeting":"Hello dear Ada","words":3}"#, model: "gemini-2.5-pro")))
        let gemini = LLMRegistry(config: Config(["GEMINI_API_KEY": "g-secret-key-1"]), transport: fake)
        _ = try await LLMClient(provider: try gemini.provider(id: "openai", model: "gemini-2.5-pro"), recorder: InMemoryLLMCallRecorder(),
                                function: "fn").run(GreetingTask(), deadline: Deadline(seconds: 10))
        #expect(fake.received.first?.headers.first { $0.name == "Authorization" }?.value == "Bearer g-secret-key-1")

        // Model fallbacks: LLM_MODEL for openai; ANTHROPIC_MODEL, else LLM_MODEL, for anthropic.
        let models = LLMRegistry(config: Config(["OPENAI_API_KEY": "k1", "ANTHROPIC_API_KEY": "k2", "LLM_PROVIDER": "offline",
                                                 "LLM_MODEL": "gpt-4o"]), transport: FakeTransport())
        #expect(models.entry("openai")?.model == "gpt-4o" && models.entry("anthropic")?.model == "gpt-4o")
        let anthropic = LLMRegistry(config: Config(["ANTHROPIC_API_KEY": "k2", "ANTHROPIC_MODEL": "claude-haiku-4-5", "LLM_MODEL": "x"]),
                                    transport: FakeTransport())
        #expect(anthropic.entry("anthropic")?.model == "claude-haiku-4-5")
        // A bundle provider without its key is not listed (it cannot be made).
        #expect(LLMRegistry(config: Config(["LLM_PROVIDER": "openai"]), transport: FakeTransport()).configuredIDs == ["offline"])
    }

    @Test func configuredPricesAndGeminiModelsAreListedAndAnthropicsBaseURLIsNormalisedOnce() async throws {
        let fake = FakeTransport()
        // The two listings run concurrently: either may come first.
        fake.expect("GET", "http", respond: .json(200, ["data": []]))
        fake.expect("GET", "http", respond: .json(200, ["data": []]))
        let config = Config(["GEMINI_API_KEY": "g-key", "ANTHROPIC_API_KEY": "a-key", "ANTHROPIC_BASE_URL": "http://anthropic.test/v1/",
                             "LLM_PRICES": "gemini-3-pro=2/12;claude-next-1=4/20"])
        let listed = await ModelListing(registry: LLMRegistry(config: config, transport: fake), prices: try PriceTable(config: config))
            .list(deadline: Deadline(seconds: 10))
        let gemini = try #require(listed.first { $0.entry.id == "openai" }).models.map(\.id)
        #expect(gemini.contains("gemini-2.5-flash") && gemini.contains("gemini-3-pro") && !gemini.contains { $0.hasPrefix("gpt-") })
        let claude = try #require(listed.first { $0.entry.id == "anthropic" })
        #expect(claude.models.first { $0.id == "claude-next-1" }?.price?.outputPerMillion == 20)
        #expect(claude.modelsError == nil)
        #expect(Set(fake.received.map(\.url)) == ["https://generativelanguage.googleapis.com/v1beta/openai/models",
                                                    "http://anthropic.test/v1/models?limit=1000"])
        #expect(LLMRegistry(config: config, transport: fake).entry("anthropic")?.baseURL == "http://anthropic.test")
    }

    @Test func theListingJoinsThePriceTableAndEachServersModelsAndReportsAFailingOne() async throws {
        let openAI = try LoopbackServer { request in
            guard request.path == "/v1/models" else { return .json(404, ["error": ["message": "no such path"]]) }
            return .json(200, ["object": "list", "data": [["id": "gpt-4o-mini", "object": "model"], ["id": "ft:gpt-4o-mini:acme", "object": "model"]]])
        }
        let anthropic = try LoopbackServer { request in
            guard request.path.hasPrefix("/v1/models") else { return .json(404, ["error": ["message": "no such path"]]) }
            return .json(200, ["data": [["id": "claude-sonnet-4-5-20250929", "type": "model", "display_name": "Claude Sonnet 4.5"]],
                               "has_more": false])
        }
        let failing = try LoopbackServer.sequence([.json(500, ["error": ["message": "sk-should-not-matter"]])])
        let config = Config(Self.keys.merging([
            "OPENAI_BASE_URL": openAI.baseURL + "/v1", "ANTHROPIC_BASE_URL": anthropic.baseURL, "XAI_BASE_URL": failing.baseURL + "/v1",
        ]) { $1 })
        let registry = LLMRegistry(config: config, transport: CurlTransport())
        let listed = await ModelListing(registry: registry, prices: PriceTable()).list(deadline: Deadline(seconds: 20))
        #expect(listed.map(\.entry.id) == ["openai", "anthropic", "xai", "offline"])

        let openAIModels = try #require(listed.first { $0.entry.id == "openai" })
        #expect(openAIModels.modelsError == nil)
        #expect(openAIModels.models.first { $0.id == "gpt-4o-mini" }?.source == .both)
        #expect(openAIModels.models.first { $0.id == "gpt-4o-mini" }?.price?.inputPerMillion == 0.15)
        #expect(openAIModels.models.first { $0.id == "ft:gpt-4o-mini:acme" }?.source == .server)
        #expect(openAIModels.models.first { $0.id == "gpt-4.1" }?.source == .priceTable)
        #expect(!openAIModels.models.contains { $0.id.hasPrefix("claude-") })
        #expect(openAI.requests.first?.header("authorization") == "Bearer sk-openai-secret-1")

        let anthropicModels = try #require(listed.first { $0.entry.id == "anthropic" })
        #expect(anthropicModels.models.first { $0.id == "claude-sonnet-4-5-20250929" }?.source == .server)
        #expect(anthropicModels.models.first { $0.id == "claude-sonnet-4-5-20250929" }?.price?.outputPerMillion == 15)
        let anthropicRequest = try #require(anthropic.requests.first)
        #expect(anthropicRequest.header("x-api-key") == "sk-ant-secret-2")
        #expect(anthropicRequest.header("anthropic-version") == AnthropicProvider.apiVersion)

        let xai = try #require(listed.first { $0.entry.id == "xai" })
        let error = try #require(xai.modelsError)
        #expect(error.contains("HTTP 500"))
        #expect(error.contains("127.0.0.1"))
        #expect(xai.models.map(\.id) == ["grok-4"])
        #expect(listed.first { $0.entry.id == "offline" }?.models.map(\.id) == ["offline-rules-v1"])
    }

    @Test func anUnreachableServerIsReportedAndThePriceTableStillAnswers() async throws {
        let closed = try LoopbackServer.sequence([.json(200, [:])])
        let base = closed.baseURL
        closed.stop()
        let registry = LLMRegistry(config: Config(["OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": base + "/v1"]), transport: CurlTransport())
        let listed = await ModelListing(registry: registry, prices: PriceTable()).list(deadline: Deadline(seconds: 20))
        let openAI = try #require(listed.first)
        #expect(openAI.modelsError?.contains("could not be reached") == true)
        #expect(openAI.models.contains { $0.id == "gpt-4o" })
    }
}

/// `llm(for:)`: the stored choice of a prompt type, else the bundle's client; every call records
/// the prompt version it used.
@Suite struct LLMForPromptTypeTests {
    let directory: TemporaryDirectory
    let database: any Database
    static let type = LLMPromptType(name: "greeting", purpose: "Greets.", defaultSystem: "You greet people.")

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations)
    }

    func context(_ values: [String: String], transport: any Transport) -> FunctionContext {
        FunctionContext(function: "greet", requestID: "req-9", config: Config(values), clock: BundleClock(frozenAt: Timestamp.parse("2026-12-02T09:00:00Z")!),
                        logger: .discarding, deadline: Deadline(seconds: 30), database: database, transport: transport)
    }

    func rows() throws -> [Row] { try database.read { try $0.query("SELECT * FROM llm_calls ORDER BY id") } }

    @Test func theChosenProviderAndModelServeTheTypeAndTheCallRecordsItsVersion() async throws {
        let fake = FakeTransport()
        fake.expect("POST", "http://grok.fake/v1/chat/completions",
                    respond: .json(200, openAIAnswer(#"{"greeting":"Hello dear Ada","words":3}"#, model: "grok-3-mini")))
        let context = context(["XAI_API_KEY": "xai-key", "XAI_BASE_URL": "http://grok.fake/v1"], transport: fake)
        _ = try LLMDefaults(database: database).set("greeting", provider: "xai", model: "grok-3-mini", by: "ada", now: context.clock.now())

        let prompt = try context.activePrompt(Self.type)
        #expect(prompt.version == Self.type.defaultVersion && !prompt.isCustom)
        let client = try context.llm(for: prompt)
        #expect(client.provider.name == "xai")
        #expect(client.provider.model == "grok-3-mini")
        _ = try await client.run(GreetingTask(), deadline: Deadline(seconds: 10))
        let sent = try #require(fake.received.first?.body)
        #expect(try JSONValue(parsing: sent)["model"] == "grok-3-mini")
        #expect(fake.received.first?.headers.first { $0.name == "Authorization" }?.value == "Bearer xai-key")

        let row = try #require(try rows().first)
        #expect(row.optionalString("provider") == "xai")
        #expect(row.optionalString("function") == "greet")
        #expect(row.optionalString("request_id") == "req-9")
        #expect(row.optionalString("prompt_version") == Self.type.defaultVersion)
    }

    @Test func withoutAChoiceTheBundlesClientServesAndOtherCallsRecordTheBuiltinVersion() async throws {
        let context = context([:], transport: FakeTransport())
        let client = try context.llm(for: try context.activePrompt(Self.type))
        #expect(client.provider.name == "offline")
        _ = try await client.run(GreetingTask(), deadline: Deadline(seconds: 10))
        // Another agent's call, made through `llm()` with no prompt type.
        _ = try await context.llm().run(GreetingTask(), deadline: Deadline(seconds: 10))
        let versions = try rows().map { $0.optionalString("prompt_version") }
        #expect(versions == [Self.type.defaultVersion, LLMClient.builtinPromptVersion(system: GreetingTask().system)])
        #expect(versions[1]?.hasPrefix("builtin-") == true)
    }

    @Test func aCustomPromptIsActiveAndRecordedAndAChoiceWhoseKeyIsGoneIsMisconfigured() async throws {
        let context = context([:], transport: FakeTransport())
        let store = LLMPromptStore(database: database)
        let first = try store.create(Self.type, system: "Greet warmly.", by: "ada", now: context.clock.now())
        let second = try store.create(Self.type, system: "Greet briefly.", by: "bob", now: context.clock.now())
        let active = try context.activePrompt(Self.type)
        #expect(active == second)
        #expect(active.version == "custom-\(try #require(second.id))" && first.id != second.id)
        _ = try await context.llm(for: active).run(GreetingTask(), deadline: Deadline(seconds: 10))
        #expect(try rows().last?.optionalString("prompt_version") == active.version)

        _ = try LLMDefaults(database: database).set("greeting", provider: "anthropic", model: "claude-haiku-4-5", by: nil, now: context.clock.now())
        let error = #expect(throws: BundleError.self) { try context.llm(for: active) }
        #expect(error?.code == .misconfigured)
        #expect(error?.details?.first?.field == "ANTHROPIC_API_KEY")
    }
}
