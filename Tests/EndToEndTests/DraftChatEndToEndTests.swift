import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing
import Workspace

/// The chat about a draft end to end with the offline provider: piped with its fixtures, and
/// through nginx + fcgiwrap as Server-Sent Events (text before `done`, the draft renamed), as one
/// JSON document, and with a client that hangs up (the turn is saved all the same).
@Suite(.serialized) struct DraftChatEndToEndTests {
    static let environment = ["BUNDLE_NOW": "2026-12-02T09:00:00Z", "LLM_PROVIDER": "offline"]

    /// A conversation (id 1) with a generated draft.
    static func seed(_ path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let database = try TestDatabase.open(path, migrations: Catalog.migrations)
        let chat = ImportedConversation(source: .chatgpt, sourceID: "trip-1", title: "Trip planning", model: "gpt-4o", messages: [
            ImportedMessage(id: "m1", role: "user", content: "Where should I travel in May with a small budget?"),
            ImportedMessage(id: "m2", role: "assistant", content: "Lisbon in May is warm; Porto is cheaper, and the trains between them are fast."),
        ])
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try ConversationStore(database: database).save(chat, importedBy: "test", now: now).id == 1)
        _ = try ProjectDraftStore(database: database).addVersion(
            conversationID: 1, title: "Budget trip planner",
            description: "## Problem\nPlanning a cheap trip takes hours.\n\n## Milestones\n- Prototype", source: .generated, createdBy: "test", now: now)
    }

    static func draftTitle(_ path: String) throws -> String? {
        try ProjectDraftStore(database: try TestDatabase.open(path, migrations: Catalog.migrations)).draft(conversationID: 1)?.active.title
    }

    @Test func theChatFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        let database = directory.file("var/bundle.sqlite")
        try Self.seed(database)
        func run(_ name: String, _ stdin: String, exit: Int32 = 0) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: stdin, environment: Self.environment.merging(["DATABASE_URL": try TestDatabase.url(database)]) { $1 },
                                          workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
            if exit == 0, let manifest = Catalog.manifest(named: name) {
                let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
            return json
        }
        let turn = try run("stream-draft-chat", try Fixtures.text("stream-draft-chat/rename.json"))
        #expect(turn["project_draft"]?["title"] == "Lisbon and Porto on a budget")
        #expect(turn["tool_calls"]?.arrayValue?.first?["name"] == "update_project_draft")
        #expect(turn["assistant_message"]?["status"] == "complete")
        #expect(turn["usage"]?["provider"] == "offline")
        #expect(try Self.draftTitle(database) == "Lisbon and Porto on a budget")
        let chat = try run("get-draft-chat", try Fixtures.text("get-draft-chat/conversation-1.json"))
        #expect(chat["messages"]?.arrayValue?.map { $0["role"] } == ["user", "assistant"])
        #expect(chat["messages"]?.arrayValue?.last?["content"] == turn["assistant_message"]?["content"])
        #expect(try run("get-draft-chat", #"{"id": 999}"#, exit: 66)["error"]?["code"] == "not_found")
        #expect(try run("stream-draft-chat", #"{"id": 1, "message": ""}"#, exit: 65)["error"]?["code"] == "validation_failed")
    }

    @Test func aTurnStreamsThroughNginxAndRenamesTheDraft() throws {
        let server = try NginxServer(mode: .direct, environment: Self.environment)
        let key = try server.createKey()
        try Self.seed(server.databasePath)
        let client = try StreamingHTTPClient(port: server.port, method: "POST", path: "/api/conversations/1/project-draft/chat/stream",
                                             headers: ["X-API-Key": key, "Content-Type": "application/json", "Accept": "text/event-stream"],
                                             body: Array(#"{"message": "call it Atlas"}"#.utf8))
        client.readToEnd()
        #expect(client.headText.hasPrefix("HTTP/1.1 200"), "\(client.headText)\n\(client.bodyText)")
        #expect(client.headText.lowercased().contains("content-type: text/event-stream"))
        let events = client.events
        let names = events.map(\.event)
        #expect(names.first == "status")
        #expect(names.last == "done", "\(client.bodyText)")
        let firstContent = try #require(names.firstIndex(of: "content"))
        #expect(firstContent < names.firstIndex(of: "project_updated") ?? -1)
        #expect(events.first { $0.event == "content" }?.data?["type"] == "content")
        #expect(events.first { $0.event == "project_updated" }?.data?["project_draft"]?["title"] == "Atlas")
        #expect(events.last?.data?["response"]?["project_draft"]?["title"] == "Atlas")
        #expect(try Self.draftTitle(server.databasePath) == "Atlas")

        let history = try server.send("GET", "/api/conversations/1/project-draft/chat", headers: ["X-API-Key": key])
        #expect(history.status == 200, "\(history.text)")
        #expect(history.json?["total"] == 2)
    }

    @Test func aJSONRequestGetsOneDocument() throws {
        let server = try NginxServer(mode: .direct, environment: Self.environment)
        let key = try server.createKey()
        try Self.seed(server.databasePath)
        let reply = try server.send("POST", "/api/conversations/1/project-draft/chat/stream",
                                    headers: ["X-API-Key": key, "Content-Type": "application/json", "Accept": "application/json"],
                                    body: #"{"message": "What is missing?"}"#)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.header("content-type")?.hasPrefix("application/json") == true)
        #expect(reply.json?["assistant_message"]?["content"]?.stringValue?.contains("offline assistant") == true)
        #expect(reply.json?["conversation_locked"] == false)
        let missing = try server.send("POST", "/api/conversations/2/project-draft/chat/stream",
                                      headers: ["X-API-Key": key, "Content-Type": "application/json", "Accept": "text/event-stream"],
                                      body: #"{"message": "hi"}"#)
        #expect(missing.status == 404, "refused before any event: a status code, \(missing.text)")
    }

    @Test func aClientThatHangsUpLeavesTheTurnSaved() throws {
        let server = try NginxServer(mode: .direct, environment: Self.environment)
        let key = try server.createKey()
        try Self.seed(server.databasePath)
        let client = try StreamingHTTPClient(port: server.port, method: "POST", path: "/api/conversations/1/project-draft/chat/stream",
                                             headers: ["X-API-Key": key, "Content-Type": "application/json", "Accept": "text/event-stream"],
                                             body: Array(#"{"message": "rename it to Gone but saved"}"#.utf8))
        #expect(client.read(until: "analyzing_request"))
        client.hangUp()
        #expect(Eventually.holds { (try? Self.draftTitle(server.databasePath)) == "Gone but saved" })
        #expect(Eventually.holds {
            let reply = try? server.send("GET", "/api/conversations/1/project-draft/chat", headers: ["X-API-Key": key])
            return reply?.json?["total"] == 2
        })
    }
}
