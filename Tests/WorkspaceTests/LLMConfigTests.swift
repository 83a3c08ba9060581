import Core
import Foundation
import HTTPTransport
import Providers
import Synchronization
import TestSupport
import Testing
import Workspace

/// An LLM that answers summary calls and remembers the system prompt of each.
final class SystemRecordingLLM: LLMProvider {
    let name = "fake"
    let model = "fake-model-1"
    private let systems = Mutex<[String]>([])

    var seen: [String] { systems.withLock { $0 } }

    func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
        systems.withLock { $0.append(request.system) }
        return LLMCompletion(text: #"{"summary":"A summary of the chat."}"#, model: model, promptTokens: 10, completionTokens: 5)
    }
}

/// Prompts and model defaults through their handlers: set and revert (history kept, one active),
/// unknown types and unconfigured providers refused, the summary using the active prompt and the
/// chosen provider, and keys never in an answer.
@Suite struct LLMConfigTests {
    let harness: WorkspaceHarness

    init() throws {
        harness = try WorkspaceHarness()
    }

    func promptRows(_ type: String) throws -> [Int] {
        try harness.database.read { sql in
            let row = try sql.queryOne("SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE is_active = 1) AS a FROM llm_prompts WHERE prompt_type = ?", type)
            return [row?.optionalInt("n") ?? 0, row?.optionalInt("a") ?? 0]
        }
    }

    @Test func promptsAreSetAndRevertedKeepingTheirHistoryWithOneActive() async throws {
        let defaultAnswer = try await harness.call(GetLLMPromptHandler(), ["type": "summary"])
        #expect(defaultAnswer["is_custom"] == false)
        #expect(defaultAnswer["version"] == .string(ChatSummaryPrompt.version))
        #expect(defaultAnswer["id"] == .null)
        #expect(defaultAnswer["prompt_type"] == "summary" && defaultAnswer["is_active"] == true)

        let first = try await harness.call(CreateLLMPromptHandler(), ["type": "summary", "system_prompt": "  Summarise in French.  "],
                                           context: harness.context(http: ["principal": "ada"]))
        #expect(first["system_prompt"] == "Summarise in French.")
        #expect(first["created_by"] == "ada")
        #expect(first["created_at"]?.stringValue.flatMap(Timestamp.parse) == Timestamp.parse(WorkspaceHarness.now))
        let second = try await harness.call(CreateLLMPromptHandler(), ["type": "summary", "system_prompt": "Summarise in German."])
        let secondID = try #require(second["id"]?.intValue)
        #expect(second["version"] == .string("custom-\(secondID)"))
        #expect(second["is_custom"] == true)
        #expect(try promptRows("summary") == [2, 1])

        let active = try await harness.call(GetLLMPromptHandler(), ["type": "summary"])
        #expect(active == second)
        #expect(active["prompt_type"] == "summary" && active["type"] == "summary" && active["is_active"] == true)
        let builtIn = try await harness.call(GetDefaultLLMPromptHandler(), ["type": "summary"])
        #expect(builtIn["is_active"] == false, "a custom prompt is active")
        #expect(builtIn["system_prompt"] == defaultAnswer["system_prompt"] && builtIn["version"] == defaultAnswer["version"])

        let reverted = try await harness.call(ResetLLMPromptHandler(), ["type": "summary"])
        #expect(reverted == defaultAnswer)
        #expect(try promptRows("summary") == [2, 0])
        #expect(try await harness.call(GetLLMPromptHandler(), ["type": "summary"]) == defaultAnswer)
        // Other types are untouched.
        #expect(try await harness.call(GetLLMPromptHandler(), ["type": "chat"])["is_custom"] == false)
    }

    @Test func blankTooLongAndUnknownTypesAreRefusedNamingTheField() async throws {
        let blank = await harness.error { _ = try await harness.call(CreateLLMPromptHandler(), ["type": "summary", "system_prompt": " \n "]) }
        #expect(blank?.code == .validationFailed && blank?.details?.first?.field == "system_prompt")
        let long = String(repeating: "a", count: LLMPromptStore.maxLength + 1)
        let tooLong = await harness.error { _ = try await harness.call(CreateLLMPromptHandler(), ["type": "summary", "system_prompt": .string(long)]) }
        #expect(tooLong?.code == .validationFailed)
        #expect(try promptRows("summary") == [0, 0])

        for attempt: () async throws -> Void in [
            { _ = try await harness.call(GetLLMPromptHandler(), ["type": "poem"]) },
            { _ = try await harness.call(CreateLLMPromptHandler(), ["type": "poem", "system_prompt": "Rhyme."]) },
            { _ = try await harness.call(GetLLMDefaultHandler(), ["type": "poem"]) },
            { _ = try await harness.call(SetLLMDefaultHandler(), ["type": "poem", "provider": "offline", "model": "offline-rules-v1"]) },
        ] {
            let error = await harness.error(attempt)
            #expect(error?.code == .validationFailed)
            #expect(error?.details?.first?.field == "type")
            #expect(error?.message.contains("\"poem\"") == true)
            #expect(error?.message.contains("summary, project_draft, chat") == true)
        }
    }

