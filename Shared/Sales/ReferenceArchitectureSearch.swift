import Core
import FoundationEssentials

/// Reference-architecture search on demand (issue 15, the seed's §5.4): the configured providers
/// (the MCP documentation server, web search) are asked at once; their pages are merged in rank
/// order, kept only when they are architecture or solution pages, de-duplicated by URL, and
/// each names the catalogue solutions it uses. A complete answer is cached for a day. One
/// provider failing gives the other's results with a note saying so (and is not cached, so the
/// next search asks again); all failing is `upstream_failed`. With no live provider (no MCP
/// server and the offline search) it answers from the shipped catalogue, `offline` and saying so.
package struct ReferenceArchitectureSearch: ReferenceArchitectureSearching {
    /// The live providers configured, in the order their results interleave.
    let sources: [any ArchitectureSource]
    /// Why a provider is not asked (not configured), for the answer's note.
    let skipped: [String]
    /// Tier 1 over the catalogue, for the offline answer.
    let catalogue: @Sendable () throws -> any SolutionMatching
    /// The catalogue's solution names (loading the catalogue if it is not yet there).
    let names: @Sendable () async throws -> ArchitectureSolutionNames
    let cache: ReferenceArchitectureCache?
    let clock: BundleClock
    let logger: Logger

    package init(sources: [any ArchitectureSource], skipped: [String], catalogue: @escaping @Sendable () throws -> any SolutionMatching,
                 names: @escaping @Sendable () async throws -> ArchitectureSolutionNames, cache: ReferenceArchitectureCache?,
                 clock: BundleClock, logger: Logger) {
        self.sources = sources
        self.skipped = skipped
        self.catalogue = catalogue
        self.names = names
        self.cache = cache
        self.clock = clock
        self.logger = logger
    }

    package func search(_ query: ArchitectureQuery, deadline: Deadline) async throws -> ArchitectureSearchAnswer {
        guard !sources.isEmpty else { return try await offlineAnswer(query, deadline: deadline) }
        let key = ReferenceArchitectureCache.Key(query, providers: sources.map(\.name), identities: sources.map(\.identity))
        if let cache, let hit = try? cache.lookup(key, now: clock.now()) {
            logger.info("sales.architectures_cached", ["results": .number(Double(hit.results.count))])
            return hit
        }
        let outcomes = await ask(query, deadline: deadline)
        var failures: [String] = []
        var answered: [(name: String, hits: [ArchitectureHit])] = []
        for (source, outcome) in zip(sources, outcomes) {
            switch outcome {
            case .success(let hits): answered.append((source.name, hits))
            case .failure(let error):
                failures.append("\(Self.label(source.name)) failed (\(error.message))")
                logger.warning("sales.architecture_source_failed", ["provider": .string(source.name), "code": .string(error.code.rawValue)])
            }
        }
        guard !answered.isEmpty else {
            throw BundleError(.upstreamFailed, "reference-architecture search failed: " + failures.joined(separator: "; "))
        }
        let results = try await merge(answered, limit: query.limit)
        var notes = skipped
        if !failures.isEmpty {
            notes.append(failures.joined(separator: "; ") + ": results from " + answered.map { Self.label($0.name) }.joined(separator: " and ") + " only")
        }
        let answer = ArchitectureSearchAnswer(results: results, providers: answered.map(\.name), cached: false, offline: false,
                                              note: notes.isEmpty ? nil : notes.joined(separator: "; "))
        logger.info("sales.architectures_searched", ["results": .number(Double(results.count)), "providers": .string(answer.providers.joined(separator: ","))])
        if failures.isEmpty, let cache {
            do {
                try cache.store(answer, key: key, now: clock.now())
            } catch {
                logger.warning("sales.architecture_cache_write_failed")
            }
        }
        return answer
    }

    /// Every provider at once; each outcome in the providers' order.
    private func ask(_ query: ArchitectureQuery, deadline: Deadline) async -> [Result<[ArchitectureHit], BundleError>] {
        // Settled inside the task, placed by the provider's position (see WebArchitectureSource.find).
        await BoundedFanOut.map(sources, width: sources.count) { source -> Result<[ArchitectureHit], BundleError> in
            do {
                return .success(try await source.find(query, deadline: deadline))
            } catch {
                return .failure(BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "\(Self.label(source.name)) failed")))
            }
        }
    }

    /// The providers' pages interleaved by rank (each provider's best first), architecture and
    /// solution pages only, each URL once (the first provider to find it keeps it), bounded.
    func merge(_ answered: [(name: String, hits: [ArchitectureHit])], limit: Int) async throws -> [ArchitectureResult] {
        let names: ArchitectureSolutionNames
        do {
            names = try await self.names()
        } catch {
            logger.warning("sales.architecture_names_unavailable")
            names = ArchitectureSolutionNames(names: [])
        }
        var results: [ArchitectureResult] = []
        var seen = Set<String>()
        let longest = answered.map(\.hits.count).max() ?? 0
        for rank in 0..<longest {
            for (name, hits) in answered where rank < hits.count {
                let hit = hits[rank]
                let title = Self.clean(hit.title, limit: 300)
                let summary = Self.clean(hit.summary, limit: 600)
                guard results.count < limit, hit.url.utf8.count <= 2_048, ReferenceArchitecture.isArchitecture(url: hit.url, title: title),
                      seen.insert(ReferenceArchitecture.key(hit.url)).inserted
                else { continue }
                results.append(ArchitectureResult(title: title.isEmpty ? hit.url : title, url: hit.url, summary: summary,
                                                  solutions: names.solutions(in: title + " . " + summary), source: name))
            }
        }
        return results
    }

    /// The catalogue's answer: tier 1's best solutions for the question, each with its real
    /// documentation page (a solution without one is left out; no URL is made up).
    /// When no solution is listed for the industry, those for any industry answer (and the note
    /// says so) rather than nothing.
    func offlineAnswer(_ query: ArchitectureQuery, deadline: Deadline) async throws -> ArchitectureSearchAnswer {
        let tierOne = try catalogue()
        var matches = try await tierOne.match(SolutionQuery(text: query.text, industry: query.industry, limit: query.limit), deadline: deadline)
        var widened = false
        if matches.isEmpty, query.industry != nil {
            matches = try await tierOne.match(SolutionQuery(text: query.text, limit: query.limit), deadline: deadline)
            widened = !matches.isEmpty
        }
        let results = matches.compactMap { match in
            match.docsURL.map { url in
                ArchitectureResult(title: match.name, url: url, summary: match.description, solutions: [match.name], source: "catalogue")
            }
        }
        var note = "offline: " + skipped.joined(separator: " and ")
            + ", so these are the shipped catalogue's solutions for the question with their documentation pages, not searched reference architectures"
        if widened, let industry = query.industry { note += " (none is listed for \(industry), so these are for any industry)" }
        logger.info("sales.architectures_offline", ["results": .number(Double(results.count))])
        return ArchitectureSearchAnswer(results: results, providers: ["catalogue"], cached: false, offline: true, note: note)
    }

    static func label(_ provider: String) -> String {
        switch provider {
        case "mcp": "the MCP documentation server"
        case "web": "web search"
        default: provider
        }
    }

    private static func clean(_ text: String, limit: Int) -> String {
        String(text.split(whereSeparator: \.isWhitespace).joined(separator: " ").prefix(limit))
    }
}
