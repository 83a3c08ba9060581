import Catalog
import Core
import Foundation
import Gateway
import Store
import TestSupport
import Testing
import Workspace

/// Prompts and model defaults end to end: each function piped with its fixture, the model listing
/// against a loopback `/models` server (the key never printed), a summary made with the custom
/// prompt recording its version, and the route table sending `/providers` to the listing.
@Suite(.serialized) struct LLMConfigBinariesTests {
    @Test func thePromptAndDefaultFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        try ChatSummaryBinariesTests.seed(directory.file("var/bundle.sqlite"))
        let models = try LoopbackServer { request in
            request.path == "/v1/models" ? .json(200, ["object": "list", "data": [["id": "gpt-4o-mini"], ["id": "local-model-7b"]]])
                : .json(404, ["error": ["message": "no such path"]])
        }
        let environment = ["DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite")), "BUNDLE_NOW": "2026-12-02T09:00:00Z", "LLM_PROVIDER": "offline", "OPENAI_API_KEY": "sk-e2e-secret-key",
                           "OPENAI_BASE_URL": models.baseURL + "/v1"]
        func run(_ name: String, _ stdin: String, exit: Int32 = 0) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: stdin, environment: environment, workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            #expect(!result.stdoutText.contains("sk-e2e-secret-key") && !result.stderr.contains("sk-e2e-secret-key"))
            let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
            if exit == 0, let manifest = Catalog.manifest(named: name) {
                let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
            return json
        }

        let listing = try run("list-llm-providers", try Fixtures.text("list-llm-providers/configured.json"))
        let providers = try #require(listing["providers"]?.arrayValue)
        #expect(providers.map { $0["id"] } == ["openai", "offline"])
        let openAIModels = providers[0]["models"]?.arrayValue ?? []
        #expect(openAIModels.contains { $0["id"] == "local-model-7b" && $0["source"] == "server" })
        #expect(openAIModels.contains { $0["id"] == "gpt-4o-mini" && $0["source"] == "both" })
        #expect(providers[0]["models_error"] == .null)
        #expect(models.requests.first?.header("authorization") == "Bearer sk-e2e-secret-key")
        #expect(listing["bundle_default"]?["provider"] == "offline")

        #expect(try run("get-llm-default", try Fixtures.text("get-llm-default/summary.json"))["is_bundle_default"] == true)
        let set = try run("set-llm-default", try Fixtures.text("set-llm-default/summary-offline.json"))
        #expect(set["provider"] == "offline" && set["llm_model"] == "offline-rules-v1" && set["is_bundle_default"] == false)
        #expect(try run("get-llm-default", try Fixtures.text("get-llm-default/summary.json")) == set)
        let refused = try run("set-llm-default", #"{"type": "summary", "provider": "xai", "model": "grok-4"}"#, exit: 65)
        #expect(refused["error"]?["code"] == "validation_failed")
        #expect(refused["error"]?["message"]?.stringValue?.contains("XAI_API_KEY") == true)
        #expect(try run("get-llm-prompt", #"{"type": "poem"}"#, exit: 65)["error"]?["details"]?[0]?["field"] == "type")

        let builtIn = try run("get-default-llm-prompt", try Fixtures.text("get-default-llm-prompt/summary.json"))
        #expect(builtIn["is_custom"] == false)
        let custom = try run("create-llm-prompt", try Fixtures.text("create-llm-prompt/summary.json"))
        #expect(custom["version"] == "custom-1" && custom["is_custom"] == true)
        #expect(try run("get-llm-prompt", try Fixtures.text("get-llm-prompt/summary.json")) == custom)

        let summary = try run("get-chat-summary", try Fixtures.text("get-chat-summary/conversation-1.json"))
        #expect(summary["prompt_version"] == "custom-1" && summary["provider"] == "offline")
        let database = try TestDatabase.open(directory.file("var/bundle.sqlite"), migrations: Catalog.migrations)
        let versions = try database.read { try $0.query("SELECT prompt_version FROM llm_calls").map { $0.optionalString("prompt_version") } }
        #expect(versions == ["custom-1"])

        #expect(try run("reset-llm-prompt", try Fixtures.text("reset-llm-prompt/summary.json")) == builtIn)
        #expect(try run("get-llm-prompt", try Fixtures.text("get-llm-prompt/summary.json")) == builtIn)
        let history = try database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM llm_prompts")?.optionalInt("n") }
        #expect(history == 1)
    }

    @Test func theLiteralProvidersRouteWinsOverTheTypeParameter() throws {
        let routes = RouteTable(Catalog.manifests)
        func function(_ method: String, _ path: String) -> String? {
            if case .success(let match) = routes.match(method: method, path: path) { return match.manifest.name }
            return nil
        }
        #expect(function("GET", "/api/llm-defaults/providers") == "list-llm-providers")
        #expect(function("GET", "/api/llm-defaults/summary") == "get-llm-default")
        #expect(function("PUT", "/api/llm-defaults/summary") == "set-llm-default")
        #expect(function("GET", "/api/llm-prompts/summary/default") == "get-default-llm-prompt")
        #expect(function("POST", "/api/llm-prompts/chat") == "create-llm-prompt")
        #expect(function("DELETE", "/api/llm-prompts/chat") == "reset-llm-prompt")
    }
}
