import Core
import FoundationEssentials
import Retrieval
import Store
import TestSupport
import Testing

/// The generic retrieval pieces over a small test collection: documents in a table of their own
/// with an FTS5 index, vectors in `retrieval_vectors`.
@Suite struct RetrievalTests {
    static let documents = Migration("test.documents", """
        CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL, kind TEXT NOT NULL);
        CREATE VIRTUAL TABLE docs_fts USING fts5(title, body, content = 'docs', content_rowid = 'id', tokenize = 'porter unicode61');
        CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN INSERT INTO docs_fts (rowid, title, body) VALUES (new.id, new.title, new.body); END;
        """)

    let directory: TemporaryDirectory
    let database: SQLiteDatabase
    let index: VectorIndex

    init() throws {
        directory = try TemporaryDirectory()
        database = try SQLiteDatabase(path: directory.file("bundle.sqlite"), migrations: RetrievalSchema.migrations + [Self.documents])
        index = VectorIndex(database: database, collection: "test.docs")
        try database.write { sql in
            for (id, title, body, kind) in [
                (1, "Managed databases", "Relational databases with automated backups", "data"),
                (2, "Object storage", "Store any amount of files durably", "data"),
                (3, "Speech synthesis", "Turns text into lifelike voices", "ml"),
                (4, "Queues", "Decouple services with message queues", "integration"),
            ] {
                try sql.execute("INSERT INTO docs (id, title, body, kind) VALUES (?, ?, ?, ?)", id, title, body, kind)
            }
        }
    }

    static func axis(_ index: Int, _ count: Int = 8, scale: Float = 1) -> [Float] {
        var vector = [Float](repeating: 0, count: count)
        vector[index] = scale
        return vector
    }

    func storeAxes(model: String = "m1") throws {
        try index.store((1...4).map { (VectorIndex.Item(id: $0, text: "doc \($0)"), Self.axis($0, scale: 3)) }, model: model, now: Date())
    }

    @Test func fullTextAloneRanksByBM25() throws {
        let search = FullTextSearch(table: "docs_fts")
        let hits = try database.read { try search.search($0, text: "database backups", limit: 10) }
        #expect(hits.map(\.id) == [1])
        #expect(hits[0].bm25 > 0)
        // Porter stemming: "queue" finds "Queues".
        #expect(try database.read { try search.search($0, text: "queue", limit: 10) }.map(\.id) == [4])
    }

    @Test(arguments: ["\"", "AND", "NOT OR (", "title:x", "*", "NEAR(a b)", "\u{0}", "'; DROP TABLE docs; --", String(repeating: "(", count: 10_000), "😀 \"unclosed"])
    func hostileQueriesNeverBreakFullText(text: String) throws {
        let search = FullTextSearch(table: "docs_fts")
        _ = try database.read { try search.search($0, text: text, limit: 10) }
        if let match = FullTextSearch.matchExpression(text) {
            #expect(match.split(separator: " OR ").allSatisfy { $0.hasPrefix("\"") && $0.hasSuffix("\"") })
        }
    }

    @Test func matchExpressionsAreBounded() {
        let many = (0..<500).map { "word\($0)" }.joined(separator: " ") + " " + String(repeating: "x", count: 5_000)
        let match = try! #require(FullTextSearch.matchExpression(many))
        #expect(match.split(separator: " OR ").count == FullTextSearch.maximumTerms)
        #expect(FullTextSearch.matchExpression("  ,;!? ") == nil)
        #expect(FullTextSearch.matchExpression("Data data DATA") == "\"data\"")
    }

    @Test func vectorsAloneFindTheNearestOfTheCurrentModel() throws {
        try storeAxes()
        var query = Self.axis(3)
        query[2] = 0.5
        let hits = try index.search(query, model: "m1", limit: 2)
        #expect(hits.map(\.id) == [3, 2])
        #expect(abs(hits[0].similarity - Double(1 / (1.25 as Float).squareRoot())) < 1e-5)
        // Another model's space is never searched.
        #expect(try index.search(query, model: "m2", limit: 2).isEmpty)
        #expect(try index.countsByModel() == ["m1": 4])
    }

