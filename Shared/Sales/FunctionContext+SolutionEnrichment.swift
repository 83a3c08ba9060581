import Core
import Providers
import Runtime

extension FunctionContext {
    /// Tier 2, as configured: the MCP server `MCP_PROVIDER` chooses (with the database cache), or
    /// the offline enricher built from the catalogue.
    package func solutionEnriching() throws -> any SolutionEnriching {
        let connector = try mcp()
        guard connector.settings.provider != .offline else { return OfflineSolutionEnricher(clock: clock) }
        return MCPSolutionEnricher(connector: connector, cache: EnrichmentCache(database: try database()), clock: clock, logger: logger)
    }
}
