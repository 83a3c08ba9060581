import Core
import Providers

/// One page a provider found for an architecture question, before the search keeps only
/// architecture and solution pages.
package struct ArchitectureHit: Sendable, Equatable {
    package var title: String
    package var url: String
    package var summary: String

    package init(title: String, url: String, summary: String) {
        self.title = title
        self.url = url
        self.summary = summary
    }
}

/// A provider reference-architecture search asks: the MCP documentation server or web search
/// (tests hand in fakes). `name` is what answers call it; `identity` tells two configurations
/// apart in the cache (another server, another search provider).
package protocol ArchitectureSource: Sendable {
    var name: String { get }
    var identity: String { get }
    func find(_ query: ArchitectureQuery, deadline: Deadline) async throws -> [ArchitectureHit]
}

extension ArchitectureQuery {
    /// The question in words: the text, then the industry when there is one.
    var phrase: String {
        ([text] + (industry.map { ["for", $0] } ?? [])).joined(separator: " ")
    }

    /// How many pages to ask each provider for: more than the limit, since only architecture
    /// and solution pages are kept, within what a search answers at once.
    var askedCount: Int { min(20, max(10, limit * 3)) }
}

/// The MCP documentation server's search tool (`MCP_SEARCH_TOOL`, `search_documentation` on the
/// AWS Knowledge server), asked for the question plus "reference architecture", within
/// `MCP_TIMEOUT_SECONDS`. One session per search, closed after.
package struct MCPArchitectureSource: ArchitectureSource {
    package let name = "mcp"
    let connector: MCPConnector

    package init(connector: MCPConnector) {
        self.connector = connector
    }

    package var identity: String { "mcp:" + connector.settings.serverKey }

    package func find(_ query: ArchitectureQuery, deadline: Deadline) async throws -> [ArchitectureHit] {
        let settings = connector.settings
        let budget = Deadline(after: min(settings.timeout, deadline.remaining))
        let client = try connector.connect()
        let result: Result<[DocumentationHit], MCPError>
        do throws(MCPError) {
            let tools = try await client.tools(deadline: budget)
            guard let tool = DocumentationTools.resolve(settings.searchTool, in: tools) else {
                throw MCPError(.toolMissing, "the MCP server has no tool named \(settings.searchTool) (MCP_SEARCH_TOOL)")
            }
            let phrase = String((query.phrase + " reference architecture").prefix(300))
            result = .success(try await DocumentationTools(client: client).search(tool, phrase: phrase, limit: query.askedCount, deadline: budget))
        } catch {
            result = .failure(error)
        }
        await client.close(deadline: Deadline(after: .seconds(2)))
        return try result.get().map { ArchitectureHit(title: $0.title, url: $0.url, summary: $0.excerpt ?? "") }
    }
}

/// Web search scoped to AWS's architecture pages: the Architecture Center and the Solutions
/// Library, asked at once (the slower answer is the cost, not the sum) and interleaved by rank,
/// of any age (reference architectures stay current for years).
/// Either query answering is an answer; both failing is the provider's failure.
package struct WebArchitectureSource: ArchitectureSource {
    package let name = "web"
    let provider: any SearchProvider

    package init(provider: any SearchProvider) {
        self.provider = provider
    }

    package var identity: String { "web:" + provider.name }

    static func queries(_ query: ArchitectureQuery) -> [String] {
        let phrase = String(query.phrase.prefix(300))
        return [phrase + " reference architecture site:aws.amazon.com/architecture", phrase + " site:aws.amazon.com/solutions"]
    }

    package func find(_ query: ArchitectureQuery, deadline: Deadline) async throws -> [ArchitectureHit] {
        let queries = Self.queries(query)
        let provider = self.provider
        let count = query.askedCount
        // Each outcome is settled inside the task and placed by the query's position. (A child
        // returning `(index, .success(try await …))` from a `do` lost its index in Swift 6.3.1's
        // release builds, which put the answers in completion order.)
        let answers = await BoundedFanOut.map(queries, width: queries.count) { text -> Result<[SearchResult], any Error> in
            do {
                return .success(try await provider.search(text, freshness: .anyTime, count: count, deadline: deadline))
            } catch {
                return .failure(error)
            }
        }
        var lists: [[SearchResult]] = []
        var failure: (any Error)?
        for answer in answers {
            switch answer {
            case .success(let results): lists.append(results)
            case .failure(let error): failure = failure ?? error
            }
        }
        if lists.isEmpty, let failure { throw failure }
        // Each query's best first: the lists interleaved by rank.
        var hits: [ArchitectureHit] = []
        for rank in 0..<(lists.map(\.count).max() ?? 0) {
            for list in lists where rank < list.count {
                hits.append(ArchitectureHit(title: list[rank].title, url: list[rank].url, summary: list[rank].snippet))
            }
        }
        return hits
    }
}

