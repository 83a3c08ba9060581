import Core
import Runtime

extension FunctionContext {
    /// Reference-architecture search as configured (MCP server, web search, cache; offline catalogue).
    package func referenceArchitectureSearching() throws -> any ReferenceArchitectureSearching {
        throw BundleError(.unavailable, "reference-architecture search is not built yet")  // placeholder
    }
}
