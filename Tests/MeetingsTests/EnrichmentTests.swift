import Core
import Foundation
import HTTPTransport
import Meetings
import Providers
import TestSupport
import Testing

/// A search provider scripted per query: results, or a failure.
struct ScriptedSearch: SearchProvider {
    let name = "scripted"
    let answers: @Sendable (String) throws -> [SearchResult]

    func search(_ query: String, freshness: Freshness, count: Int, deadline: Deadline) async throws -> [SearchResult] {
        try answers(query)
    }
}

@Suite struct EnrichmentTests {
    let subject = Enricher.Subject(company: "Northwind Logistics", role: "VP Operations", title: "Discovery call")
    let now = Timestamp.parse("2026-01-05T00:00:00Z")!

    @Test func threeCategoriesDeDuplicatedByURL() async throws {
        let shared = SearchResult(url: "https://www.news.example/story/?utm_source=x", title: "Story", snippet: "s")
        let search = ScriptedSearch { query in
            if query.hasSuffix("news") { return [shared, SearchResult(url: "https://news.example/other", title: "Other", snippet: "o")] }
            if query.contains("competitors") { return [SearchResult(url: "https://news.example/story", title: "Same story", snippet: "s")] }
            return [SearchResult(url: "https://blog.example/pains", title: "Pains", snippet: "p")]
        }
        let enrichment = try await Enricher(search: search).enrich(subject, steering: .defaultProfile, now: now, deadline: Deadline(seconds: 5))
        #expect(enrichment.news.sources.count == 2)
        #expect(enrichment.competitors.sources.isEmpty, "the same page, spelled differently, stays in news only")
        #expect(enrichment.rolePains.sources.map(\.url) == ["https://blog.example/pains"])
        #expect(enrichment.news.query == "\"Northwind Logistics\" news")
        #expect(enrichment.competitors.query.contains("Gong"), "competitor queries name the steering profile's competitors")
        #expect(enrichment.warnings.isEmpty)
    }

    @Test func withoutACompanyOnlyTheRoleIsSearched() async throws {
        let search = ScriptedSearch { query in
            [SearchResult(url: "https://x.example/\(query.count)", title: "Fernhill Health moves patient booking online", snippet: "s")]
        }
        let subject = Enricher.Subject(company: nil, role: nil, title: "Workshop with a freelance designer")
        let enrichment = try await Enricher(search: search).enrich(subject, steering: .defaultProfile, now: now, deadline: Deadline(seconds: 5))
        #expect(enrichment.news.sources.isEmpty && enrichment.news.query.isEmpty, "the meeting title is no company to search news for")
        #expect(enrichment.competitors.sources.isEmpty)
        #expect(enrichment.rolePains.sources.count == 1)
        #expect(enrichment.warnings.contains { $0.hasPrefix("no company for this meeting") })
    }

    @Test func oneFailedSearchIsAWarningAllFailedIsUpstreamFailed() async throws {
        let partial = ScriptedSearch { query in
            if query.contains("competitors") { throw BundleError(.upstreamFailed, "You.com search failed: HTTP 500") }
            return [SearchResult(url: "https://x.example/\(query.count)", title: "t", snippet: "s")]
        }
        let enrichment = try await Enricher(search: partial).enrich(subject, steering: .defaultProfile, now: now, deadline: Deadline(seconds: 5))
        #expect(enrichment.competitors.error == "You.com search failed: HTTP 500")
        #expect(enrichment.warnings == ["competitors search failed: You.com search failed: HTTP 500"])
        #expect(!enrichment.news.sources.isEmpty)
        let broken = ScriptedSearch { _ in throw BundleError(.upstreamFailed, "down") }
        await #expect(throws: BundleError.self) {
            try await Enricher(search: broken).enrich(subject, steering: .defaultProfile, now: now, deadline: Deadline(seconds: 5))
        }
    }

    @Test func youComWireFormat() async throws {
        let server = try LoopbackServer { request in
            guard request.header("X-API-Key") == "ydc-key" else { return .json(401, ["detail": "bad key"]) }
            if request.path.contains("query=rate") { return .json(429, ["detail": "slow down"]) }
            return .json(200, ["results": [
                "web": [["url": "https://a.example", "title": "A", "description": "desc A", "snippets": ["snippet A"], "page_age": "2025-12-01T10:00:00"]],
                "news": [["url": "https://b.example", "title": "B", "description": "desc B"]],
            ]])
        }
        let search = YouComSearch(baseURL: server.baseURL + "/", apiKey: "ydc-key", transport: try CurlTransport(config: Config([:])))
        let results = try await search.search("Northwind & co", freshness: .month, count: 5, deadline: Deadline(seconds: 5))
        #expect(results.map(\.url) == ["https://b.example", "https://a.example"])
        #expect(results[1].snippet == "snippet A")
        #expect(results[1].published == "2025-12-01T10:00:00Z")
        #expect(server.requests.first?.path == "/v1/search?query=Northwind%20%26%20co&count=5&freshness=month")
        do {
            _ = try await search.search("rate", freshness: .day, count: 1, deadline: Deadline(seconds: 5))
            Issue.record("expected rate_limited")
        } catch let error as BundleError {
            #expect(error.code == .rateLimited)
            #expect(error.message.contains("slow down"))
        }
        let noResults = try LoopbackServer { _ in .json(200, ["results": [:]]) }
        #expect(try await YouComSearch(baseURL: noResults.baseURL, apiKey: "k", transport: try CurlTransport(config: Config([:])))
                    .search("x", freshness: .day, count: 1, deadline: Deadline(seconds: 5)).isEmpty)
    }

    @Test func offlineSearchRanksTheCorpusWithinTheWindow() async throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/enrich/corpus.json").path
        let search = try OfflineSearch(corpusPath: corpus, now: { 1_767_571_200 })  // 2026-01-05
        let news = try await search.search("\"Northwind Logistics\" news", freshness: .month, count: 5, deadline: Deadline(seconds: 1))
        #expect(!news.isEmpty && news.allSatisfy { $0.title.contains("Northwind Logistics") })
        // BM25: the rarer term decides ("cfo" is in one document, "northwind" in four).
        #expect(try await search.search("Northwind CFO", freshness: .month, count: 5, deadline: Deadline(seconds: 1)).first?.title
                == "Northwind Logistics hires a new CFO")
        #expect(try await search.search("fleet trucks", freshness: .month, count: 5, deadline: Deadline(seconds: 1)).map(\.url)
                == ["https://news.example/northwind-logistics-expands-fleet"])
        let phrase = try await search.search("\"Contoso Retail\" competitors Gong Clari", freshness: .month, count: 5, deadline: Deadline(seconds: 1))
        #expect(phrase.isEmpty, "a quoted company must appear; shared competitor names alone are no match")
        #expect(!news.contains { $0.url.hasSuffix("2019") }, "older than a month")
        // Sharing two common words ("sales reps") with another company's story is no match: the
        // role query finds the piece about sales teams, not Fernhill Health's booking system.
        let pains = try await search.search("sales leader challenges sales reps customer", freshness: .year, count: 6, deadline: Deadline(seconds: 1))
        #expect(pains.map(\.title) == ["Sales teams lose hours to meeting research"])
        #expect(try await search.search("\"Workshop with a freelance designer\" news", freshness: .month, count: 5,
                                        deadline: Deadline(seconds: 1)).isEmpty, "nothing rather than another company's news")
        #expect(try await OfflineSearch(corpusPath: nil, now: { 0 }).search("anything", freshness: .year, count: 5,
                                                                             deadline: Deadline(seconds: 1)).isEmpty)
    }
}