    @Test func vectorsAreStoredNormalisedAsLittleEndianFloat32() throws {
        try storeAxes()
        let blob = try database.read { try $0.queryOne("SELECT vector, dimensions FROM retrieval_vectors WHERE item_id = 2") }
        guard case .blob(let bytes)? = blob?.values.first else { Issue.record("no blob"); return }
        #expect(bytes.count == 32)
        #expect(bytes.withUnsafeBytes { VectorMath.vector($0) } == Self.axis(2))
        #expect(try blob?.int("dimensions") == 8)
    }

    @Test func filtersApplyBeforeRanking() throws {
        try storeAxes()
        let filter = SQLFilter("item_id IN (SELECT id FROM docs WHERE kind = ?)", ["data"])
        let hits = try index.search(Self.axis(3), model: "m1", filter: filter, limit: 10)
        #expect(Set(hits.map(\.id)) == [1, 2])
        let text = try database.read { sql in
            try FullTextSearch(table: "docs_fts").search(sql, text: "services voices files", filter: SQLFilter("rowid IN (SELECT id FROM docs WHERE kind <> ?)", ["ml"]), limit: 10)
        }
        #expect(Set(text.map(\.id)) == [2, 4])
    }

    @Test func staleItemsAreMissingChangedOrOfAnotherModel() throws {
        try storeAxes()
        let items = (1...5).map { VectorIndex.Item(id: $0, text: $0 == 2 ? "changed" : "doc \($0)") }
        #expect(try index.stale(items, model: "m1").map(\.id) == [2, 5])
        #expect(try index.stale(items, model: "m2").map(\.id) == [1, 2, 3, 4, 5])
        try index.store([(items[1], Self.axis(5))], model: "m1", now: Date())
        #expect(try index.stale(items, model: "m1").map(\.id) == [5])
        try index.remove([1])
        #expect(try index.countsByModel() == ["m1": 3])
    }

    @Test func fusionReportsEachListsRankAndScore() {
        let fused = RankFusion.fuse([
            .init(name: "full_text", hits: [(1, 9.5), (2, 4.0)]),
            .init(name: "vector", hits: [(3, 0.9), (1, 0.8)]),
        ])
        #expect(fused.map(\.id) == [1, 3, 2])
        #expect(abs(fused[0].score - (1 / 61.0 + 1 / 62.0)) < 1e-12)
        #expect(fused[0].foundBy == [.init(list: "full_text", rank: 1, score: 9.5), .init(list: "vector", rank: 2, score: 0.8)])
        #expect(fused[1].foundBy.map(\.list) == ["vector"])
        // Ties (3 and 2 are both rank 1 and 2 of one list) go by best rank: 3 (rank 1) before 2 (rank 2).
        let weighted = RankFusion.fuse([.init(name: "full_text", weight: 0, hits: [(1, 1)]), .init(name: "vector", weight: 2, hits: [(2, 1)])])
        #expect(weighted.map(\.id) == [2, 1])
        #expect(weighted[1].score == 0)
    }

    @Test func theScanAgreesWithAPlainDotProduct() throws {
        var generator = SeededGenerator(seed: 7)
        let items = (1...300).map { VectorIndex.Item(id: $0, text: "\($0)") }
        let vectors = items.map { _ in UnitVector.normalized((0..<384).map { _ in Float.random(in: -1...1, using: &generator) }) }
        try index.store(Array(zip(items, vectors)).map { (item: $0.0, vector: $0.1) }, model: "big", now: Date())
        let query = UnitVector.normalized((0..<384).map { _ in Float.random(in: -1...1, using: &generator) })
        let expected = vectors.enumerated().map { ($0.offset + 1, zip($0.element, query).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
            .sorted { $0.1 > $1.1 }.prefix(5)
        let hits = try index.search(query, model: "big", limit: 5)
        #expect(hits.map(\.id) == expected.map(\.0))
        for (hit, want) in zip(hits, expected) { #expect(abs(hit.similarity - Double(want.1)) < 1e-4) }
    }
}

/// A small deterministic generator (SplitMix64) for reproducible test vectors.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
