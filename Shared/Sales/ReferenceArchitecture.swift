import Core

/// A reference architecture in a research result: one the research's own URLs held (a tier-2
/// documentation link or a web result) or one reference-architecture search found for the
/// prospect's needs. Never made up: every URL came from a search or the shipped catalogue, and
/// `source` says which (`mcp`, `web`, `catalogue`).
package struct ReferenceArchitecture: Codable, Sendable, Equatable {
    package var title: String
    package var url: String
    /// The solution whose tier-2 documentation gave it; nil when it came from web search or
    /// from reference-architecture search (whose `solutions` name them all).
    package var solution: String?
    package var summary: String
    /// The catalogue solutions it uses, by name.
    package var solutions: [String]
    package var source: String

    package init(title: String, url: String, solution: String?, summary: String = "", solutions: [String] = [], source: String) {
        self.title = title
        self.url = url
        self.solution = solution
        self.summary = summary
        self.solutions = solutions.isEmpty ? solution.map { [$0] } ?? [] : solutions
        self.source = source
    }

    /// One that reference-architecture search found.
    package init(_ result: ArchitectureResult) {
        self.init(title: result.title, url: result.url, solution: nil, summary: result.summary, solutions: result.solutions,
                  source: result.source)
    }

    enum CodingKeys: String, CodingKey {
        case title, url, solution, summary, solutions, source
    }

    /// Findings stored before architectures carried a summary, solutions and source still read.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try container.decode(String.self, forKey: .title)
        url = try container.decode(String.self, forKey: .url)
        solution = try container.decodeIfPresent(String.self, forKey: .solution)
        summary = try container.decodeIfPresent(String.self, forKey: .summary) ?? ""
        solutions = try container.decodeIfPresent([String].self, forKey: .solutions) ?? solution.map { [$0] } ?? []
        source = try container.decodeIfPresent(String.self, forKey: .source) ?? (solution == nil ? "web" : "mcp")
    }

    /// Where AWS publishes architectures: the Architecture Center and its diagrams, the Solutions
    /// Library and its implementation guides, Prescriptive Guidance, the architecture blog.
    static let prefixes = ["https://aws.amazon.com/architecture", "https://docs.aws.amazon.com/architecture",
                           "https://aws.amazon.com/solutions/", "https://aws.amazon.com/solutions/implementations",
                           "https://docs.aws.amazon.com/solutions/", "https://docs.aws.amazon.com/prescriptive-guidance/",
                           "https://aws.amazon.com/blogs/architecture/", "https://d1.awsstatic.com/architecture-diagrams/"]

    /// AWS's own sites, where a page titled as an architecture is one wherever it sits.
    static let awsHosts = ["https://aws.amazon.com/", "https://docs.aws.amazon.com/", "https://d1.awsstatic.com/"]

    static func isArchitecture(_ url: String) -> Bool {
        let lower = normalisedScheme(url)
        return prefixes.contains { lower.hasPrefix($0) }
    }

    /// An architecture or solution page: one of the places above, or an AWS page whose title
    /// calls it a reference architecture, an architecture diagram or a solution implementation.
    package static func isArchitecture(url: String, title: String) -> Bool {
        if isArchitecture(url) { return true }
        let lower = normalisedScheme(url)
        guard awsHosts.contains(where: { lower.hasPrefix($0) }) else { return false }
        let heading = title.lowercased()
        return ["reference architecture", "architecture diagram", "solutions library", "solution implementation"].contains { heading.contains($0) }
    }

    /// The URL as de-duplication compares it: scheme and host lower-cased, `http` read as
    /// `https`, without fragment or trailing slash.
    package static func key(_ url: String) -> String {
        var text = url.trimmingWhitespace()
        if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
        guard let separator = text.firstRange(of: "://") else { return text.lowercased() }
        var scheme = text[..<separator.lowerBound].lowercased()
        if scheme == "http" { scheme = "https" }
        let rest = text[separator.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" }
        var path = String(rest[host.endIndex...])
        while path.hasSuffix("/") { path.removeLast() }
        return scheme + "://" + host.lowercased() + path
    }

    /// Lower-cased, with `http://` read as `https://` (AWS serves both).
    private static func normalisedScheme(_ url: String) -> String {
        var lower = url.lowercased()
        if lower.hasPrefix("http://") { lower = "https://" + lower.dropFirst(7) }
        return lower
    }
}
