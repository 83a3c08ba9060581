import Core
import FoundationEssentials
import Jobs
import Providers
import Retrieval
import Runtime
import Sales
import Store
import TestSupport
import Testing

/// An embedder that knows a few concepts by their words (and their synonyms), so a test can ask
/// by meaning with words the catalogue does not hold.
struct ConceptEmbedder: Embedder {
    let provider = "test"
    let model: String
    static let concepts: [[String]] = [["speech", "voice", "voices", "narrate", "aloud"], ["database", "databases", "relational"],
                                       ["queue", "queues"], ["storage", "files", "archive"]]

    init(model: String = "concepts-1") { self.model = model }

    func embed(_ texts: [String], deadline: Deadline) async throws -> [[Float]] {
        texts.map { text in
            let words = Set(Words.split(text.lowercased()))
            return Self.concepts.map { concept in Float(concept.filter(words.contains).count) } + [0.01]
        }
    }
}

/// An embedder whose server is down.
struct FailingEmbedder: Embedder {
    let provider = "openai"
    // The model the stored vectors are of: only the query cannot be embedded.
    let model = OfflineEmbedder.modelName
    func embed(_ texts: [String], deadline: Deadline) async throws -> [[Float]] {
        throw BundleError(.upstreamFailed, "the embeddings server at 127.0.0.1:9 did not answer")
    }
}

@Suite struct SolutionSearchTests: SolutionSearchHarness {
    let directory: TemporaryDirectory
    let database: any Database

    init() throws {
        (directory, database) = try Self.makeDatabase()
    }

    @Test func theBundledCatalogueHoldsFortyRealServicesWithTheirPages() throws {
        let drafts = try SolutionCatalogue.parse(SolutionCatalogueCSV.text)
        #expect(drafts.count >= 40)
        #expect(Set(drafts.map(\.name)).count == drafts.count)
        for draft in drafts {
            #expect(draft.name.hasPrefix("Amazon ") || draft.name.hasPrefix("AWS "), "\(draft.name)")
            let url = try #require(draft.docsURL)
            #expect(url.hasPrefix("https://aws.amazon.com/") || url.hasPrefix("https://docs.aws.amazon.com/"), "\(url)")
            #expect(!draft.useCases.isEmpty && !draft.industries.isEmpty && !draft.keywords.isEmpty, "\(draft.name)")
        }
    }

