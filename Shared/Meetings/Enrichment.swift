import Core
import FoundationEssentials
import Providers

/// What the searches found for one meeting, per category, with the queries that found it.
package struct Enrichment: Codable, Sendable, Equatable {
    package struct Category: Codable, Sendable, Equatable {
        package var query: String
        package var freshness: String
        package var sources: [SearchResult]
        /// Why this search gave nothing, when it failed.
        package var error: String?

        package init(query: String, freshness: String, sources: [SearchResult], error: String?) {
            self.query = query
            self.freshness = freshness
            self.sources = sources
            self.error = error
        }
    }

    package var provider: String
    package var news: Category
    package var rolePains: Category
    package var competitors: Category
    package var warnings: [String]
    package var enrichedAt: String

    package init(provider: String, news: Category, rolePains: Category, competitors: Category, warnings: [String], enrichedAt: String) {
        self.provider = provider
        self.news = news
        self.rolePains = rolePains
        self.competitors = competitors
        self.warnings = warnings
        self.enrichedAt = enrichedAt
    }

    enum CodingKeys: String, CodingKey {
        case provider, news, competitors, warnings
        case rolePains = "role_pains"
        case enrichedAt = "enriched_at"
    }

    /// Every source URL, for checking that synthesis cites only these.
    package var sourceURLs: Set<String> {
        Set((news.sources + rolePains.sources + competitors.sources).map(\.url))
    }

    package static let schema: JSONValue = {
        let category = Schema.object([
            "query": Schema.string(), "freshness": Schema.string(), "sources": Schema.array(SearchResult.schema),
            "error": Schema.nullable(Schema.string()),
        ])
        return Schema.object([
            "provider": Schema.string(), "news": category, "role_pains": category, "competitors": category,
            "warnings": Schema.array(Schema.string()), "enriched_at": Schema.string(format: "date-time"),
        ])
    }()
}

/// The three searches of enrichment, run at once: company news (past month), the role's pains
/// (past year) and the competitor landscape (past month), with queries shaped by the steering
/// profile. Sources are de-duplicated by URL across categories. One failed search becomes a
/// warning; all three failing is `upstream_failed`.
package struct Enricher: Sendable {
    let search: any SearchProvider
    let count: Int

    package init(search: any SearchProvider, count: Int = 6) {
        self.search = search
        self.count = count
    }

    package struct Subject: Sendable {
        package var company: String?
        package var role: String?
        package var title: String

        package init(company: String?, role: String?, title: String) {
            self.company = company
            self.role = role
            self.title = title
        }
    }

    /// The three queries; the company ones are nil when the meeting names no company (a free-mail
    /// attendee): searching its title instead found other companies' news.
    package static func queries(_ subject: Subject, steering: SteeringProfile) -> (news: String?, rolePains: String, competitors: String?) {
        let company = subject.company?.trimmingWhitespace().isEmpty == false ? subject.company : nil
        let role = subject.role ?? "sales leader"
        let focus = Self.keywords(steering.productFocus, limit: 3)
        let named = steering.competitors.prefix(3).joined(separator: " ")
        // The company as an exact phrase: results about other companies that share a word are noise.
        return (company.map { "\"\($0)\" news" }, "\(role) challenges \(focus)".trimmingWhitespace(),
                company.map { "\"\($0)\" competitors \(named)".trimmingWhitespace() })
    }

    package func enrich(_ subject: Subject, steering: SteeringProfile, now: Date, deadline: Deadline) async throws -> Enrichment {
        let (newsQuery, painsQuery, competitorsQuery) = Self.queries(subject, steering: steering)
        async let news = run(newsQuery, .month, deadline: deadline)
        async let pains = run(painsQuery, .year, deadline: deadline)
        async let competitors = run(competitorsQuery, .month, deadline: deadline)
        var categories = [await news, await pains, await competitors]
        let failures = categories.compactMap(\.error)
        if failures.count == [newsQuery, painsQuery, competitorsQuery].compactMap({ $0 }).count {
            throw BundleError(.upstreamFailed, "every search failed: " + failures.joined(separator: "; "))
        }
        // A URL is kept in the first category that found it.
        var seen = Set<String>()
        for index in categories.indices {
            categories[index].sources = categories[index].sources.filter { seen.insert(Self.normalized($0.url)).inserted }
        }
        var warnings = zip(["news", "role_pains", "competitors"], categories).compactMap { name, category in
            category.error.map { "\(name) search failed: \($0)" }
        }
        if newsQuery == nil {
            warnings.append("no company for this meeting (the attendee writes from a free-mail address): company news and competitors were not searched")
        }
        if categories.allSatisfy({ $0.sources.isEmpty }) {
            warnings.append(search.name == "offline"
                ? "offline search found nothing: set YOUCOM_API_KEY, or OFFLINE_SEARCH_CORPUS to a document file"
                : "the searches found nothing for this meeting")
        }
        return Enrichment(provider: search.name, news: categories[0], rolePains: categories[1], competitors: categories[2],
                          warnings: warnings, enrichedAt: Timestamp.format(now))
    }

    private func run(_ query: String?, _ freshness: Freshness, deadline: Deadline) async -> Enrichment.Category {
        guard let query else { return Enrichment.Category(query: "", freshness: freshness.rawValue, sources: [], error: nil) }
        do {
            let results = try await search.search(query, freshness: freshness, count: count, deadline: deadline)
            var seen = Set<String>()
            let unique = results.filter { seen.insert(Self.normalized($0.url)).inserted }
            return Enrichment.Category(query: query, freshness: freshness.rawValue, sources: unique, error: nil)
        } catch let error as BundleError {
            return Enrichment.Category(query: query, freshness: freshness.rawValue, sources: [], error: error.message)
        } catch let error as any BundleErrorConvertible {
            return Enrichment.Category(query: query, freshness: freshness.rawValue, sources: [], error: error.bundleError.message)
        } catch {
            return Enrichment.Category(query: query, freshness: freshness.rawValue, sources: [], error: "the search failed")
        }
    }

    /// The same page under small spelling differences: case of scheme and host, `www.`, a
    /// trailing slash, a fragment, tracking parameters.
    package static func normalized(_ url: String) -> String {
        var text = url.trimmingWhitespace()
        if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
        var query = ""
        if let mark = text.firstIndex(of: "?") {
            query = text[text.index(after: mark)...].split(separator: "&")
                .filter { !$0.lowercased().hasPrefix("utm_") && !$0.hasPrefix("fbclid=") && !$0.hasPrefix("gclid=") }.joined(separator: "&")
            text = String(text[..<mark])
        }
        var lower = text
        if let scheme = text.firstRange(of: "://") {
            let host = text[scheme.upperBound...].prefix { $0 != "/" }
            let rest = text[scheme.upperBound...].dropFirst(host.count)
            var hostText = host.lowercased()
            if hostText.hasPrefix("www.") { hostText.removeFirst(4) }
            lower = "https://" + hostText + rest
        }
        if lower.hasSuffix("/") { lower.removeLast() }
        return query.isEmpty ? lower : lower + "?" + query
    }

    static func keywords(_ text: String, limit: Int) -> String {
        let stop: Set<String> = ["an", "the", "that", "for", "every", "and", "with", "ai", "assistant", "prepares", "their", "a", "of", "to"]
        return text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
            .filter { $0.count > 3 && !stop.contains($0) }.prefix(limit).joined(separator: " ")
    }
}
