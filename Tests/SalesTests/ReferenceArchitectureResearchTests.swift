import Core
import Foundation
import Providers
import Runtime
import Sales
import Store
import Synchronization
import TestSupport
import Testing

/// Research's `match_solutions` with reference-architecture search: it asks for the top 3 with
/// the best tier-1 solutions and the industry, the findings carry them first (title, URL,
/// summary, solutions, source) and then the architectures among research's own URLs, each URL
/// once; a search that fails or cannot be set up is noted and research still succeeds.
@Suite struct ReferenceArchitectureResearchTests {
    static let found = [
        ArchitectureResult(title: "Mainframe modernization reference architecture", url: ResearchHarness.architectureURL,
                           summary: "Refactor with AWS Mainframe Modernization onto Amazon EKS.",
                           solutions: ["AWS Mainframe Modernization", "Amazon EKS"], source: "mcp"),
        ArchitectureResult(title: "Cost-aware containers | Solutions Library", url: "https://aws.amazon.com/solutions/implementations/cost-aware-containers/",
                           summary: "Amazon EKS with AWS Cost Explorer.", solutions: ["Amazon EKS", "AWS Cost Explorer"], source: "web"),
        ArchitectureResult(title: "Batch on containers", url: "https://aws.amazon.com/architecture/batch-on-containers/", summary: "",
                           solutions: [], source: "web"),
        ArchitectureResult(title: "A fourth", url: "https://aws.amazon.com/architecture/fourth/", summary: "", solutions: [], source: "web"),
    ]

    func research(_ harness: ResearchHarness, architectures: (@Sendable () throws -> any ReferenceArchitectureSearching)?) async throws -> JSONValue {
        let (search, matching, enriching, database) = (harness.search, harness.matching, harness.enriching, harness.database)
        let llm = LLMClient(provider: OfflineProvider(), recorder: DatabaseLLMCallRecorder(database: database), function: "run-research",
                            requestID: "req-arch")
        let services = ResearchServices(search: { search }, matching: { matching }, enriching: { enriching }, llm: { llm },
                                        countLLMCalls: ResearchServices.llmCallCounter(database: { database }, requestID: "req-arch"),
                                        architectures: architectures)
        let queued = try await harness.call(ResearchProspectHandler(), ["id": 1], context: harness.context(requestID: "req-arch", services: services))
        let runID = try #require(queued["run_id"]?.intValue)
        let ran = try await harness.call(RunResearchHandler(), ["id": .number(Double(runID))],
                                         context: harness.context(requestID: "req-arch", services: services))
        return try #require(ran["research"])
    }

    @Test func theTopThreeComeFirstThenResearchsOwnEachURLOnce() async throws {
        let harness = try ResearchHarness()
        let searching = FakeArchitectureSearching(.success(ArchitectureSearchAnswer(results: Self.found, providers: ["mcp", "web"], cached: false,
                                                                                    offline: false, note: nil)))
        let research = try await research(harness, architectures: { searching })
        #expect(research["status"] == "succeeded", "\(research)")
        #expect(searching.asked.withLock { $0 } == [ArchitectureQuery(text: "AWS Mainframe Modernization, Amazon EKS, AWS Cost Explorer",
                                                                      industry: "Manufacturing", limit: 3)])
        let architectures = try #require(research["reference_architectures"]?.arrayValue)
        // The search's best three (the fourth is not asked for), then the tier-2 documentation
        // link; the web result's architecture page is the search's first, so it stands once.
        #expect(architectures.compactMap { $0["url"]?.stringValue } == Self.found.prefix(3).map(\.url) + [ResearchHarness.docsArchitectureURL])
        #expect(architectures[0] == ["title": "Mainframe modernization reference architecture", "url": .string(ResearchHarness.architectureURL), "solution": .null,
                                     "summary": "Refactor with AWS Mainframe Modernization onto Amazon EKS.",
                                     "solutions": ["AWS Mainframe Modernization", "Amazon EKS"], "source": "mcp"])
        #expect(architectures[3]["source"] == "mcp" && architectures[3]["solution"] == "AWS Mainframe Modernization"
                && architectures[3]["solutions"] == ["AWS Mainframe Modernization"])
        #expect((research["reference_architectures_note"] ?? .null) == .null && research["mcp_unavailable"] == false)
        let step = try #require(research["steps"]?.arrayValue?.first { $0["name"] == "match_solutions" })
        #expect(step["output"]?["reference_architectures"]?.arrayValue?.count == 3)
    }

    @Test func anOfflineAnswerIsCarriedWithItsNote() async throws {
        let harness = try ResearchHarness()
        let offline = ArchitectureResult(title: "Amazon EKS", url: "https://aws.amazon.com/eks/", summary: "Managed Kubernetes.",
                                         solutions: ["Amazon EKS"], source: "catalogue")
        let searching = FakeArchitectureSearching(.success(ArchitectureSearchAnswer(results: [offline], providers: ["catalogue"], cached: false,
                                                                                    offline: true, note: "offline: the catalogue")))
        let research = try await research(harness, architectures: { searching })
        #expect(research["reference_architectures"]?.arrayValue?.first?["source"] == "catalogue")
        #expect(research["reference_architectures_note"] == "offline: the catalogue")
    }

    @Test func aFailingSearchIsNotedAndResearchSucceeds() async throws {
        let harness = try ResearchHarness()
        let searching = FakeArchitectureSearching(.failure(BundleError(.upstreamFailed, "reference-architecture search failed: both down")))
        let research = try await research(harness, architectures: { searching })
        #expect(research["status"] == "succeeded", "\(research)")
        #expect(research["reference_architectures"]?.arrayValue?.compactMap { $0["url"]?.stringValue }
                == [ResearchHarness.docsArchitectureURL, ResearchHarness.architectureURL], "research's own architectures stand")
        #expect(research["reference_architectures_note"] == "reference architectures unavailable: reference-architecture search failed: both down")
        #expect(research["mcp_unavailable"] == false, "tier 2 is another matter")

        let unset = try ResearchHarness()
        let broken = try await self.research(unset, architectures: { throw BundleError.misconfigured(variable: "MCP_PROVIDER", "must be one of offline, http, stdio") })
        #expect(broken["status"] == "succeeded")
        #expect(broken["reference_architectures_note"]?.stringValue?.contains("MCP_PROVIDER") == true)
    }

    @Test func findingsStoredBeforeArchitectureSearchStillRead() throws {
        let old: JSONValue = ["title": "Old", "url": "https://aws.amazon.com/architecture/old", "solution": "Amazon S3"]
        let architecture = try old.decode(as: ReferenceArchitecture.self)
        #expect(architecture.solutions == ["Amazon S3"] && architecture.source == "mcp" && architecture.summary == "")
        let web = try (["title": "Web", "url": "https://aws.amazon.com/architecture/web"] as JSONValue).decode(as: ReferenceArchitecture.self)
        #expect(web.source == "web" && web.solutions.isEmpty)
    }
}

/// Reference-architecture search answering a fixed outcome and keeping what it was asked.
final class FakeArchitectureSearching: ReferenceArchitectureSearching, Sendable {
    let outcome: Result<ArchitectureSearchAnswer, BundleError>
    let asked = Mutex<[ArchitectureQuery]>([])

    init(_ outcome: Result<ArchitectureSearchAnswer, BundleError>) {
        self.outcome = outcome
    }

    func search(_ query: ArchitectureQuery, deadline: Deadline) async throws -> ArchitectureSearchAnswer {
        asked.withLock { $0.append(query) }
        return try outcome.get()
    }
}
