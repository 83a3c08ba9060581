import Core
import FoundationEssentials
import Providers
import Store
import Workflows

/// The research workflow's six steps (issue 14): gather the context, search the web for the
/// company, analyse its technology and its pains (one structured LLM call each), match solutions
/// (tier 1, then tier 2 on the top five, whose failure only marks `mcp_unavailable`), and
/// synthesise. Each step sees only the outputs of the steps that succeeded before it; every
/// claim cites a search result URL or "context", and any other URL is dropped in code.
package struct ResearchWorkflow: Sendable {
    package static let name = "research"
    package static let stepNames = ["gather_context", "research_company", "analyze_tech_stack", "identify_pain_points",
                                    "match_solutions", "synthesize_research"]

    package static func subject(prospectID: Int) -> String { "prospect:\(prospectID)" }

    let services: ResearchServices
    let database: any Database
    let deadline: Deadline
    /// Tells a cached tier-2 answer that has expired (not live) from a fresh one.
    let clock: BundleClock

    package init(services: ResearchServices, database: any Database, deadline: Deadline, clock: BundleClock = .system) {
        self.services = services
        self.database = database
        self.deadline = deadline
        self.clock = clock
    }

    /// How many results each web search keeps, and how many tier-1 matches tier 2 enriches.
    static let resultsPerSearch = 5
    static let tierOneLimit = 10
    static let tierTwoCount = 5
    /// How many reference architectures `match_solutions` asks for (the seed's "top 3").
    static let architectureCount = 3

    /// `research_company`'s output: the searches made and what they found (the run's web sources).
    package struct WebResearch: Codable, Sendable, Equatable {
        package var queries: [String]
        package var provider: String
        package var results: [SearchResult]
    }

    /// The output of an analysis step: the model's answer with unsupported claims dropped.
    package struct Analysis<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        package var items: [Item]
        package var summary: String
        package var dropped: Int
        package var llm: LLMUsageSummary
    }

    /// `match_solutions`' output. The architecture fields are nil in runs recorded before
    /// reference-architecture search, and when research was not given one.
    package struct Matching: Codable, Sendable, Equatable {
        package var query: String
        package var recommendedSolutions: [RecommendedSolution]
        package var mcpUnavailable: Bool
        package var reason: String?
        package var enrichmentProvider: String?
        /// The best `architectureCount` that reference-architecture search found.
        package var referenceArchitectures: [ArchitectureResult]?
        /// What the search said (offline, a provider down), or why it failed.
        package var architectureNote: String?

        enum CodingKeys: String, CodingKey {
            case query, reason
            case recommendedSolutions = "recommended_solutions"
            case mcpUnavailable = "mcp_unavailable"
            case enrichmentProvider = "enrichment_provider"
            case referenceArchitectures = "reference_architectures"
            case architectureNote = "architecture_note"
        }
    }

    package func steps() -> [WorkflowStep] {
        [
            .typed("gather_context", summarize: { outputs in
                let notes = outputs.input["manual_context"]?.stringValue
                return "prospect \(outputs.input["prospect_id"]?.intValue ?? 0)" + (notes.map { ", manual context of \($0.count) characters" } ?? "")
            }) { outputs, _ in
                guard let id = outputs.input["prospect_id"]?.intValue else { throw BundleError(.internal, "the research run has no prospect_id") }
                return try ResearchContext.load(prospectID: id, manualContext: outputs.input["manual_context"]?.stringValue, database: database)
            },
            .typed("research_company", summarize: { outputs in
                "web search for " + ((try? outputs.decode("gather_context", as: ResearchContext.self))?.companyName ?? "?")
            }) { outputs, _ in try await researchCompany(try outputs.decode("gather_context", as: ResearchContext.self)) },
            .typed("analyze_tech_stack", summarize: { Self.evidenceSummary($0) }) { outputs, _ in
                let context = try outputs.decode("gather_context", as: ResearchContext.self)
                let web = try outputs.decode("research_company", as: WebResearch.self)
                let result = try await services.llm().run(TechStackTask(context: context, results: web.results), deadline: deadline)
                let evidence = ResearchEvidence(results: web.results)
                let kept = result.output.technologies.filter { evidence.accepts($0.evidence) }
                    .map { TechStackTask.Technology(name: evidence.scrub($0.name), category: $0.category, evidence: $0.evidence) }
                return Analysis(items: kept, summary: evidence.scrub(result.output.summary),
                                dropped: result.output.technologies.count - kept.count, llm: result.usage)
            },
            .typed("identify_pain_points", summarize: { Self.evidenceSummary($0) }) { outputs, _ in
                let context = try outputs.decode("gather_context", as: ResearchContext.self)
                let web = try outputs.decode("research_company", as: WebResearch.self)
                let stack = try outputs.decode("analyze_tech_stack", as: Analysis<TechStackTask.Technology>.self)
                let task = PainPointsTask(context: context, results: web.results, technologies: stack.items.map(\.name))
                let result = try await services.llm().run(task, deadline: deadline)
                let evidence = ResearchEvidence(results: web.results)
                let kept = result.output.painPoints.filter { evidence.accepts($0.evidence) }
                    .map { PainPointsTask.Pain(pain: evidence.scrub($0.pain), severity: $0.severity, evidence: $0.evidence) }
                return Analysis(items: kept, summary: evidence.scrub(result.output.summary),
                                dropped: result.output.painPoints.count - kept.count, llm: result.usage)
            },
            .typed("match_solutions", summarize: { outputs in "tier 1 over: " + ((try? MatchInputs(outputs))?.query ?? "?") }) { outputs, _ in
                // The earlier steps' outputs are read strictly: one that does not decode fails this
                // step by name rather than searching for a default text.
                let inputs = try MatchInputs(outputs)
                return try await matchSolutions(query: inputs.query, industry: inputs.context.industry, pains: inputs.pains)
            },
            .typed("synthesize_research", summarize: { _ in "the outputs of the five steps before" }) { outputs, _ in
                try await synthesize(outputs)
            },
        ]
    }

    /// Live enrichments (from the MCP server, or its cache while under a day old) apart from
    /// expired cache entries and offline catalogue data, which say nothing new about the solution.
    static func enrichmentCounts(_ enrichments: [SolutionEnrichment], now: Date) -> ResearchConfidence.Enrichment {
        var counts = ResearchConfidence.Enrichment()
        for enrichment in enrichments {
            guard enrichment.source == "mcp" else {
                counts.offline += 1
                continue
            }
            guard enrichment.cached else {
                counts.live += 1
                continue
            }
            let fetched = Timestamp.parse(enrichment.fetchedAt) ?? .distantPast
            if fetched.addingTimeInterval(EnrichmentCache.lifetime) > now {
                counts.live += 1
                counts.fromCache += 1
            } else {
                counts.expired += 1
            }
        }
        return counts
    }

    static func evidenceSummary(_ outputs: WorkflowOutputs) -> String {
        let results = (try? outputs.decode("research_company", as: WebResearch.self))?.results.count ?? 0
        return "context and \(results) web results"
    }

    /// What tier 1 is asked from: the context, and the pains and stack that earlier steps found.
    struct MatchInputs {
        var context: ResearchContext
        var pains: [PainPointsTask.Pain]
        var stack: [TechStackTask.Technology]

        init(_ outputs: WorkflowOutputs) throws {
            context = try outputs.decode("gather_context", as: ResearchContext.self)
            pains = try outputs.decode("identify_pain_points", as: Analysis<PainPointsTask.Pain>.self).items
            stack = try outputs.decode("analyze_tech_stack", as: Analysis<TechStackTask.Technology>.self).items
        }

        /// Tier 1's text: the industry, the pains and the stack (a generic one when none is known).
        var query: String {
            let parts = [context.industry].compactMap { $0 } + pains.map(\.pain) + stack.map(\.name)
            return String((parts.isEmpty ? ["cloud migration", context.prospect.title] : parts).joined(separator: "; ").prefix(1000))
        }
    }

    /// Both searches at once (the step waits for the slower, not the sum); results keep the
    /// queries' order and each URL once.
    func researchCompany(_ context: ResearchContext) async throws -> WebResearch {
        let search = try services.search()
        let quoted = "\"" + context.companyName.filter { $0 != "\"" } + "\""
        let queries = [quoted, quoted + " technology"]
        let deadline = self.deadline
        let found = try await withThrowingTaskGroup(of: (Int, [SearchResult]).self) { group in
            for (index, query) in queries.enumerated() {
                group.addTask { (index, try await search.search(query, freshness: .year, count: Self.resultsPerSearch, deadline: deadline)) }
            }
            return try await group.reduce(into: [Int: [SearchResult]]()) { $0[$1.0] = $1.1 }
        }
        var results: [SearchResult] = []
        var seen = Set<String>()
        for index in queries.indices {
            for result in found[index] ?? [] where seen.insert(result.url).inserted { results.append(result) }
        }
        return WebResearch(queries: queries, provider: search.name, results: results)
    }

    func matchSolutions(query: String, industry: String?, pains: [PainPointsTask.Pain]) async throws -> Matching {
        let matches = try await services.matching().match(SolutionQuery(text: query, limit: Self.tierOneLimit), deadline: deadline)
        let top = Array(matches.prefix(Self.tierTwoCount))
        // Architectures are searched while tier 2 runs: the step waits for the slower of the two.
        async let architectures = searchArchitectures(Self.architectureQuery(matches: matches, fallback: query, industry: industry))
        var outcome: EnrichmentOutcome
        if top.isEmpty {
            outcome = EnrichmentOutcome(enrichments: [], mcpUnavailable: false, reason: nil, provider: "none")
        } else {
            let usage = pains.isEmpty ? (industry ?? "general cloud workloads") : pains.map(\.pain).joined(separator: "; ")
            do {
                outcome = try await services.enriching().enrich(top, usagePattern: usage, deadline: deadline)
            } catch {
                // Tier 2 that cannot even be set up is unavailable like one that fails: tier 1 stands.
                outcome = EnrichmentOutcome(enrichments: [], mcpUnavailable: true,
                                            reason: BundleError.converting(error, otherwise: BundleError(.unavailable, "tier 2 could not start")).message,
                                            provider: "mcp")
            }
        }
        let byName = Dictionary(outcome.enrichments.map { ($0.solutionName.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        let recommended = matches.enumerated().map { index, match in
            RecommendedSolution(match, rank: index + 1, enrichment: index < Self.tierTwoCount ? byName[match.name.lowercased()] : nil)
        }
        let found = await architectures
        return Matching(query: query, recommendedSolutions: recommended, mcpUnavailable: outcome.mcpUnavailable, reason: outcome.reason,
                        enrichmentProvider: top.isEmpty ? nil : outcome.provider, referenceArchitectures: found?.results,
                        architectureNote: found?.note)
    }

    /// What architectures are searched for: the best tier-1 solutions by name (the pages that
    /// use what research recommends), or tier 1's own text when it found none.
    static func architectureQuery(matches: [SolutionMatch], fallback: String, industry: String?) -> ArchitectureQuery {
        let names = matches.prefix(architectureCount).map(\.name)
        let text = names.isEmpty ? String(fallback.prefix(300)) : names.joined(separator: ", ")
        return ArchitectureQuery(text: text, industry: industry, limit: architectureCount)
    }

    /// The search's best three and its note; a search that fails (or cannot be set up) leaves
    /// none and says why, never failing research. Nil when research has no search.
    func searchArchitectures(_ query: ArchitectureQuery) async -> (results: [ArchitectureResult], note: String?)? {
        guard let make = services.architectures else { return nil }
        do {
            let answer = try await make().search(query, deadline: deadline)
            return (Array(answer.results.prefix(Self.architectureCount)), answer.note)
        } catch {
            let failure = BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "reference-architecture search failed"))
            return ([], "reference architectures unavailable: " + failure.message)
        }
    }

    func synthesize(_ outputs: WorkflowOutputs) async throws -> ResearchFindings {
        let context = try outputs.decode("gather_context", as: ResearchContext.self)
        let web = try outputs.decode("research_company", as: WebResearch.self)
        let stack = try outputs.decode("analyze_tech_stack", as: Analysis<TechStackTask.Technology>.self)
        let pains = try outputs.decode("identify_pain_points", as: Analysis<PainPointsTask.Pain>.self)
        let matching = try outputs.decode("match_solutions", as: Matching.self)
        // Only documentation an MCP server found is a search's URL; offline enrichment is the
        // catalogue's own data, so its pages are neither sources nor architectures.
        let documentation = matching.recommendedSolutions.flatMap { solution in
            (solution.tier2.flatMap { $0.source == "mcp" ? $0.documentation : nil } ?? []).map { (solution.name, $0) }
        }
        let evidence = ResearchEvidence(sources: web.results.map(\.url) + documentation.map(\.1.url))
        let task = ResearchSummaryTask(context: context, technologies: stack.items, pains: pains.items,
                                       solutions: matching.recommendedSolutions, results: web.results)
        let result = try await services.llm().run(task, deadline: deadline)
        let insights = result.output.keyInsights.filter { evidence.accepts($0.evidence) }
        let architectures = Self.architectures(searched: matching.referenceArchitectures ?? [], documentation: documentation, web: web.results)
        let dropped = stack.dropped + pains.dropped + (result.output.keyInsights.count - insights.count)
        let confidence = ResearchConfidence.compute(sources: evidence.sources.count, technologies: stack.items.count, pains: pains.items.count,
                                                    solutions: matching.recommendedSolutions.count,
                                                    enrichment: Self.enrichmentCounts(matching.recommendedSolutions.compactMap(\.tier2), now: clock.now()),
                                                    mcpUnavailable: matching.mcpUnavailable, droppedClaims: dropped)
        let offline = result.provider == "offline"
        return ResearchFindings(researchSummary: evidence.scrub(result.output.summary), keyInsights: insights.map { evidence.scrub($0.insight) },
                                insightEvidence: insights.map(\.evidence), technologies: stack.items, painPoints: pains.items,
                                recommendedSolutions: matching.recommendedSolutions, referenceArchitectures: architectures,
                                confidenceScore: confidence.score, confidenceReasons: confidence.reasons, sources: evidence.sources,
                                mcpUnavailable: matching.mcpUnavailable, mcpUnavailableReason: matching.reason,
                                llmProvider: result.provider, searchProvider: web.provider, offline: offline || web.provider == "offline",
                                referenceArchitecturesNote: matching.architectureNote)
    }

    /// The architectures research shows: those reference-architecture search found for the
    /// recommended solutions, then those among the research's own URLs (a live tier-2
    /// documentation link, a web result), each URL once.
    static func architectures(searched: [ArchitectureResult], documentation: [(String, DocumentationLink)],
                              web: [SearchResult]) -> [ReferenceArchitecture] {
        var architectures: [ReferenceArchitecture] = []
        var seen = Set<String>()
        for result in searched where seen.insert(ReferenceArchitecture.key(result.url)).inserted {
            architectures.append(ReferenceArchitecture(result))
        }
        for (solution, link) in documentation where ReferenceArchitecture.isArchitecture(link.url) && seen.insert(ReferenceArchitecture.key(link.url)).inserted {
            architectures.append(ReferenceArchitecture(title: link.title, url: link.url, solution: solution, summary: link.excerpt ?? "", source: "mcp"))
        }
        for source in web where ReferenceArchitecture.isArchitecture(source.url) && seen.insert(ReferenceArchitecture.key(source.url)).inserted {
            architectures.append(ReferenceArchitecture(title: source.title, url: source.url, solution: nil, summary: source.snippet, source: "web"))
        }
        return architectures
    }
}