    @Test func aBadCatalogueRowNamesItsLine() {
        let error = #expect(throws: BundleError.self) {
            try SolutionCatalogue.parse("name,category,description,pricing_model\nA,B,C,D\n,Compute,No name,Free\nA,B,C,D\n")
        }
        #expect(error?.details?.map(\.field) == ["line 3: name", "line 4: name"])
    }

    @Test func firstUseLoadsAndEmbedsTheCatalogueOnce() async throws {
        let listed = try await call(ListSolutionsHandler(), ["limit": 5])
        let total = try #require(listed["total"]?.intValue)
        #expect(total >= 40)
        #expect(listed["solutions"]?.arrayValue?.count == 5)
        #expect(try VectorIndex(database: database, collection: SolutionVectors.collection).countsByModel() == [OfflineEmbedder.modelName: total])
        #expect(try await context().ensureSolutionCatalogue() == nil)
    }

    @Test func hybridSearchFusesBothListsWithTheOfflineEmbedder() async throws {
        let output = try await call(SearchSolutionsHandler(), ["q": "managed relational database with automated backups", "limit": 5])
        #expect(output["mode"] == "hybrid")
        #expect(output["embeddings"] == ["provider": "offline", "model": .string(OfflineEmbedder.modelName)])
        #expect(Array(names(output).prefix(3)).contains("Amazon RDS"))
        let top = try #require(output["results"]?.arrayValue?.first)
        #expect(top["found_by"] == ["full_text", "vector"])
        #expect(top["full_text_rank"]?.intValue != nil && top["vector_rank"]?.intValue != nil)
        #expect((top["similarity"]?.doubleValue ?? 0) > 0)
    }

    @Test func fullTextAloneWhenTheEmbedderFails() async throws {
        _ = try await call(ListSolutionsHandler(), [:])
        let output = try await call(SearchSolutionsHandler(), ["q": "Kafka event streaming"], context: context(FailingEmbedder()))
        #expect(output["mode"] == "full_text")
        #expect(output["notice"]?.stringValue?.contains("did not answer") == true)
        #expect(names(output).first == "Amazon MSK")
        #expect(output["results"]?.arrayValue?.allSatisfy { $0["found_by"] == ["full_text"] } == true)
    }

    @Test func vectorsAloneFindMeaningWithoutSharedWords() async throws {
        let context = context(ConceptEmbedder())
        let output = try await call(SearchSolutionsHandler(), ["q": "narrate aloud", "limit": 3], context: context)
        #expect(output["mode"] == "hybrid")
        #expect(names(output).first == "Amazon Polly")
        #expect(output["results"]?.arrayValue?.allSatisfy { $0["found_by"] == ["vector"] } == true)
    }

    @Test func filtersApplyToBothListsFirst() async throws {
        let output = try await call(SearchSolutionsHandler(), ["q": "records data analytics", "industry": "HEALTHCARE", "limit": 50])
        let results = try #require(output["results"]?.arrayValue)
        #expect(!results.isEmpty)
        let solutions = try SolutionStore(database: database).solutions(results.compactMap { $0["solution_id"]?.intValue })
        for solution in solutions.values {
            let industries = Set(solution.industries.map { $0.lowercased() })
            #expect(!industries.isDisjoint(with: ["healthcare", "all", "cross-industry"]), "\(solution.name)")
        }
        #expect(solutions.values.contains { $0.name == "AWS HealthLake" })
        #expect(!solutions.values.contains { $0.name == "Amazon Personalize" })
        let storage = try await call(SearchSolutionsHandler(), ["q": "files", "category": "storage"])
        #expect(storage["results"]?.arrayValue?.allSatisfy { $0["category"] == "Storage" } == true)
        #expect(storage["total"]?.intValue ?? 0 > 0)
        let listed = try await call(ListSolutionsHandler(), ["industry": "gaming", "category": "Security Identity & Compliance"])
        #expect(listed["solutions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.contains("AWS Shield") == true)
    }

    @Test(arguments: ["\"unbalanced", "NOT AND OR", "name:* NEAR(", "%_\\' --", String(repeating: "é😀", count: 900)])
    func hostileQueriesAnswer(query: String) async throws {
        let output = try await call(SearchSolutionsHandler(), ["q": .string(query), "industry": "%\"_"])
        #expect(output["mode"] == "hybrid")
    }

    @Test func aModelChangeQueuesOneReembedJobAndSearchesFullTextMeanwhile() async throws {
        _ = try await call(ListSolutionsHandler(), [:])
        let changed = ConceptEmbedder(model: "concepts-2")
        let first = try await call(SearchSolutionsHandler(), ["q": "message queues"], context: context(changed))
        #expect(first["mode"] == "full_text")
        #expect(first["notice"]?.stringValue?.contains("re-embedded") == true)
        let job = try #require(first["reembed_job_id"]?.intValue)
        let second = try await call(SearchSolutionsHandler(), ["q": "relational database"], context: context(changed))
        #expect(second["reembed_job_id"]?.intValue == job)
        #expect(try JobQueue(database: database).job(job)?.function == "reembed-solutions")
        #expect(try JobQueue(database: database).list(status: nil, function: "reembed-solutions", before: nil, limit: 10).count == 1)

        let ran = try await call(ReembedSolutionsHandler(), ["model": "concepts-2"], context: context(changed))
        #expect(ran["embedded"]?.intValue == (try SolutionStore(database: database).count()))
        let after = try await call(SearchSolutionsHandler(), ["q": "narrate aloud"], context: context(changed))
        #expect(after["mode"] == "hybrid")
        #expect(names(after).first == "Amazon Polly")
        #expect(try VectorIndex(database: database, collection: SolutionVectors.collection).countsByModel().keys.sorted() == ["concepts-2"])
    }

    @Test func createdSolutionsAreEmbeddedAtOnceAndNamesAreUnique() async throws {
        let created = try await call(CreateSolutionHandler(), [
            "name": "Acme Quantum Ledger", "category": "Blockchain", "description": "An immutable ledger for supply chains.",
            "use_cases": "Provenance; Audits", "industries": ["manufacturing"], "keywords": ["ledger"], "pricing_model": "Per transaction",
            "docs_url": "https://example.com/ledger",
        ])
        #expect(created["source"] == "api")
        #expect(created["use_cases"] == ["Provenance", "Audits"])
        let id = try #require(created["id"]?.intValue)
        #expect(try VectorIndex(database: database, collection: SolutionVectors.collection)
            .stale([VectorIndex.Item(id: id, text: "x")], model: OfflineEmbedder.modelName).count == 1)  // stored with its own text
        let found = try await call(SearchSolutionsHandler(), ["q": "immutable ledger provenance"])
        #expect(names(found).first == "Acme Quantum Ledger")
        #expect(found["results"]?.arrayValue?.first?["found_by"] == ["full_text", "vector"])

        let duplicate = await #expect(throws: BundleError.self) {
            try await call(CreateSolutionHandler(), ["name": "Acme Quantum Ledger", "category": "x", "description": "y", "pricing_model": "z"])
        }
        #expect(duplicate?.code == .conflict)
        let invalid = await #expect(throws: BundleError.self) {
            try await call(CreateSolutionHandler(), ["name": " ", "category": "x", "description": "y", "pricing_model": "z", "docs_url": "ftp://x"])
        }
        #expect(invalid?.details?.map(\.field) == ["name", "docs_url"])
        // A failing embedder stores nothing.
        _ = await #expect(throws: BundleError.self) {
            try await call(CreateSolutionHandler(), ["name": "Half stored", "category": "x", "description": "y", "pricing_model": "z"],
                           context: context(FailingEmbedder()))
        }
        #expect(try database.read { try $0.queryOne("SELECT id FROM sales_solutions WHERE name = 'Half stored'") } == nil)
    }

    @Test func reloadUpsertsByNameAndReembedsOnlyWhatChanged() async throws {
        let file = directory.file("catalogue.csv")
        let header = "name,category,description,use_cases,industries,keywords,pricing_model,docs_url\n"
        try (header + "Amazon S3,Storage,Objects.,Backups,all,buckets,Pay-as-you-go,https://aws.amazon.com/s3/\n"
             + "Amazon SQS,Application Integration,Queues.,Decoupling,all,queue,Per request,https://aws.amazon.com/sqs/\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let config = ["SALES_SOLUTIONS_CSV": file]
        let first = try await call(ReloadSolutionsHandler(), [:], context: context(OfflineEmbedder(), config))
        #expect(first["added"] == 2)
        #expect(first["embedded"] == 2)
        try (header + "Amazon S3,Storage,Objects in buckets.,Backups,all,buckets,Pay-as-you-go,https://aws.amazon.com/s3/\n"
             + "Amazon SQS,Application Integration,Queues.,Decoupling,all,queue,Per request,https://aws.amazon.com/sqs/\n"
             + "Amazon SNS,Application Integration,Notifications.,Fan-out,all,push,Per publish,https://aws.amazon.com/sns/\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let second = try await call(ReloadSolutionsHandler(), [:], context: context(OfflineEmbedder(), config))
        #expect(second["added"] == 1)
        #expect(second["updated"] == 1)
        #expect(second["unchanged"] == 1)
        #expect(second["embedded"] == 2)
        #expect(second["source"] == .string(file))
        let found = try await call(SearchSolutionsHandler(), ["q": "buckets"], context: context(OfflineEmbedder(), config))
        #expect(found["results"]?.arrayValue?.first?["description"] == "Objects in buckets.")
    }

    @Test func theResearchWorkflowMatchesThroughTheContext() async throws {
        let matches = try await context().solutionMatching().match(SolutionQuery(text: "Kubernetes containers", industry: "retail", limit: 3),
                                                                   deadline: Deadline(seconds: 10))
        #expect(matches.count == 3)
        #expect(matches.first?.name == "Amazon EKS")
        #expect(matches.allSatisfy { !$0.foundBy.isEmpty && $0.score > 0 })
    }
}
