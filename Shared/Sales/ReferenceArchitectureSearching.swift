import Core

/// What reference-architecture search is asked: free text, an optional industry, how many.
package struct ArchitectureQuery: Sendable, Equatable {
    package var text: String
    package var industry: String?
    package var limit: Int

    package init(text: String, industry: String? = nil, limit: Int = 5) {
        self.text = text
        self.industry = industry
        self.limit = limit
    }
}

/// One reference architecture found: where it is, what it says, the solutions it uses, and which
/// source found it (`mcp`, `web`, or `catalogue` when answered offline).
package struct ArchitectureResult: Codable, Sendable, Equatable {
    package var title: String
    package var url: String
    package var summary: String
    package var solutions: [String]
    package var source: String

    package init(title: String, url: String, summary: String, solutions: [String], source: String) {
        self.title = title
        self.url = url
        self.summary = summary
        self.solutions = solutions
        self.source = source
    }
}

/// A search's answer: the results, which providers answered, whether it came from the cache, and
/// whether it is offline (then `note` says so and why).
package struct ArchitectureSearchAnswer: Codable, Sendable, Equatable {
    package var results: [ArchitectureResult]
    package var providers: [String]
    package var cached: Bool
    package var offline: Bool
    package var note: String?

    package init(results: [ArchitectureResult], providers: [String], cached: Bool, offline: Bool, note: String?) {
        self.results = results
        self.providers = providers
        self.cached = cached
        self.offline = offline
        self.note = note
    }
}

/// On-demand search of AWS reference architectures (the MCP documentation server and web search,
/// cached a day; the shipped catalogue offline). Research's `match_solutions` asks it for 3.
package protocol ReferenceArchitectureSearching: Sendable {
    func search(_ query: ArchitectureQuery, deadline: Deadline) async throws -> ArchitectureSearchAnswer
}
