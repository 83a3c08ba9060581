import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing
import Workspace

/// The draft and project functions end to end, piped with their fixtures as built binaries: a
/// draft generated offline from a stored conversation, edited, listed, restored; then the Linear
/// project created against a loopback fake speaking Linear's GraphQL (`LINEAR_API_URL`), which
/// locks the conversation.
@Suite(.serialized) struct ProjectDraftBinariesTests {
    static func seed(_ path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let database = try TestDatabase.open(path, migrations: Catalog.migrations)
        let chat = ImportedConversation(source: .chatgpt, sourceID: "trip-1", title: "Trip planning", model: "gpt-4o", messages: [
            ImportedMessage(id: "m1", role: "user", content: "Where should I travel in May with a small budget? I like food and old towns."),
            ImportedMessage(id: "m2", role: "assistant", content: "Lisbon in May is warm and the crowds are smaller than in summer. Porto is cheaper, and the trains between them are fast."),
            ImportedMessage(id: "m3", role: "user", content: "Plan three days in each city. Which neighbourhood should we stay in?"),
        ])
        #expect(try ConversationStore(database: database).save(chat, importedBy: "test", now: Date(timeIntervalSince1970: 1_800_000_000)).id == 1)
    }

    @Test func theDraftAndProjectFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        try Self.seed(directory.file("var/bundle.sqlite"))
        let linear = try LoopbackServer { request in
            guard request.header("authorization") == "lin_api_E2EKEY000000000000",
                  request.json?["variables"]?["input"]?["teamIds"] == ["team-e2e"] else {
                return .json(400, ["errors": [["message": "Authentication required", "extensions": ["code": "AUTHENTICATION_ERROR"]]]])
            }
            return .json(200, ["data": ["projectCreate": ["success": true,
                                                          "project": ["id": "proj-e2e", "url": "https://linear.app/acme/project/trip-e2e"]]]])
        }
        let environment = ["DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite")), "BUNDLE_NOW": "2026-12-02T09:00:00Z", "LLM_PROVIDER": "offline", "LINEAR_API_KEY": "lin_api_E2EKEY000000000000",
                           "LINEAR_TEAM_ID": "team-e2e", "LINEAR_API_URL": linear.baseURL + "/graphql"]
        func run(_ name: String, _ stdin: String, exit: Int32 = 0, environment extra: [String: String] = [:]) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: stdin, environment: environment.merging(extra) { $1 }, workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            #expect(!result.stdoutText.contains("E2EKEY") && !result.stderr.contains("E2EKEY"), "the key never leaves")
            let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
            if exit == 0, let manifest = Catalog.manifest(named: name) {
                let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
            return json
        }
        #expect(try run("get-project-draft", try Fixtures.text("get-project-draft/conversation-1.json"), exit: 66)["error"]?["code"] == "not_found")
        let generated = try run("generate-project-draft", try Fixtures.text("generate-project-draft/conversation-1.json"))
        #expect(generated["provider"] == "offline")
        #expect(generated["title"] == "Trip planning")
        #expect(generated["description"]?.stringValue?.contains("## Open questions\n\n- Which neighbourhood should we stay in?") == true)
        let edited = try run("update-project-draft", try Fixtures.text("update-project-draft/conversation-1.json"))
        #expect(edited["title"] == "Lisbon and Porto trip planner")
        #expect(edited["is_manual_edit"] == true && edited["version_number"] == 2)
        let versions = try run("list-project-draft-versions", try Fixtures.text("list-project-draft-versions/conversation-1.json"))
        #expect(versions["versions"]?.arrayValue?.map { $0["version_number"] } == [2, 1])
        #expect(versions["total"] == 2 && versions["limit"] == 50 && versions["offset"] == 0)
        let restored = try run("activate-project-draft-version", try Fixtures.text("activate-project-draft-version/conversation-1-version-1.json"))
        #expect(restored["title"] == "Trip planning" && restored["version_number"] == 1)
        #expect(try run("get-project-draft", try Fixtures.text("get-project-draft/conversation-1.json")) == restored)

        #expect(try run("get-project", try Fixtures.text("get-project/conversation-1.json"), exit: 66)["error"]?["code"] == "not_found")
        let refused = try run("create-project", try Fixtures.text("create-project/conversation-1.json"), exit: 78,
                              environment: ["LINEAR_API_KEY": "lin_api_WRONGKEY"])
        #expect(refused["error"]?["code"] == "misconfigured")
        #expect(refused["error"]?["message"]?.stringValue?.contains("LINEAR_API_KEY") == true)
        let project = try run("create-project", try Fixtures.text("create-project/conversation-1.json"))
        #expect(project["linear_project_id"] == "proj-e2e")
        #expect(project["linear_url"] == "https://linear.app/acme/project/trip-e2e")
        #expect(project["title"] == "Trip planning", "the active draft's title")
        #expect(try run("get-project", try Fixtures.text("get-project/conversation-1.json")) == project)
        #expect(try run("get-project-draft", try Fixtures.text("get-project-draft/conversation-1.json"))["is_locked"] == true)
        #expect(try run("update-project-draft", try Fixtures.text("update-project-draft/conversation-1.json"), exit: 65)["error"]?["code"] == "conflict")
        #expect(try run("create-project", try Fixtures.text("create-project/conversation-1.json"), exit: 65)["error"]?["code"] == "conflict")
        #expect(linear.requests.count == 2)
        let sent = try #require(linear.requests.last?.json)
        #expect(sent["variables"]?["input"]?["name"] == "Trip planning")
        #expect(sent["query"]?.stringValue?.contains("projectCreate") == true)
        let ids = linear.requests.map { $0.json?["variables"]?["input"]?["id"]?.stringValue }
        #expect(ids.first != nil && ids.first == ids.last, "the refused call's claim kept its project id for the next request")
    }
}
