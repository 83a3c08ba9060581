import Core

/// Tier 2 with no MCP server (`MCP_PROVIDER=offline`, the default on a fresh machine): each
/// solution's enrichment is built from its own catalogue row (its description and docs URL),
/// deterministic and labelled `offline`, never presented as live documentation.
package struct OfflineSolutionEnricher: SolutionEnriching {
    package let clock: BundleClock

    package init(clock: BundleClock) {
        self.clock = clock
    }

    package func enrich(_ solutions: [SolutionMatch], usagePattern: String, deadline: Deadline) async -> EnrichmentOutcome {
        let fetchedAt = Timestamp.format(clock.now())
        let enrichments = solutions.prefix(MCPSolutionEnricher.enrichedCount).map { match in
            SolutionEnrichment(
                solutionName: match.name,
                summary: "From the catalogue (offline, not live documentation): \(match.description)",
                documentation: match.docsURL.map { [DocumentationLink(title: "\(match.name) documentation", url: $0, excerpt: nil)] } ?? [],
                source: "offline", server: nil, cached: false, fetchedAt: fetchedAt)
        }
        return EnrichmentOutcome(enrichments: enrichments, mcpUnavailable: false, provider: "offline")
    }
}
