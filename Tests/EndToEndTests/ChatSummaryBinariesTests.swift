import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing
import Workspace

/// The summary functions end to end: piped with their fixtures (offline provider, extractive
/// summary), and one summary through nginx + fcgiwrap, over a conversation stored the way an
/// import stores it.
@Suite(.serialized) struct ChatSummaryBinariesTests {
    static func seed(_ path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let database = try TestDatabase.open(path, migrations: Catalog.migrations)
        let chat = ImportedConversation(source: .chatgpt, sourceID: "trip-1", title: "Trip planning", model: "gpt-4o", messages: [
            ImportedMessage(id: "m1", role: "user", content: "Where should I travel in May with a small budget?"),
            ImportedMessage(id: "m2", role: "assistant", content: "Lisbon in May is warm and the crowds are smaller than in summer. Porto is cheaper, and the trains between them are fast."),
        ])
        let store = ConversationStore(database: database)
        #expect(try store.save(chat, importedBy: "test", now: Date(timeIntervalSince1970: 1_800_000_000)).id == 1)
        // Four messages of ~3,000 characters: at least four chunks, more than SUMMARY_INLINE_CHUNKS=2.
        let long = ImportedConversation(source: .claude, sourceID: "budget-1", title: "Budget review", messages: (0..<4).map { index in
            ImportedMessage(id: "b\(index)", role: index % 2 == 0 ? "user" : "assistant", content: (0..<30).map {
                "Point \(index)-\($0): the team reviewed the pricing of plan \(index) and agreed that option \($0 % 7) fits the budget best."
            }.joined(separator: " "))
        })
        #expect(try store.save(long, importedBy: "test", now: Date(timeIntervalSince1970: 1_800_000_000)).id == 2)
    }

    @Test func theSummaryFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        try Self.seed(directory.file("var/bundle.sqlite"))
        let environment = ["DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite")), "BUNDLE_NOW": "2026-12-02T09:00:00Z", "LLM_PROVIDER": "offline"]
        func run(_ name: String, _ stdin: String, exit: Int32 = 0) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: stdin, environment: environment, workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
            if exit == 0, let manifest = Catalog.manifest(named: name) {
                let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
            return json
        }
        let made = try run("summarize-chat", try Fixtures.text("summarize-chat/conversation-1-force.json"))
        #expect(made["status"] == "ready")
        #expect(made["provider"] == "offline")
        // A job's answer (kept in jobs.result) carries no summary text; it is read through get-chat-summary.
        #expect(made["summary"] == .null && made["conversation_id"] == 1)
        let got = try run("get-chat-summary", try Fixtures.text("get-chat-summary/conversation-1.json"))
        #expect(got["summary"]?.stringValue?.contains("Porto is cheaper, and the trains between them are fast.") == true)
        #expect(got["stale"] == false && got["provider"] == "offline")
        #expect(try run("get-chat-summary", try Fixtures.text("get-chat-summary/conversation-1.json")) == got, "the same summary every run")
        let edited = try run("update-chat-summary", try Fixtures.text("update-chat-summary/conversation-1.json"))
        #expect(edited["is_manual_edit"] == true)
        #expect(try run("summarize-chat", try Fixtures.text("summarize-chat/conversation-1-force.json"), exit: 65)["error"]?["code"] == "conflict")
        #expect(try run("get-chat-summary", #"{"id": 1}"#)["summary"] == edited["summary"])
        #expect(try run("get-chat-summary", #"{"id": 999}"#, exit: 66)["error"]?["code"] == "not_found")
        #expect(try run("update-chat-summary", #"{"id": 1, "summary": ""}"#, exit: 65)["error"]?["code"] == "validation_failed")
    }

    @Test func aSummaryThroughNginx() throws {
        let server = try NginxServer(mode: .direct, environment: ["LLM_PROVIDER": "offline", "SUMMARY_INLINE_CHUNKS": "2"])
        let key = try server.createKey()
        try Self.seed(server.databasePath)
        let json = ["X-API-Key": key, "Content-Type": "application/json"]
        let summary = try server.send("GET", "/api/conversations/1/imported_chat_summary", headers: json)
        #expect(summary.status == 200, "\(summary.text)")
        #expect(summary.json?["status"] == "ready")
        #expect(summary.json?["conversation_id"] == 1)
        #expect(summary.json?["_http"] == nil)
        #expect(summary.json?["summary"]?.stringValue?.hasPrefix(ChatSummarizer.offlineLabel) == true)
        let current = try server.send("POST", "/api/conversations/1/summary", headers: json, body: "{}")
        #expect(current.status == 200, "nothing to make: \(current.text)")
        #expect(current.json?["summary"] == summary.json?["summary"])
        let edit = try server.send("PATCH", "/api/conversations/1/summary", headers: json, body: #"{"summary": "Lisbon, then Porto."}"#)
        #expect(edit.status == 200, "\(edit.text)")
        #expect(edit.json?["is_manual_edit"] == true)
        #expect(edit.json?["edited_by"]?.stringValue?.isEmpty == false)
        let queued = try server.send("POST", "/api/conversations/1/summary", headers: json, body: #"{"force": true}"#)
        #expect(queued.status == 409, "\(queued.text)")
        let pending = try server.send("GET", "/api/conversations/2/imported_chat_summary", headers: json)
        #expect(pending.status == 202, "\(pending.text)")
        #expect(pending.json?["status"] == "pending")
        #expect(pending.json?["job_id"]?.intValue != nil)
        #expect(pending.json?["_http"] == nil)
        let again = try server.send("GET", "/api/conversations/2/imported_chat_summary", headers: json)
        #expect(again.status == 202 && again.json?["job_id"] == pending.json?["job_id"], "one job per conversation")
        #expect(try server.send("GET", "/api/conversations/7/imported_chat_summary", headers: json).status == 404)
        #expect(try server.send("GET", "/api/conversations/1/imported_chat_summary", headers: [:]).status == 401)
    }
}
