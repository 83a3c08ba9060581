import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing
import Workspace

/// Chat search end to end: `search-chats` and `reembed-chats` piped with their fixtures over
/// conversations stored in the binaries' database, and one search through nginx + fcgiwrap.
@Suite(.serialized) struct ChatSearchBinariesTests {
    static func seed(_ path: String) throws {
        let store = ConversationStore(database: try TestDatabase.open(path, migrations: Catalog.migrations))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try store.save(ImportedConversation(source: .chatgpt, sourceID: "c-1", url: "https://chatgpt.com/share/c-1", title: "Lisbon trip", messages: [
            ImportedMessage(role: "user", content: "Plan four days in Lisbon in May."),
            ImportedMessage(role: "assistant", content: "Day one: Alfama and the <b>castle</b>."),
        ]), importedBy: nil, now: now)
        _ = try store.save(ImportedConversation(source: .claude, sourceID: "c-2", title: "Packing list", messages: [
            ImportedMessage(role: "user", content: "What should I pack for a trip to Lisbon?"),
        ]), importedBy: nil, now: now)
    }

    @Test func searchAndReembedFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
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
        let empty = try run("search-chats", try Fixtures.text("search-chats/lisbon.json"))
        #expect(empty["total"] == 0)
        try Self.seed(directory.file("var/bundle.sqlite"))
        let words = try run("search-chats", try Fixtures.text("search-chats/lisbon.json"))
        #expect(words["total"] == 2)
        #expect(words["vectors"]?["status"] == "none", "nothing embedded yet: ranked by words")
        #expect(words["results"]?.arrayValue?.dropFirst(0).first?["conversation"]?["title"] == "Lisbon trip")
        #expect(words["results"]?.arrayValue?.dropFirst(0).first?["level"] == "title")
        let reembedded = try run("reembed-chats", try Fixtures.text("reembed-chats/empty.json"))
        #expect(reembedded["queued"] == false && reembedded["embedded"] == 2)
        let hybrid = try run("search-chats", try Fixtures.text("search-chats/lisbon.json"))
        #expect(hybrid["vectors"]?["status"] == "complete")
        #expect(hybrid["results"]?.arrayValue?.dropFirst(1).first?["conversation"]?["title"] == "Packing list")
        #expect(hybrid["results"]?.arrayValue?.dropFirst(1).first?["scores"]?["fused"]?.doubleValue != nil)
        let url = try run("search-chats", #"{"q": "https://www.chatgpt.com/share/c-1/"}"#)
        #expect(url["results"]?.arrayValue?.dropFirst(0).first?["level"] == "url")
        let bad = try run("search-chats", #"{"q": "x", "limit": 500}"#, exit: 65)
        #expect(bad["error"]?["code"] == "validation_failed")
    }

    @Test func searchThroughNginx() throws {
        let server = try NginxServer(mode: .direct)
        let key = try server.createKey()
        try Self.seed(server.databasePath)
        let found = try server.send("GET", "/api/search?q=castle&limit=3", headers: ["X-API-Key": key])
        #expect(found.status == 200, "\(found.text)")
        #expect(found.json?["results"]?.arrayValue?.dropFirst(0).first?["conversation"]?["title"] == "Lisbon trip")
        #expect(found.json?["results"]?.arrayValue?.dropFirst(0).first?["snippet_html"]?.stringValue?.contains("&lt;b&gt;<mark>castle</mark>&lt;/b&gt;") == true)
        let queued = try server.send("POST", "/api/conversations/reembed", headers: ["X-API-Key": key, "Content-Type": "application/json"], body: "{}")
        #expect(queued.status == 202, "\(queued.text)")
        #expect(queued.json?["queued"] == true)
        let missing = try server.send("GET", "/api/search", headers: ["X-API-Key": key])
        #expect(missing.status == 422)
    }
}
