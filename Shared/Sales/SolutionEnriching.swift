import Core

/// A documentation page that tier 2 found for a solution.
package struct DocumentationLink: Codable, Sendable, Equatable {
    package var title: String
    package var url: String
    package var excerpt: String?

    package init(title: String, url: String, excerpt: String? = nil) {
        self.title = title
        self.url = url
        self.excerpt = excerpt
    }
}

/// Live information about one tier-1 solution, from an MCP server (or, offline, from the
/// catalogue itself, labelled so).
package struct SolutionEnrichment: Codable, Sendable, Equatable {
    package var solutionName: String
    package var summary: String
    package var documentation: [DocumentationLink]
    /// What the server said about regional availability, when it was asked and answered.
    package var regionalAvailability: JSONValue?
    /// `mcp` or `offline`.
    package var source: String
    /// The MCP server (its URL, or the command's name); nil offline.
    package var server: String?
    package var cached: Bool
    package var fetchedAt: String

    package init(solutionName: String, summary: String, documentation: [DocumentationLink], regionalAvailability: JSONValue? = nil,
                 source: String, server: String?, cached: Bool, fetchedAt: String) {
        self.solutionName = solutionName
        self.summary = summary
        self.documentation = documentation
        self.regionalAvailability = regionalAvailability
        self.source = source
        self.server = server
        self.cached = cached
        self.fetchedAt = fetchedAt
    }

    enum CodingKeys: String, CodingKey {
        case summary, documentation, source, server, cached
        case solutionName = "solution_name"
        case regionalAvailability = "regional_availability"
        case fetchedAt = "fetched_at"
    }
}

/// What tier 2 returned: the enrichments it could make, and whether the MCP server could not be
/// used (with why), in which case the caller keeps tier 1 alone.
package struct EnrichmentOutcome: Codable, Sendable, Equatable {
    package var enrichments: [SolutionEnrichment]
    package var mcpUnavailable: Bool
    package var reason: String?
    /// `mcp` or `offline`.
    package var provider: String

    package init(enrichments: [SolutionEnrichment], mcpUnavailable: Bool, reason: String? = nil, provider: String) {
        self.enrichments = enrichments
        self.mcpUnavailable = mcpUnavailable
        self.reason = reason
        self.provider = provider
    }

    enum CodingKeys: String, CodingKey {
        case enrichments, reason, provider
        case mcpUnavailable = "mcp_unavailable"
    }
}

/// Tier 2: live enrichment of the best tier-1 solutions. Upstream failures, timeouts and an
/// absent server never throw: they come back as `mcpUnavailable` with the reason.
package protocol SolutionEnriching: Sendable {
    func enrich(_ solutions: [SolutionMatch], usagePattern: String, deadline: Deadline) async -> EnrichmentOutcome
}
