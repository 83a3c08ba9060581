import Core
import Foundation
import Retrieval
import Store
import Testing
import Workspace

/// A chunk's vector always describes the text the chunk holds: a re-import gets new chunk ids and
/// drops the old vectors, a vector of other text counts as missing, and a row rewritten while the
/// embedder ran gets no vector of its old text.
extension ConversationStoreTests {
    func vectors(embed: @escaping @Sendable ([String], Deadline) async throws -> [[Float]] = { texts, _ in texts.map { _ in [1, 0] } }) -> MissingVectors {
        MissingVectors(database: harness.database, collection: ConversationStore.vectorCollection, table: "workspace_chunks", columns: ["text"],
                       text: { try $0.string("text") }, model: "fake-1", embed: embed)
    }

    func chunkText(_ id: Int) throws -> String? {
        try harness.database.read { try $0.queryOne("SELECT text FROM workspace_chunks WHERE id = ?", id)?.string("text") }
    }

    @Test func aReimportGetsNewChunkIDsAndDropsTheOldVectors() async throws {
        let first = try store.save(chat(), importedBy: nil, now: Date(timeIntervalSince1970: 0))
        let report = try await vectors().sync(deadline: Deadline(seconds: 5), now: Date(timeIntervalSince1970: 1))
        #expect(report.embedded == first.chunkIDs.count && report.failure == nil)
        let changed = try store.save(chat(answer: "Try Madeira."), importedBy: nil, now: Date(timeIntervalSince1970: 2))
        #expect(changed.outcome == .updated)
        #expect(Set(changed.chunkIDs).isDisjoint(with: first.chunkIDs), "chunk ids are never reused")
        #expect(try harness.count("retrieval_vectors") == 0, "the chunks' delete trigger removed the old vectors")
    }

    @Test func aVectorOfOtherTextCountsAsMissing() throws {
        let saved = try store.save(chat(), importedBy: nil, now: Date(timeIntervalSince1970: 0))
        let index = VectorIndex(database: harness.database, collection: ConversationStore.vectorCollection)
        try index.store(saved.chunkIDs.map { (item: VectorIndex.Item(id: $0, text: "an older text"), vector: [1, 0]) }, model: "fake-1",
                        now: Date(timeIntervalSince1970: 1))
        #expect(try vectors().missing().map(\.id) == saved.chunkIDs)
        #expect(try vectors().missingCount(ids: saved.chunkIDs) == saved.chunkIDs.count)
        try index.store(try saved.chunkIDs.map { (item: VectorIndex.Item(id: $0, text: try #require(try chunkText($0))), vector: [1, 0]) },
                        model: "fake-1", now: Date(timeIntervalSince1970: 2))
        #expect(try vectors().missing().isEmpty)
    }

    @Test func aRowRewrittenWhileTheEmbedderRanGetsNoVectorOfItsOldText() async throws {
        let saved = try store.save(chat(), importedBy: nil, now: Date(timeIntervalSince1970: 0))
        let id = try #require(saved.chunkIDs.first)
        let database = harness.database
        let rewriting = vectors { texts, _ in
            _ = try database.write { try $0.execute("UPDATE workspace_chunks SET text = 'rewritten' WHERE id = ?", id) }
            return texts.map { _ in [1, 0] }
        }
        let report = try await rewriting.sync(ids: [id], deadline: Deadline(seconds: 5), now: Date(timeIntervalSince1970: 1))
        #expect(report.embedded == 0)
        #expect(try harness.count("retrieval_vectors") == 0)
        let again = try await vectors().sync(ids: [id], deadline: Deadline(seconds: 5), now: Date(timeIntervalSince1970: 2))
        #expect(again.embedded == 1)
        let hash = try harness.database.read { try $0.queryOne("SELECT content_hash FROM retrieval_vectors WHERE item_id = ?", id)?.string("content_hash") }
        #expect(hash == VectorIndex.contentHash("rewritten"))
    }

    @Test(arguments: ["Über", "über", "uber", "UBER", "berl", "Über Berlin"])
    func aNonASCIITitleIsFoundInAnyCaseAndWithoutDiacritics(query: String) throws {
        _ = try store.save(chat(title: "Über Berlin"), importedBy: nil, now: Date(timeIntervalSince1970: 0))
        _ = try store.save(chat(id: "c-2", title: "Lisbon in May"), importedBy: nil, now: Date(timeIntervalSince1970: 1))
        let found = try store.list(ConversationStore.ListFilter(query: query), limit: 10, offset: 0)
        #expect(found.total == 1 && found.conversations.map(\.title) == ["Über Berlin"])
    }
}
