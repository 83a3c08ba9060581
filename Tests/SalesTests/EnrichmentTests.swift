import Core
import FoundationEssentials
import Runtime
import Sales
import Testing

/// The offline tier 2: from the catalogue rows, deterministic and labelled.
@Suite struct OfflineEnrichmentTests {
    static let matches = ["Amazon S3", "AWS Lambda", "Amazon DynamoDB", "Amazon SageMaker", "AWS Glue", "Amazon Redshift"].enumerated().map { index, name in
        SolutionMatch(solutionID: index + 1, name: name, category: "Analytics", description: "\(name) does things.",
                      pricingModel: "Pay-as-you-go", docsURL: "https://aws.amazon.com/\(index)/", score: 1 / Double(61 + index),
                      foundBy: ["full_text"])
    }
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func buildsLabelledEnrichmentsFromTheCatalogueRows() async throws {
        let context = FunctionContext(function: "research", requestID: "test", config: Config([:]),
                                      clock: BundleClock(frozenAt: OfflineEnrichmentTests.start), logger: .discarding, deadline: Deadline(seconds: 5))
        let enricher = try context.solutionEnriching()
        let outcome = await enricher.enrich(OfflineEnrichmentTests.matches, usagePattern: "anything", deadline: Deadline(seconds: 5))
        #expect(outcome.provider == "offline" && !outcome.mcpUnavailable && outcome.enrichments.count == 5)
        let first = try #require(outcome.enrichments.first)
        #expect(first.source == "offline" && first.server == nil && !first.cached && first.fetchedAt == "2026-05-28T20:26:40Z")
        #expect(first.summary.contains("offline") && first.documentation.map(\.url) == ["https://aws.amazon.com/0/"])
        let again = await enricher.enrich(OfflineEnrichmentTests.matches, usagePattern: "anything", deadline: Deadline(seconds: 5))
        #expect(again == outcome)
        #expect(try JSONValue(encoding: outcome)["mcp_unavailable"] == false)
    }
}
