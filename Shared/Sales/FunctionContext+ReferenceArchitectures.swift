import Core
import Providers
import Runtime

extension FunctionContext {
    /// Reference-architecture search as configured: the MCP server `MCP_PROVIDER` chooses and the
    /// web search `SEARCH_PROVIDER` chooses, each asked only when it is live (not `offline`), with
    /// the database cache; with neither, the offline catalogue answer. Tests may hand in their
    /// own with `context.provide(search as any ReferenceArchitectureSearching, as: (any ReferenceArchitectureSearching).self)`.
    package func referenceArchitectureSearching() throws -> any ReferenceArchitectureSearching {
        try service((any ReferenceArchitectureSearching).self) { context in
            let connector = try context.mcp()
            let web = try context.search()
            var sources: [any ArchitectureSource] = []
            var skipped: [String] = []
            if connector.settings.provider == .offline {
                skipped.append("no MCP server is configured (MCP_PROVIDER is offline)")
            } else {
                sources.append(MCPArchitectureSource(connector: connector))
            }
            if web.name == "offline" {
                skipped.append("web search is offline (SEARCH_PROVIDER)")
            } else {
                sources.append(WebArchitectureSource(provider: web))
            }
            return ReferenceArchitectureSearch(
                sources: sources, skipped: skipped, catalogue: { try context.solutionMatching() },
                names: {
                    try await context.ensureSolutionCatalogue()
                    return try ArchitectureSolutionNames(database: try context.database())
                },
                cache: ReferenceArchitectureCache(database: try context.database()), clock: context.clock, logger: context.logger)
        }
    }
}
