import Core
import Foundation
import Store
import Testing
import Workspace

/// list-chats, get-chat, update-chat and delete-chat over a temporary database.
@Suite struct ChatConversationHandlerTests {
    let harness: WorkspaceHarness
    let store: ConversationStore

    init() throws {
        harness = try WorkspaceHarness()
        store = ConversationStore(database: harness.database)
    }

    func chat(_ id: String, title: String, source: ChatSource = .chatgpt) -> ImportedConversation {
        ImportedConversation(source: source, sourceID: id, title: title, model: "gpt-4o",
                             createdAt: Date(timeIntervalSince1970: 1_700_000_000), messages: [
            ImportedMessage(id: "\(id)-m1", role: "user", content: "Where should I go in May?", createdAt: Date(timeIntervalSince1970: 1_700_000_000)),
            ImportedMessage(id: "\(id)-m2", role: "assistant", content: "Try Lisbon.", blocks: [MessageBlock(type: "thinking", text: "warm places")],
                            model: "gpt-4o", attachments: ["map.png"], partial: true),
        ], branches: [ImportedBranch(forksFrom: "\(id)-m1", messages: [ImportedMessage(id: "\(id)-m3", role: "assistant", content: "Try Porto.")])])
    }

    @discardableResult
    func save(_ conversation: ImportedConversation, at seconds: Double) throws -> Int {
        try store.save(conversation, importedBy: nil, now: Date(timeIntervalSince1970: seconds)).id
    }

    @Test func theListIsNewestImportFirstPagedAndFilteredByTitleAndSource() async throws {
        try save(chat("a", title: "Trip planning"), at: 100)
        try save(chat("b", title: "100% done: taxes"), at: 200)
        try save(chat("c", title: "Trip budget", source: .claude), at: 300)
        let all = try await harness.call(ListChatsHandler(), [:])
        #expect(all["conversations"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["Trip budget", "100% done: taxes", "Trip planning"])
        #expect(all["total"] == 3)
        let page = try await harness.call(ListChatsHandler(), ["limit": 1, "offset": 1])
        #expect(page["conversations"]?.arrayValue?.first?["title"] == "100% done: taxes")
        #expect(page["total"] == 3)
        let trips = try await harness.call(ListChatsHandler(), ["q": "TRIP"])
        #expect(trips["total"] == 2)
        // `%` matches itself only, so "0%" finds the one title that has it.
        let percent = try await harness.call(ListChatsHandler(), ["q": "0%"])
        #expect(percent["conversations"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["100% done: taxes"])
        let underscore = try await harness.call(ListChatsHandler(), ["q": "_"])
        #expect(underscore["total"] == 0)
        let claude = try await harness.call(ListChatsHandler(), ["source": "claude"])
        #expect(claude["conversations"]?.arrayValue?.compactMap { $0["source"]?.stringValue } == ["claude"])
        let first = try #require(all["conversations"]?.arrayValue?.first)
        #expect(first["import_date"] == "1970-01-01T00:05:00Z")
        #expect(first["created_at"] == "2023-11-14T22:13:20Z")
        #expect(first["message_count"] == 2 && first["branch_count"] == 1 && first["is_locked"] == false)
    }

