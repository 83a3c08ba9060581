import Core
import HTTPTransport

/// One web or news result, as every search provider reports it.
package struct SearchResult: Codable, Sendable, Equatable {
    package var url: String
    package var title: String
    package var snippet: String
    /// When the page was published or last changed, as the provider says (UTC ISO-8601 when known).
    package var published: String?

    package init(url: String, title: String, snippet: String, published: String? = nil) {
        self.url = url
        self.title = title
        self.snippet = snippet
        self.published = published
    }

    package static let schema: JSONValue = Schema.object([
        "url": Schema.string(), "title": Schema.string(), "snippet": Schema.string(), "published": Schema.nullable(Schema.string()),
    ])
}

/// How recent results must be; `anyTime` sets no limit (reference pages stay current for years).
package enum Freshness: String, Sendable, Codable {
    case day, week, month, year
    case anyTime = "any"

    /// The window in seconds; nil when there is none.
    var seconds: Double? {
        switch self {
        case .day: 86_400
        case .week: 7 * 86_400
        case .month: 31 * 86_400
        case .year: Self.yearSeconds
        case .anyTime: nil
        }
    }

    static let yearSeconds: Double = 366 * 86_400
}

/// Web search. You.com, or `offline`: the bundle's own document corpus, no network.
package protocol SearchProvider: Sendable {
    var name: String { get }
    func search(_ query: String, freshness: Freshness, count: Int, deadline: Deadline) async throws -> [SearchResult]
}

/// Chooses the search provider: `SEARCH_PROVIDER` = `youcom` or `offline`; unset, `youcom` when
/// `YOUCOM_API_KEY` is set, else `offline`.
package enum SearchSelection {
    package static func make(_ config: Config, transport: any Transport, now: @escaping @Sendable () -> Double) throws -> any SearchProvider {
        let name = config["SEARCH_PROVIDER"]?.lowercased() ?? (config["YOUCOM_API_KEY"] == nil ? "offline" : "youcom")
        switch name {
        case "youcom", "you.com", "you":
            return YouComSearch(baseURL: config["YOUCOM_BASE_URL"] ?? YouComSearch.defaultBaseURL,
                                apiKey: try config.require("YOUCOM_API_KEY", for: "the You.com search provider"), transport: transport)
        case "offline", "none":
            return try OfflineSearch(corpusPath: config["OFFLINE_SEARCH_CORPUS"], now: now)
        default:
            throw BundleError.misconfigured(variable: "SEARCH_PROVIDER", "must be youcom or offline, got \"\(name.prefix(40))\"")
        }
    }
}
