import Core
import FoundationEssentials
import Providers
import Retrieval
import Store

/// The communication chunks' vectors in `retrieval_vectors` (collection
/// `sales.communication_chunks`, item = chunk id). Chunks are written first (searchable by
/// words at once); this embeds the ones with no vector of the current model, in batches, each
/// batch stored in its own transaction, so a failure part way keeps what was done and a retry
/// (the `reembed-communications` job) picks up exactly what is missing. Storing is an upsert,
/// so two runs at once only repeat work.
package struct CommunicationVectors: Sendable {
    package static let collection = "sales.communication_chunks"
    /// More missing chunks than this are left to the job instead of the request.
    package static let inlineLimit = 512

    package let database: any Database
    package let embedder: any Embedder

    package init(database: any Database, embedder: any Embedder) {
        self.database = database
        self.embedder = embedder
    }

    package var index: VectorIndex { VectorIndex(database: database, collection: Self.collection) }

    /// Chunks with no vector of the current model (optionally only `ids`), oldest first.
    package func missing(ids: [Int]? = nil) throws -> [VectorIndex.Item] {
        let base = """
            SELECT c.id, c.subject, c.text FROM sales_communication_chunks c
            WHERE NOT EXISTS (SELECT 1 FROM retrieval_vectors v WHERE v.collection = ? AND v.item_id = c.id AND v.model = ?)
            """
        // Ids go in as placeholders, a bounded number per statement.
        let groups: [[Int]?] = ids.map { ids in stride(from: 0, to: ids.count, by: 500).map { Array(ids[$0..<min($0 + 500, ids.count)]) } } ?? [nil]
        return try database.read { sql in
            var items: [VectorIndex.Item] = []
            for group in groups {
                var statement = base
                var arguments: [any SQLBindable] = [Self.collection, embedder.model]
                if let group {
                    statement += " AND c.id IN (" + Array(repeating: "?", count: group.count).joined(separator: ", ") + ")"
                    arguments += group.map { $0 as any SQLBindable }
                }
                items += try sql.query(statement + " ORDER BY c.id", arguments).map { row in
                    VectorIndex.Item(id: try row.int("id"), text: Self.embeddingText(subject: try row.string("subject"), text: try row.string("text")))
                }
            }
            return items
        }
    }

    /// How many chunks (optionally only of `ids`) have no vector of the current model.
    package func missingCount(ids: [Int]? = nil) throws -> Int {
        let base = """
            SELECT COUNT(*) AS n FROM sales_communication_chunks c
            WHERE NOT EXISTS (SELECT 1 FROM retrieval_vectors v WHERE v.collection = ? AND v.item_id = c.id AND v.model = ?)
            """
        guard let ids else { return try database.read { try $0.queryOne(base, Self.collection, embedder.model)?.int("n") ?? 0 } }
        return try database.read { sql in
            var count = 0
            for start in stride(from: 0, to: ids.count, by: 500) {
                let group = Array(ids[start..<min(start + 500, ids.count)])
                let statement = base + " AND c.id IN (" + Array(repeating: "?", count: group.count).joined(separator: ", ") + ")"
                count += try sql.queryOne(statement, [Self.collection, embedder.model] + group.map { $0 as any SQLBindable })?.int("n") ?? 0
            }
            return count
        }
    }

    /// Chunks less vectors of the current model: two counts, no per-chunk lookup, cheap enough for
    /// every search to ask (the job then finds exactly which chunks lack one).
    package func missingEstimate() throws -> Int {
        try database.read { sql in
            let chunks = try sql.queryOne("SELECT COUNT(*) AS n FROM sales_communication_chunks")?.int("n") ?? 0
            let vectors = try sql.queryOne("SELECT COUNT(*) AS n FROM retrieval_vectors WHERE collection = ? AND model = ?",
                                           Self.collection, embedder.model)?.int("n") ?? 0
            return max(0, chunks - vectors)
        }
    }

    /// What a chunk's vector is made from: the subject gives a short chunk its topic.
    static func embeddingText(subject: String, text: String) -> String { subject + "\n\n" + text }

    /// What one sync did; `failure` is the embedder's error when it stopped part way.
    package struct Report: Sendable {
        package var embedded = 0
        package var pending = 0
        package var failure: BundleError?
    }

    /// Embeds the missing chunks (optionally only `ids`); embedder failures are reported, not thrown.
    package func sync(ids: [Int]? = nil, deadline: Deadline, now: Date, batchSize: Int = 64) async throws -> Report {
        let items = try missing(ids: ids)
        var report = Report()
        var start = 0
        while start < items.count {
            let batch = Array(items[start..<min(start + batchSize, items.count)])
            let vectors: [[Float]]
            do {
                vectors = try await embedder.embed(batch.map(\.text), deadline: deadline)
                guard vectors.count == batch.count else {
                    throw BundleError(.upstreamFailed, "the embedder returned \(vectors.count) vectors for \(batch.count) texts")
                }
            } catch {
                report.pending = items.count - start
                report.failure = BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the embedder failed"))
                return report
            }
            try index.store(Array(zip(batch, vectors)).map { (item: $0.0, vector: $0.1) }, model: embedder.model, now: now)
            report.embedded += batch.count
            start += batch.count
        }
        return report
    }
}
