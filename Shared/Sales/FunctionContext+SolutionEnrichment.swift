import Core
import Runtime

extension FunctionContext {
    /// Tier 2, as configured (MCP server or offline). (Placeholder until the MCP client lands.)
    package func solutionEnriching() throws -> any SolutionEnriching {
        throw BundleError(.unavailable, "solution enrichment is not built yet")
    }
}
