import Core
import Runtime

extension FunctionContext {
    /// Tier 1 over the stored catalogue. (Placeholder until the hybrid search lands.)
    package func solutionMatching() throws -> any SolutionMatching {
        throw BundleError(.unavailable, "solution search is not built yet")
    }
}
