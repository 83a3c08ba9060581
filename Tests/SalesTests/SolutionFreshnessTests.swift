import Core
import FoundationEssentials
import Providers
import Retrieval
import Runtime
import Sales
import Store
import Synchronization
import TestSupport
import Testing

/// An embedder that embeds its first `budget` texts (offline) and then fails like a server that
/// went away mid-reload.
final class FailingAfterEmbedder: Embedder {
    let provider = "openai"
    let model = OfflineEmbedder.modelName
    let budget: Mutex<Int>

    init(budget: Int) { self.budget = Mutex(budget) }

    func embed(_ texts: [String], deadline: Deadline) async throws -> [[Float]] {
        let allowed = budget.withLock { left in
            defer { left -= texts.count }
            return left >= texts.count
        }
        guard allowed else { throw BundleError(.upstreamFailed, "the embeddings server at 127.0.0.1:9 did not answer") }
        return try await OfflineEmbedder().embed(texts, deadline: deadline)
    }
}

/// Vectors that no longer match their solution's text are stale (a reload whose embedding failed
/// leaves them so, and says which), and hits found only by vectors must clear a similarity floor.
@Suite struct SolutionFreshnessTests: SolutionSearchHarness {
    let directory: TemporaryDirectory
    let database: any Database
    static let header = "name,category,description,use_cases,industries,keywords,pricing_model,docs_url\n"
    static let queues = "Amazon SQS,Application Integration,Queues.,Decoupling,all,queue,Per request,https://aws.amazon.com/sqs/\n"

    init() throws {
        (directory, database) = try Self.makeDatabase()
    }

    func writeCatalogue(_ s3Description: String, extra: String = "") throws -> [String: String] {
        let file = directory.file("catalogue.csv")
        try (Self.header + "Amazon S3,Storage,\(s3Description),Backups,all,buckets,Pay-as-you-go,https://aws.amazon.com/s3/\n" + Self.queues + extra)
            .write(toFile: file, atomically: true, encoding: .utf8)
        return ["SALES_SOLUTIONS_CSV": file]
    }

    func staleItems() throws -> [String] {
        let items = try SolutionStore(database: database).embeddingItems()
        let stale = try VectorIndex(database: database, collection: SolutionVectors.collection).stale(items, model: OfflineEmbedder.modelName)
        let solutions = try SolutionStore(database: database).solutions(stale.map(\.id))
        return stale.compactMap { solutions[$0.id]?.name }.sorted()
    }

    @Test func aFailedReloadKeepsTheCatalogueSaysWhatWasNotEmbeddedAndSearchCatchesUp() async throws {
        let config = try writeCatalogue("Objects.")
        #expect(try await call(ReloadSolutionsHandler(), [:], context: context(OfflineEmbedder(), config))["embedded"] == 2)

        // Only a text changes: no vector is missing, one is of old text.
        let changed = try writeCatalogue("Objects in buckets with lifecycle rules.")
        let error = await #expect(throws: BundleError.self) {
            try await call(ReloadSolutionsHandler(), [:], context: context(FailingEmbedder(), changed))
        }
        #expect(error?.code == .upstreamFailed)
        #expect(error?.message.contains("the catalogue was saved (0 added, 1 updated, 1 unchanged) but embedding failed after 0 of 1") == true, "\(error?.message ?? "")")
        #expect(error?.details?.first { $0.field == "not_embedded" }?.problem == "Amazon S3")
        #expect(error?.details?.first { $0.field == "embedding" }?.problem.contains("did not answer") == true)
        #expect(try SolutionStore(database: database).list(.init(), limit: 10, offset: 0).solutions.first { $0.name == "Amazon S3" }?
            .description == "Objects in buckets with lifecycle rules.")

        let vectors = SolutionVectors(database: database, embedder: OfflineEmbedder())
        let state = try vectors.state()
        #expect(state.missing == 0 && state.changed == 1 && state.stale == 1)
        #expect(try staleItems() == ["Amazon S3"])

        // The next search re-embeds it before answering.
        let found = try await call(SearchSolutionsHandler(), ["q": "lifecycle rules"], context: context(OfflineEmbedder(), changed))
        #expect(found["mode"] == "hybrid" && names(found).first == "Amazon S3")
        #expect(try staleItems().isEmpty)
        #expect(try vectors.state().stale == 0)
    }

    @Test func aSyncThatFailsPartWayKeepsWhatItEmbeddedAndNamesTheRest() async throws {
        let config = try writeCatalogue("Objects.", extra: "Amazon SNS,Application Integration,Notifications.,Fan-out,all,push,Per publish,https://aws.amazon.com/sns/\n")
        _ = try SolutionStore(database: database).upsertCatalogue(try SolutionCatalogue.load(Config(config)), now: Date())
        let report = try await SolutionVectors(database: database, embedder: FailingAfterEmbedder(budget: 1))
            .syncReport(deadline: Deadline(seconds: 10), now: Date(), batchSize: 1)
        #expect(report.embedded.count == 1 && report.pending.count == 2)
        #expect(report.failure?.code == .upstreamFailed)
        #expect(try staleItems().count == 2)

        let error = await #expect(throws: BundleError.self) {
            try await call(ReloadSolutionsHandler(), [:], context: context(FailingAfterEmbedder(budget: 0), config))
        }
        #expect(error?.details?.first { $0.field == "embedded" }?.problem == "0 of 2 solutions")
        #expect(error?.details?.first { $0.field == "not_embedded" }?.problem.split(separator: ",").count == 2)
    }

    @Test func nonsenseMatchesNothingButRealMatchesStay() async throws {
        let nonsense = try await call(SearchSolutionsHandler(), ["q": "xqzvk plorbt wuggle", "limit": 10])
        #expect(nonsense["mode"] == "hybrid")
        #expect(names(nonsense).isEmpty, "\(names(nonsense))")
        #expect(nonsense["total"] == 0)

        // The floor is configurable: at -1 every vector hit counts again.
        let open = try await call(SearchSolutionsHandler(), ["q": "xqzvk plorbt wuggle", "limit": 10],
                                  context: context(OfflineEmbedder(), ["SOLUTION_MIN_SIMILARITY": "-1"]))
        #expect(names(open).count == 10)

        // A hit full text found stays whatever its similarity.
        let strict = try await call(SearchSolutionsHandler(), ["q": "managed relational database", "limit": 5],
                                    context: context(OfflineEmbedder(), ["SOLUTION_MIN_SIMILARITY": "0.99"]))
        #expect(names(strict).prefix(2).contains("Amazon RDS"))
        #expect(strict["results"]?.arrayValue?.allSatisfy { $0["found_by"]?.arrayValue?.contains("full_text") == true } == true)

        let bad = await #expect(throws: BundleError.self) {
            try await call(SearchSolutionsHandler(), ["q": "x"], context: context(OfflineEmbedder(), ["SOLUTION_MIN_SIMILARITY": "2"]))
        }
        #expect(bad?.details?.first?.field == "SOLUTION_MIN_SIMILARITY")
    }

    @Test func meaningWithoutSharedWordsClearsTheFloor() async throws {
        let found = try await call(SearchSolutionsHandler(), ["q": "narrate aloud", "limit": 3], context: context(ConceptEmbedder()))
        #expect(names(found).first == "Amazon Polly")
        #expect(found["results"]?.arrayValue?.first?["found_by"] == ["vector"])
    }
}
