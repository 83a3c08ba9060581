import Core
import Providers
import Runtime

extension FunctionContext {
    /// Search over the stored communications' chunks, as configured: the context's embedder, and
    /// the floor under which a hit found only by vectors is dropped from
    /// `SIMILAR_WINS_MIN_SIMILARITY` (default by embedder, as for solution search); chunks without
    /// a vector of the current model queue `reembed-communications` (once: an active job is reused, and at most one is queued an hour).
    package func similarWinsSearching() throws -> any SimilarWinsSearching {
        let embedder = try embedder()
        return SimilarWinsSearch(
            database: try database(), embedder: embedder,
            minimumSimilarity: try config.double("SIMILAR_WINS_MIN_SIMILARITY", default: SolutionSearch.defaultMinimumSimilarity(provider: embedder.provider),
                                                 in: -1...1),
            logger: logger,
            onMissingVectors: { [self] _ in _ = try ReembedCommunicationsHandler.enqueue(context: self, hourly: true) })
    }
}
