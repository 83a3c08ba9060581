import Core
import FoundationEssentials
import Providers

/// Tier 2 over MCP: for each of the best five tier-1 solutions, the documentation search tool
/// is asked for the solution with the prospect's usage pattern (and, with `AWS_REGION` set, the
/// availability tool for that region). Answers are cached for a day per solution, pattern and
/// server. Nothing here throws: a server that fails, hangs past `MCP_TIMEOUT_SECONDS` or is
/// absent gives `mcpUnavailable` with the reason, and whatever the cache holds (fresh, or
/// expired as a last resort) is still returned, marked `cached`.
package struct MCPSolutionEnricher: SolutionEnriching {
    package static let enrichedCount = 5
    package static let hitsPerSolution = 3

    private let connector: MCPConnector
    private let cache: EnrichmentCache?
    private let clock: BundleClock
    private let logger: Logger

    package init(connector: MCPConnector, cache: EnrichmentCache?, clock: BundleClock, logger: Logger) {
        self.connector = connector
        self.cache = cache
        self.clock = clock
        self.logger = logger
    }

    package func enrich(_ solutions: [SolutionMatch], usagePattern: String, deadline: Deadline) async -> EnrichmentOutcome {
        let settings = connector.settings
        let server = settings.serverLabel ?? "mcp"
        let key = settings.serverKey
        let top = Array(solutions.prefix(Self.enrichedCount))
        let pattern = EnrichmentCache.patternHash(usagePattern)
        let budget = Deadline(after: min(settings.timeout, deadline.remaining))
        var found: [String: SolutionEnrichment] = [:]
        for match in top {
            if let hit = cached(match.name, pattern, key, expired: false) { found[match.name] = hit }
        }
        let missing = top.filter { found[$0.name] == nil }
        var failure: MCPError?
        if !missing.isEmpty {
            let live = await fetch(missing, usagePattern: usagePattern, server: server, budget: budget)
            failure = live.failure
            for enrichment in live.enrichments {
                found[enrichment.solutionName] = enrichment
                do {
                    try cache?.store(enrichment, patternHash: pattern, server: key, now: clock.now())
                } catch {
                    logger.warning("mcp.cache_write_failed", ["solution": .string(enrichment.solutionName)])
                }
            }
            if let failure {
                logger.warning("mcp.unavailable", ["server": .string(server), "reason": .string(failure.message),
                                                   "enriched": .number(Double(live.enrichments.count)), "asked": .number(Double(missing.count))])
                for match in missing where found[match.name] == nil {
                    if let stale = cached(match.name, pattern, key, expired: true) { found[match.name] = stale }
                }
            }
        }
        let ordered = top.compactMap { found[$0.name] }
        return EnrichmentOutcome(enrichments: ordered, mcpUnavailable: failure != nil, reason: failure?.message, provider: "mcp")
    }

    /// What one live pass produced: the enrichments made before any failure, and the failure.
    private struct LivePass {
        var enrichments: [SolutionEnrichment] = []
        var failure: MCPError?
    }

    /// One session for all the missing solutions. A tool failure for one solution skips it (the
    /// tier fails only when every search failed); a protocol error, an unreachable server or the
    /// budget running out make the tier unavailable, keeping what the other searches found.
    private func fetch(_ missing: [SolutionMatch], usagePattern: String, server: String, budget: Deadline) async -> LivePass {
        let client: MCPClient
        do {
            client = try connector.connect()
        } catch {
            return LivePass(failure: MCPError(.unreachable, (error as? BundleError)?.message ?? "the MCP server could not be started"))
        }
        var pass = LivePass()
        await search(missing, with: client, usagePattern: usagePattern, server: server, budget: budget, into: &pass)
        await client.close(deadline: Deadline(after: .seconds(2)))
        return pass
    }

    /// The solutions are asked at once (a Streamable HTTP server answers them in parallel; the
    /// stdio channel takes them in turn), so tier 2 costs about one round trip, not five.
    private func search(_ missing: [SolutionMatch], with client: MCPClient, usagePattern: String, server: String,
                        budget: Deadline, into pass: inout LivePass) async {
        let settings = connector.settings
        let tools: [MCPTool]
        do {
            tools = try await client.tools(deadline: budget)
        } catch {
            pass.failure = error
            return
        }
        guard let searchTool = DocumentationTools.resolve(settings.searchTool, in: tools) else {
            pass.failure = MCPError(.toolMissing, "the MCP server has no tool named \(settings.searchTool) (MCP_SEARCH_TOOL)")
            return
        }
        let availabilityTool = settings.region == nil ? nil : DocumentationTools.resolve(settings.availabilityTool, in: tools)
        let docs = DocumentationTools(client: client)
        let answers = await withTaskGroup(of: (Int, Result<SolutionEnrichment, MCPError>).self) { group in
            for (index, match) in missing.enumerated() {
                group.addTask {
                    (index, await enrichOne(match, docs: docs, searchTool: searchTool, availabilityTool: availabilityTool,
                                            usagePattern: usagePattern, server: server, budget: budget))
                }
            }
            var answers: [(Int, Result<SolutionEnrichment, MCPError>)] = []
            for await answer in group { answers.append(answer) }
            return answers.sorted { $0.0 < $1.0 }.map(\.1)
        }
        var toolFailure: MCPError?
        for answer in answers {
            switch answer {
            case .success(let enrichment): pass.enrichments.append(enrichment)
            case .failure(let error) where error.kind == .toolFailed: toolFailure = toolFailure ?? error
            case .failure(let error): pass.failure = pass.failure ?? error
            }
        }
        // A tool failure for some solutions skips them; for every one, the tier failed.
        if pass.failure == nil, pass.enrichments.isEmpty, let toolFailure { pass.failure = toolFailure }
    }

    private func enrichOne(_ match: SolutionMatch, docs: DocumentationTools, searchTool: MCPTool, availabilityTool: MCPTool?,
                           usagePattern: String, server: String, budget: Deadline) async -> Result<SolutionEnrichment, MCPError> {
        let phrase = String(([match.name] + (usagePattern.isEmpty ? [] : ["for", usagePattern])).joined(separator: " ").prefix(300))
        do throws(MCPError) {
            let hits = try await docs.search(searchTool, phrase: phrase, limit: Self.hitsPerSolution, deadline: budget)
            var regional: JSONValue?
            if let availabilityTool, let region = connector.settings.region {
                do {
                    regional = try await docs.availability(availabilityTool, region: region, product: match.name, deadline: budget)
                } catch where error.kind == .toolFailed {
                    regional = nil
                }
            }
            let documentation = hits.map { DocumentationLink(title: $0.title, url: $0.url, excerpt: $0.excerpt) }
            let summary = hits.first?.excerpt ?? hits.first.map { "See \($0.title)." } ?? "The server found no documentation for \(match.name)."
            return .success(SolutionEnrichment(solutionName: match.name, summary: summary, documentation: documentation,
                                               regionalAvailability: regional, source: "mcp", server: server, cached: false,
                                               fetchedAt: Timestamp.format(clock.now())))
        } catch {
            if error.kind == .toolFailed { logger.info("mcp.search_failed", ["solution": .string(match.name)]) }
            return .failure(error)
        }
    }

    private func cached(_ name: String, _ pattern: String, _ serverKey: String, expired: Bool) -> SolutionEnrichment? {
        guard let cache else { return nil }
        return try? cache.lookup(solution: name, patternHash: pattern, server: serverKey, now: clock.now(), includingExpired: expired)
    }
}
