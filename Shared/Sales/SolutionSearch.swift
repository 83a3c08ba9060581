import Core
import FoundationEssentials
import Providers
import Retrieval
import Store

/// Tier 1 of solution matching: full text (FTS5, BM25) and vectors (exact dot products), each
/// over the solutions that pass the industry and category filters, fused by reciprocal rank.
/// When the stored vectors are of another model (the embeddings model changed) or the query
/// cannot be embedded, it answers from full text alone and says so; `onModelChange` queues the
/// re-embedding job. A hit only the vectors found, with a similarity at or under
/// `minimumSimilarity`, is dropped: every text is somewhat near every other, so without a floor
/// a query about nothing in the catalogue would still get "matches".
package struct SolutionSearch: SolutionMatching {
    package let database: any Database
    package let embedder: any Embedder
    package var fullTextWeight: Double
    package var vectorWeight: Double
    /// The similarity a vector-only hit must exceed (see `defaultMinimumSimilarity`).
    package var minimumSimilarity: Double
    package var logger: Logger?
    package var now: @Sendable () -> Date
    /// Loads the catalogue when the table is empty (first use), before each search.
    package var prepare: (@Sendable () async throws -> Void)?
    /// Queues `reembed-solutions`; returns the job id.
    package var onModelChange: (@Sendable (SolutionVectors.State) throws -> Int)?

    package static let fullTextIndex = FullTextSearch(table: "sales_solutions_fts")

    /// Calibrated on the shipped catalogue: nonsense queries reach about 0.33 with the offline
    /// hashing embedder (short texts collide in its hashed n-grams) and about 0.17 with
    /// all-MiniLM-L6-v2 (whose true matches without a shared word start near 0.25).
    package static func defaultMinimumSimilarity(provider: String) -> Double {
        provider == "offline" ? 0.35 : 0.2
    }

    package init(database: any Database, embedder: any Embedder, fullTextWeight: Double = 1, vectorWeight: Double = 1,
                 minimumSimilarity: Double? = nil, logger: Logger? = nil, now: @escaping @Sendable () -> Date = { Date() }, onModelChange: (@Sendable (SolutionVectors.State) throws -> Int)? = nil) {
        self.database = database
        self.embedder = embedder
        self.fullTextWeight = fullTextWeight
        self.vectorWeight = vectorWeight
        self.minimumSimilarity = minimumSimilarity ?? Self.defaultMinimumSimilarity(provider: embedder.provider)
        self.logger = logger
        self.now = now
        self.onModelChange = onModelChange
    }

    /// An answer with how it was made.
    package struct Result: Sendable {
        package var matches: [SolutionMatch]
        /// `hybrid`, or `full_text` when vectors could not be used.
        package var mode: String
        package var notice: String?
        package var reembedJobID: Int?
    }

    package func match(_ query: SolutionQuery, deadline: Deadline) async throws -> [SolutionMatch] {
        try await search(query, deadline: deadline).matches
    }

    package func search(_ query: SolutionQuery, deadline: Deadline) async throws -> Result {
        try await prepare?()
        let limit = min(max(query.limit, 1), 50)
        let pool = min(max(limit * 5, 50), 200)
        let filter = SolutionStore.Filter(category: query.category, industry: query.industry)
        let vectors = SolutionVectors(database: database, embedder: embedder)
        var notice: String?
        var jobID: Int?
        var queryVector: [Float]?
        let state = try vectors.state()
        if state.otherModels > 0 || state.stale > SolutionVectors.inlineLimit {
            jobID = try onModelChange?(state)
            notice = "the catalogue's vectors are being re-embedded with \(embedder.provider)/\(embedder.model) (\(state.current) of \(state.solutions) done); this answer comes from full-text search alone"
        } else {
            do {
                if state.stale > 0 { try await vectors.sync(deadline: deadline, now: now()) }
                queryVector = try await embedder.embed([query.text], deadline: deadline).first
            } catch {
                let reason = BundleError.converting(error, otherwise: BundleError(.internal, "the embedder failed")).message
                logger?.warning("sales.search_vectors_unavailable", ["provider": .string(embedder.provider)])
                notice = "vector search is unavailable (\(reason)); this answer comes from full-text search alone"
            }
        }
        let (fullText, nearest) = try database.read { sql in
            let fullText = try Self.fullTextIndex.search(sql, text: query.text, filter: filter.restricting("rowid"), limit: pool)
            let nearest = try queryVector.map { vector in
                try vectors.index.search(vector, model: embedder.model, filter: filter.restricting("item_id"), limit: pool, in: sql)
            } ?? []
            return (fullText, nearest)
        }
        var lists = [RankFusion.List(name: "full_text", weight: fullTextWeight, hits: fullText.map { ($0.id, $0.bm25) })]
        if queryVector != nil { lists.append(RankFusion.List(name: "vector", weight: vectorWeight, hits: nearest.map { ($0.id, $0.similarity) })) }
        let floor = minimumSimilarity
        let fused = Array(RankFusion.fuse(lists).filter { hit in
            hit.foundBy.contains { $0.list != "vector" } || (hit.appearance(in: "vector")?.score ?? -.infinity) > floor
        }.prefix(limit))
        let solutions = try SolutionStore(database: database).solutions(fused.map(\.id))
        let matches = fused.compactMap { hit -> SolutionMatch? in
            guard let solution = solutions[hit.id] else { return nil }
            let text = hit.appearance(in: "full_text")
            let vector = hit.appearance(in: "vector")
            return SolutionMatch(solutionID: solution.id, name: solution.name, category: solution.category, description: solution.description,
                                 pricingModel: solution.pricingModel, docsURL: solution.docsURL, score: hit.score,
                                 foundBy: hit.foundBy.map(\.list), fullTextRank: text?.rank, bm25: text?.score,
                                 vectorRank: vector?.rank, similarity: vector?.score)
        }
        return Result(matches: matches, mode: queryVector == nil ? "full_text" : "hybrid", notice: notice, reembedJobID: jobID)
    }
}
