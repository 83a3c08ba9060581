import Core
import FoundationEssentials
import Jobs
import Providers
import Retrieval
import Runtime

extension FunctionContext {
    /// Tier 1 over the stored catalogue (loaded on first use): hybrid search with the configured
    /// embedder, fusion weights from `SALES_SEARCH_FULL_TEXT_WEIGHT` and
    /// `SALES_SEARCH_VECTOR_WEIGHT` (default 1 each), the floor under which a hit found only by
    /// vectors is dropped from `SOLUTION_MIN_SIMILARITY` (default by embedder, see
    /// `SolutionSearch.defaultMinimumSimilarity`); a model change queues `reembed-solutions`.
    package func solutionMatching() throws -> any SolutionMatching {
        try solutionSearch()
    }

    package func solutionSearch() throws -> SolutionSearch {
        let database = try database()
        let clock = clock
        let requestID = requestID
        let principal = principal
        let timeout = ReembedSolutionsHandler.manifest.timeoutSeconds
        let embedder = try embedder()
        var search = SolutionSearch(
            database: database, embedder: embedder,
            fullTextWeight: try config.double("SALES_SEARCH_FULL_TEXT_WEIGHT", default: 1, in: 0...100),
            vectorWeight: try config.double("SALES_SEARCH_VECTOR_WEIGHT", default: 1, in: 0...100),
            minimumSimilarity: try config.double("SOLUTION_MIN_SIMILARITY", default: SolutionSearch.defaultMinimumSimilarity(provider: embedder.provider),
                                                 in: -1...1),
            logger: logger, now: { clock.now() },
            onModelChange: { state in
                // One job per model change: the key names the model and how many vectors of other
                // models waited when it was noticed, so concurrent searches queue it once.
                let input: JSONValue = ["model": .string(embedder.model)]
                let queue = JobQueue(database: database)
                if let active = try queue.activeJob(function: ReembedSolutionsHandler.manifest.name, input: input) { return active.id }
                let key = "reembed-solutions:\(embedder.provider)/\(embedder.model):\(state.otherModels):\(state.current)"
                let now = clock.now()
                return try queue.enqueue(.init(function: ReembedSolutionsHandler.manifest.name, input: input, idempotencyKey: key,
                                               maxAttempts: 5, timeoutSeconds: timeout, principal: principal, requestID: requestID),
                                         now: now).job.id
            })
        search.prepare = { [self] in try await ensureSolutionCatalogue() }
        return search
    }

    /// Loads the catalogue into an empty table (the bundled CSV or `SALES_SOLUTIONS_CSV`) and
    /// embeds it; returns nil when it was already there. Concurrent first uses both upsert by
    /// name, so the rows are written once.
    @discardableResult
    package func ensureSolutionCatalogue() async throws -> SolutionStore.UpsertSummary? {
        let store = SolutionStore(database: try database())
        guard try store.count(source: "catalogue") == 0 else { return nil }
        let summary = try store.upsertCatalogue(try SolutionCatalogue.load(config), now: clock.now())
        logger.info("sales.catalogue_loaded", ["added": .number(Double(summary.added))])
        do {
            try await SolutionVectors(database: try database(), embedder: try embedder()).sync(deadline: deadline, now: clock.now())
        } catch {
            // Search embeds what is missing on its next call, or answers from full text.
            logger.warning("sales.catalogue_not_embedded", ["code": .string(BundleError.converting(error, otherwise: BundleError(.internal, "")).code.rawValue)])
        }
        return summary
    }
}
