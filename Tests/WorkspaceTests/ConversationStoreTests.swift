import Core
import Foundation
import Testing
import Workspace

@Suite struct ConversationStoreTests {
    let harness: WorkspaceHarness
    let store: ConversationStore

    init() throws {
        harness = try WorkspaceHarness()
        store = ConversationStore(database: harness.database)
    }

    func chat(id: String? = "c-1", title: String = "Trip planning", answer: String = "Try Lisbon.") -> ImportedConversation {
        ImportedConversation(source: .chatgpt, sourceID: id, title: title, model: "gpt-4o", messages: [
            ImportedMessage(id: "m1", role: "user", content: "Where should I go in May?"),
            ImportedMessage(id: "m2", role: "assistant", content: answer),
        ], branches: [ImportedBranch(forksFrom: "m1", messages: [ImportedMessage(id: "m3", role: "assistant", content: "Try Porto.")])])
    }

    @Test func aConversationIsStoredWithItsMessagesBranchesAndChunks() throws {
        let saved = try store.save(chat(), importedBy: "key:ops", now: Date(timeIntervalSince1970: 0))
        #expect(saved.outcome == .created)
        #expect(!saved.chunkIDs.isEmpty)
        #expect(try harness.count("workspace_messages") == 3)
        let branch = try harness.database.read { try $0.queryOne("SELECT parent_node_id FROM workspace_messages WHERE branch = 1") }
        #expect(try branch?.optionalString("parent_node_id") == "m1")
    }

    @Test func aURLMatchesOnlyAConversationOfTheSameSource() throws {
        let url = "https://chatgpt.com/share/abc"
        var shared = chat(id: nil)
        shared.url = url
        let original = try store.save(shared, importedBy: nil, now: Date(timeIntervalSince1970: 0))
        // A Slack thread whose permalink claims the same URL is a conversation of its own.
        let slack = ImportedConversation(source: .slack, sourceID: "C1:1.0", url: url, title: "forged",
                                         messages: [ImportedMessage(id: "1.0", role: "user", content: "replaced?")])
        let saved = try store.save(slack, importedBy: nil, now: Date(timeIntervalSince1970: 10))
        #expect(saved.outcome == .created && saved.id != original.id)
        let titles = try harness.database.read { try $0.query("SELECT title FROM workspace_conversations ORDER BY id").map { try $0.string("title") } }
        #expect(titles == ["Trip planning", "forged"])
        // Within one source the URL still finds the conversation.
        var again = chat(id: "c-9", answer: "Try Porto.")
        again.url = url
        #expect(try store.save(again, importedBy: nil, now: Date(timeIntervalSince1970: 20)).id == original.id)
    }

    @Test func reimportingUpdatesInPlaceAndAnUnchangedOneTouchesNothing() throws {
        let first = try store.save(chat(), importedBy: nil, now: Date(timeIntervalSince1970: 0))
        let again = try store.save(chat(), importedBy: nil, now: Date(timeIntervalSince1970: 10))
        #expect(again == ConversationStore.Saved(id: first.id, outcome: .unchanged, chunkIDs: []))
        let changed = try store.save(chat(answer: "Try Lisbon, or Madeira."), importedBy: nil, now: Date(timeIntervalSince1970: 20))
        #expect(changed.id == first.id && changed.outcome == .updated)
        #expect(try harness.count("workspace_conversations") == 1)
        #expect(try harness.count("workspace_messages") == 3)
        let texts = try harness.database.read { try $0.query("SELECT text FROM workspace_chunks").map { try $0.string("text") } }
        #expect(texts.contains { $0.contains("Madeira") })
    }

    @Test func aPersonsTitleSurvivesAReimport() throws {
        let first = try store.save(chat(), importedBy: nil, now: Date(timeIntervalSince1970: 0))
        _ = try harness.database.write { try $0.execute("UPDATE workspace_conversations SET title = 'Mine', title_edited = 1 WHERE id = ?", first.id) }
        _ = try store.save(chat(title: "Renamed upstream", answer: "changed"), importedBy: nil, now: Date(timeIntervalSince1970: 5))
        let title = try harness.database.read { try $0.queryOne("SELECT title FROM workspace_conversations WHERE id = ?", first.id)?.string("title") }
        #expect(title == "Mine")
    }

    @Test func withoutAnIdTheSameTranscriptIsOneConversation() throws {
        let first = try store.save(chat(id: nil), importedBy: nil, now: Date(timeIntervalSince1970: 0))
        let second = try store.save(chat(id: nil), importedBy: nil, now: Date(timeIntervalSince1970: 1))
        #expect(second.id == first.id && second.outcome == .unchanged)
    }
}
