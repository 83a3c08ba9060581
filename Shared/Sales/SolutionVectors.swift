import Core
import FoundationEssentials
import Providers
import Retrieval
import Store

/// The catalogue's vectors in `retrieval_vectors` (collection `sales.solutions`): embeds the
/// solutions whose vector is missing, of another model, or of changed text, in batches, and
/// tells whether the stored vectors are of another model (then a job re-embeds them and search
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

        package var missing: Int { max(0, solutions - current) }
    }

    package func state() throws -> State {
        let counts = try index.countsByModel()
        let solutions = try SolutionStore(database: database).count()
        let current = counts[embedder.model] ?? 0
        return State(current: current, otherModels: counts.values.reduce(0, +) - current, solutions: solutions)
    }

    /// Embeds what is stale (optionally only `ids`); returns how many vectors were written.
    @discardableResult
    package func sync(ids: Set<Int>? = nil, deadline: Deadline, now: Date, batchSize: Int = 64) async throws -> Int {
        var items = try SolutionStore(database: database).embeddingItems()
        if let ids { items = items.filter { ids.contains($0.id) } }
        let stale = try index.stale(items, model: embedder.model)
        var written = 0
        var start = 0
        while start < stale.count {
            let batch = Array(stale[start..<min(start + batchSize, stale.count)])
            let vectors = try await embedder.embed(batch.map(\.text), deadline: deadline)
            guard vectors.count == batch.count else { throw BundleError(.upstreamFailed, "the embedder returned \(vectors.count) vectors for \(batch.count) texts") }
            try index.store(Array(zip(batch, vectors)).map { (item: $0.0, vector: $0.1) }, model: embedder.model, now: now)
            written += batch.count
            start += batch.count
        }
        return written
    }
}