    @Test func aConversationComesWithItsMessagesInOrderAndItsBranchesOnRequest() async throws {
        let id = try save(chat("a", title: "Trip planning"), at: 100)
        let answer = try await harness.call(GetChatHandler(), ["id": .number(Double(id))])
        let messages = try #require(answer["messages"]?.arrayValue)
        #expect(messages.compactMap { $0["role"]?.stringValue } == ["user", "assistant"])
        #expect(messages[0]["created_at"] == "2023-11-14T22:13:20Z")
        #expect(messages[1]["blocks"]?.arrayValue?.first?["text"] == "warm places")
        #expect(messages[1]["attachments"] == ["map.png"] && messages[1]["partial"] == true && messages[1]["model"] == "gpt-4o")
        #expect(answer["imported_chat"] == [["role": "user", "content": "Where should I go in May?"], ["role": "assistant", "content": "Try Lisbon."]])
        #expect(answer["branches"] == nil)
        #expect(answer["title"] == "Trip planning")
        let withBranches = try await harness.call(GetChatHandler(), ["id": .number(Double(id)), "include_branches": true])
        let branch = try #require(withBranches["branches"]?.arrayValue?.first)
        #expect(branch["forks_from"] == "a-m1")
        #expect(branch["messages"]?.arrayValue?.first?["content"] == "Try Porto.")
        let missing = await harness.error { _ = try await harness.call(GetChatHandler(), ["id": 999]) }
        #expect(missing?.code == .notFound)
    }

    @Test func aTitleIsTrimmedCheckedAndKeptAcrossReimports() async throws {
        let id = try save(chat("a", title: "Trip planning"), at: 100)
        let renamed = try await harness.call(UpdateChatHandler(), ["id": .number(Double(id)), "title": "  Lisbon in May  "])
        #expect(renamed["title"] == "Lisbon in May" && renamed["title_edited"] == true)
        #expect(renamed["updated_at"] == .string(WorkspaceHarness.now))
        let blank = await harness.error { _ = try await harness.call(UpdateChatHandler(), ["id": .number(Double(id)), "title": "   "]) }
        #expect(blank?.code == .validationFailed && blank?.details?.first?.field == "title")
        let long = await harness.error {
            _ = try await harness.call(UpdateChatHandler(), ["id": .number(Double(id)), "title": .string(String(repeating: "x", count: 301))])
        }
        #expect(long?.code == .validationFailed)
        let missing = await harness.error { _ = try await harness.call(UpdateChatHandler(), ["id": 999, "title": "x"]) }
        #expect(missing?.code == .notFound)
        var changed = chat("a", title: "Upstream title")
        changed.messages[1].content = "Try Lisbon or Madeira."
        try save(changed, at: 500)
        let after = try await harness.call(GetChatHandler(), ["id": .number(Double(id))])
        #expect(after["title"] == "Lisbon in May")
    }

    @Test func deletingRemovesEverythingDerivedAndOnlyThatConversation() async throws {
        let id = try save(chat("a", title: "Trip planning"), at: 100)
        let other = try save(chat("b", title: "Taxes"), at: 200)
        let chunks = try harness.database.read { try $0.query("SELECT id, conversation_id FROM workspace_chunks").map { (try $0.int("id"), try $0.int("conversation_id")) } }
        try harness.database.write { sql in
            for (chunk, _) in chunks {
                try sql.execute("""
                    INSERT INTO retrieval_vectors (collection, item_id, model, dimensions, vector, content_hash, updated_at)
                    VALUES (?, ?, 'm', 1, ?, 'h', '2026-01-01T00:00:00Z')
                    """, [ConversationStore.vectorCollection, chunk, SQLValue.blob([0, 0, 0, 0])])
            }
        }
        let answer = try await harness.call(DeleteChatHandler(), ["id": .number(Double(id))])
        #expect(answer == ["deleted": true, "id": .number(Double(id))])
        #expect(try harness.count("workspace_conversations") == 1)
        let left = try harness.database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM workspace_messages WHERE conversation_id = ?", id)?.int("n") }
        #expect(left == 0)
        let ownChunks = chunks.filter { $0.1 == id }.count
        #expect(try harness.count("workspace_chunks") == chunks.count - ownChunks)
        #expect(try harness.count("retrieval_vectors") == chunks.count - ownChunks)
        let again = await harness.error { _ = try await harness.call(DeleteChatHandler(), ["id": .number(Double(id))]) }
        #expect(again?.code == .notFound)
        _ = try await harness.call(GetChatHandler(), ["id": .number(Double(other))])
    }
}