    @Test func aDefaultNeedsAConfiguredProviderAndAnUnsetTypeAnswersTheBundles() async throws {
        let unset = try await harness.call(GetLLMDefaultHandler(), ["type": "project_draft"])
        #expect(unset["is_bundle_default"] == true)
        #expect(unset["provider"] == "offline" && unset["llm_provider"] == "offline")

        let refused = await harness.error {
            _ = try await harness.call(SetLLMDefaultHandler(), ["type": "summary", "provider": "claude", "model": "claude-haiku-4-5"])
        }
        #expect(refused?.code == .validationFailed)
        #expect(refused?.details?.first?.field == "provider")
        #expect(refused?.message.contains("anthropic") == true || refused?.message.contains("claude") == true)
        #expect(refused?.message.contains("ANTHROPIC_API_KEY") == true)
        #expect(try harness.count("llm_defaults") == 0)

        let keyed = harness.context(["XAI_API_KEY": "xai-secret-key"], http: ["principal": "ada"])
        let set = try await harness.call(SetLLMDefaultHandler(), ["type": "summary", "provider": "grok", "model": "grok-3-mini"], context: keyed)
        #expect(set["provider"] == "xai" && set["model"] == "grok-3-mini" && set["is_bundle_default"] == false)
        #expect(set["updated_by"] == "ada")
        let read = try await harness.call(GetLLMDefaultHandler(), ["type": "summary"], context: keyed)
        #expect(read == set)
        // Read where the key is gone: still the choice, marked as not configured.
        let orphan = try await harness.call(GetLLMDefaultHandler(), ["type": "summary"])
        #expect(orphan["provider"] == "xai" && orphan["configured"] == false)
        #expect(!orphan.jsonText.contains("xai-secret-key") && !set.jsonText.contains("xai-secret-key"))
    }

