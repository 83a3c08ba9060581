import Core
import FoundationEssentials
import Providers
import Retrieval
import Store

/// The catalogue's vectors in `retrieval_vectors` (collection `sales.solutions`): embeds the
/// solutions whose vector is missing, of another model, or of changed text, in batches, and
/// tells how many are stale (missing or of changed text) and whether the stored vectors are of another model (then a job re-embeds them and search
/// answers from full text meanwhile, rather than compare vectors of two spaces).
package struct SolutionVectors: Sendable {
    package static let collection = "sales.solutions"
    /// More missing vectors than this are left to the `reembed-solutions` job instead of a request.
    package static let inlineLimit = 256

    package let database: any Database
    package let embedder: any Embedder

    package init(database: any Database, embedder: any Embedder) {
        self.database = database
        self.embedder = embedder
    }

    package var index: VectorIndex { VectorIndex(database: database, collection: Self.collection) }

    /// The state search decides by.
    package struct State: Sendable, Equatable {
        /// Vectors of the current model.
        package var current: Int
        /// Vectors of other models (a model change not yet re-embedded).
        package var otherModels: Int
        package var solutions: Int
        /// Vectors of the current model made from text the solution no longer has (a reload
        /// whose embedding failed, say).
        package var changed: Int = 0

        package var missing: Int { max(0, solutions - current) }
        /// What search embeds before answering (or leaves to the job when there are many).
        package var stale: Int { missing + changed }
    }

    package func state() throws -> State {
        let counts = try index.countsByModel()
        let current = counts[embedder.model] ?? 0
        // Rows whose vector was made from other text than they now hold, through the partial
        // index on exactly this condition (rows without the hashes are not judged here).
        let (solutions, changed) = try database.read { sql in
            (try sql.queryOne("SELECT COUNT(*) AS n FROM sales_solutions")?.int("n") ?? 0,
             try sql.queryOne("SELECT COUNT(*) AS n FROM sales_solutions WHERE embedded_hash <> search_hash")?.int("n") ?? 0)
        }
        return State(current: current, otherModels: counts.values.reduce(0, +) - current, solutions: solutions, changed: changed)
    }

    /// What one sync did: the solutions it embedded and, when the embedder failed part way, the
    /// ones still waiting and why (the vectors written before the failure are kept).
    package struct SyncReport: Sendable {
        package var embedded: [Int] = []
        package var pending: [Int] = []
        package var failure: BundleError?
    }

    /// Embeds what is stale (optionally only `ids`); returns how many vectors were written, or
    /// throws the embedder's error.
    @discardableResult
    package func sync(ids: Set<Int>? = nil, deadline: Deadline, now: Date, batchSize: Int = 64) async throws -> Int {
        let report = try await syncReport(ids: ids, deadline: deadline, now: now, batchSize: batchSize)
        if let failure = report.failure { throw failure }
        return report.embedded.count
    }

    /// The same, telling what was and was not embedded when the embedder fails instead of
    /// throwing (storage errors still throw).
    package func syncReport(ids: Set<Int>? = nil, deadline: Deadline, now: Date, batchSize: Int = 64) async throws -> SyncReport {
        var items = try SolutionStore(database: database).embeddingItems()
        if let ids { items = items.filter { ids.contains($0.id) } }
        let stale = try index.stale(items, model: embedder.model)
        var report = SyncReport()
        var start = 0
        while start < stale.count {
            let batch = Array(stale[start..<min(start + batchSize, stale.count)])
            let vectors: [[Float]]
            do {
                vectors = try await embedder.embed(batch.map(\.text), deadline: deadline)
                guard vectors.count == batch.count else { throw BundleError(.upstreamFailed, "the embedder returned \(vectors.count) vectors for \(batch.count) texts") }
            } catch {
                report.pending = stale[start...].map(\.id)
                report.failure = BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the embedder failed"))
                return report
            }
            try database.write { sql in
                try index.store(Array(zip(batch, vectors)).map { (item: $0.0, vector: $0.1) }, model: embedder.model, now: now, in: sql)
                for item in batch {
                    try sql.execute("UPDATE sales_solutions SET embedded_hash = ? WHERE id = ?", VectorIndex.contentHash(item.text), item.id)
                }
            }
            report.embedded += batch.map(\.id)
            start += batch.count
        }
        return report
    }
}
