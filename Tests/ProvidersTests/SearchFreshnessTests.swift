import Core
import Foundation
import HTTPTransport
import Providers
import TestSupport
import Testing

/// `Freshness.anyTime`: You.com is asked without a `freshness` parameter (its API then sets no
/// limit), and the offline search keeps documents of any age.
@Suite struct SearchFreshnessTests {
    @Test func youComIsAskedWithoutFreshnessForAnyTime() async throws {
        let server = try LoopbackServer { _ in .json(200, ["results": ["web": []]]) }
        let search = YouComSearch(baseURL: server.baseURL, apiKey: "ydc-key", transport: try CurlTransport(config: Config([:])))
        _ = try await search.search("order processing", freshness: .anyTime, count: 10, deadline: Deadline(seconds: 5))
        _ = try await search.search("order processing", freshness: .year, count: 10, deadline: Deadline(seconds: 5))
        #expect(server.requests.map(\.path) == ["/v1/search?query=order%20processing&count=10",
                                                "/v1/search?query=order%20processing&count=10&freshness=year"])
    }

    @Test func offlineSearchKeepsOldDocumentsForAnyTime() async throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/enrich/corpus.json").path
        let search = try OfflineSearch(corpusPath: corpus, now: { 1_767_571_200 })  // 2026-01-05
        let old = "https://news.example/northwind-2019"
        #expect(try await search.search("Northwind depot", freshness: .year, count: 5, deadline: Deadline(seconds: 1)).map(\.url).contains(old) == false)
        #expect(try await search.search("Northwind depot", freshness: .anyTime, count: 5, deadline: Deadline(seconds: 1)).map(\.url).contains(old))
    }
}
