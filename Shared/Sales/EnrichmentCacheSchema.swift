import Store

/// The tables of the tier-2 (MCP) enrichment cache; part of `SalesSchema.migrations`.
package enum EnrichmentCacheSchema {
    package static let migrations: [Migration] = []
}