    @Test func theSummaryUsesTheActivePromptRecordsItsVersionAndIsRemadeWhenThePromptChanges() async throws {
        let store = ConversationStore(database: harness.database)
        let id = try store.save(SummaryChats.short(), importedBy: "test", now: Date(timeIntervalSince1970: 1_800_000_000)).id
        let fake = SystemRecordingLLM()
        let made = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(made["prompt_version"] == .string(ChatSummaryPrompt.version))
        #expect(fake.seen == [ChatSummaryPrompt.promptType.defaultSystem])

        // Asked again with the same prompt: as stored, no call.
        _ = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(fake.seen.count == 1)

        let custom = try await harness.call(CreateLLMPromptHandler(), ["type": "summary", "system_prompt": "Summarise as a haiku."])
        let version = try #require(custom["version"]?.stringValue)
        let remade = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(remade["prompt_version"] == .string(version))
        #expect(fake.seen.last == "Summarise as a haiku.")
        let calls = try harness.database.read { try $0.query("SELECT step, prompt_version FROM llm_calls ORDER BY id") }
        #expect(calls.map { $0.optionalString("step") } == ["summary.whole", "summary.whole"])
        #expect(calls.map { $0.optionalString("prompt_version") } == [ChatSummaryPrompt.version, version])

        // summarize-chat without force also remakes a summary whose prompt changed (and only then).
        _ = try await harness.call(SummarizeChatHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(fake.seen.count == 2)
        _ = try await harness.call(CreateLLMPromptHandler(), ["type": "summary", "system_prompt": "Summarise in one line."])
        _ = try await harness.call(SummarizeChatHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(fake.seen.count == 3 && fake.seen.last == "Summarise in one line.")

        // A person's edit stays whatever the prompt becomes.
        _ = try await harness.call(UpdateChatSummaryHandler(), ["id": .number(Double(id)), "summary": "Mine."], context: harness.context(llm: fake))
        _ = try await harness.call(ResetLLMPromptHandler(), ["type": "summary"])
        let kept = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: harness.context(llm: fake))
        #expect(kept["summary"] == "Mine." && fake.seen.count == 3)
    }

    @Test func theSummaryRunsOnTheProviderAndModelChosenForIt() async throws {
        let store = ConversationStore(database: harness.database)
        let id = try store.save(SummaryChats.short(), importedBy: "test", now: Date(timeIntervalSince1970: 1_800_000_000)).id
        let fake = FakeTransport()
        fake.expect("POST", "http://compatible.fake/v1/chat/completions", respond: .json(200, [
            "id": "c1", "object": "chat.completion", "model": "llama-3-8b",
            "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": #"{"summary":"Lisbon or Porto in May."}"#]]],
            "usage": ["prompt_tokens": 50, "completion_tokens": 9],
        ]))
        let context = harness.context(["LLM_BASE_URL": "http://compatible.fake/v1", "LLM_PROVIDER": "offline"], transport: fake)
        _ = try await harness.call(SetLLMDefaultHandler(), ["type": "summary", "provider": "openai-compatible", "model": "llama-3-8b"], context: context)
        let answer = try await harness.call(GetChatSummaryHandler(), ["id": .number(Double(id))], context: context)
        #expect(answer["provider"] == "openai-compatible" && answer["model"] == "llama-3-8b")
        #expect(answer["summary"] == "Lisbon or Porto in May.")
        let body = try JSONValue(parsing: try #require(fake.received.first?.body))
        #expect(body["model"] == "llama-3-8b")
        let provider = try harness.database.read { try $0.queryOne("SELECT provider FROM llm_calls")?.optionalString("provider") }
        #expect(provider == "openai-compatible")
    }

    @Test func theProvidersListingNamesHostsNeverKeysAndReportsAFailedListing() async throws {
        let fake = FakeTransport()
        fake.expect("GET", "https://api.x.ai/v1/models", respond: .json(401, ["error": "bad key xai-secret-key"]))
        let answer = try await harness.call(ListLLMProvidersHandler(), [:],
                                            context: harness.context(["XAI_API_KEY": "xai-secret-key"], transport: fake))
        let providers = try #require(answer["providers"]?.arrayValue)
        #expect(providers.map { $0["id"] } == ["xai", "offline"])
        #expect(providers[0]["base_url_host"] == "api.x.ai")
        #expect(providers[0]["key_variable"] == "XAI_API_KEY")
        #expect(providers[0]["models_error"]?.stringValue?.contains("HTTP 401") == true)
        #expect(providers[0]["models"]?.arrayValue?.first?["id"] == "grok-4")
        #expect(answer["bundle_default"]?["provider"] == "offline")
        #expect(!answer.jsonText.contains("xai-secret-key"))
    }

    @Test func theCreateManifestRequiresTheTextAndBoundsItLikeTheStore() throws {
        let input = CreateLLMPromptHandler.manifest.inputSchema
        #expect(input["required"]?.arrayValue?.contains("system_prompt") == true)
        #expect(input["properties"]?["system_prompt"]?["maxLength"]?.intValue == LLMPromptStore.maxLength)
    }

    @Test func theBundlesOwnProviderIsListedChosenAndAnsweredWhenItsKeyIsMissing() async throws {
        let fake = FakeTransport()
        fake.expect("GET", "https://api.openai.com/v1/models", respond: .json(200, ["data": [["id": "gpt-4o-mini"]]]))
        let keyed = harness.context(["LLM_PROVIDER": "openai", "LLM_API_KEY": "sk-bundle-secret", "LLM_PRICES": "gpt-9=1/2"], transport: fake)
        let listing = try await harness.call(ListLLMProvidersHandler(), [:], context: keyed)
        let providers = try #require(listing["providers"]?.arrayValue)
        #expect(providers.map { $0["id"] } == ["openai", "offline"])
        #expect(listing["bundle_default"]?["provider"] == "openai")
        #expect(providers[0]["key_variable"] == "LLM_API_KEY")
        #expect(providers[0]["models"]?.arrayValue?.first { $0["id"] == "gpt-9" }?["price"]?["output_per_million"] == 2)
        #expect(!listing.jsonText.contains("sk-bundle-secret"))
        let set = try await harness.call(SetLLMDefaultHandler(), ["type": "summary", "provider": "openai", "model": "gpt-4o"], context: keyed)
        #expect(set["provider"] == "openai" && set["configured"] == true)

        // The bundle's key missing: an unset type still answers the bundle's provider, not configured.
        let missing = try await harness.call(GetLLMDefaultHandler(), ["type": "project_draft"], context: harness.context(["LLM_PROVIDER": "anthropic"]))
        #expect(missing["provider"] == "anthropic" && missing["is_bundle_default"] == true && missing["configured"] == false)
        #expect(missing["model"] == .string(AnthropicProvider.defaultModel))

        // Refused with the registry's own words.
        let refused = await harness.error {
            _ = try await harness.call(SetLLMDefaultHandler(), ["type": "summary", "provider": "grok", "model": "grok-4"])
        }
        #expect(refused?.message.hasSuffix(LLMRegistry.notConfigured("grok", configured: ["offline"]).message) == true)
    }

    @Test func theLegacySummaryVersionMatchesTheBuiltInTextItWasMadeWith() {
        #expect(ChatSummaryPrompt.sameVersion(ChatSummaryPrompt.legacyVersion, ChatSummaryPrompt.version))
        #expect(!ChatSummaryPrompt.sameVersion(ChatSummaryPrompt.legacyVersion, "custom-1"))
        #expect(!ChatSummaryPrompt.sameVersion(nil, ChatSummaryPrompt.version))
    }
}
