import Core
import Providers
import Sales
import Runtime
import Synchronization
import TestSupport
import Testing
import Workflows

/// The research workflow with fake search, tier 1, tier 2 and LLM: every step recorded, sources
/// only from searches, tier 2's failure kept out of the run's fate, a failing LLM retried and the
/// run resumed without paying twice, LLM usage by step.
@Suite struct ResearchWorkflowTests {
    static let steps = ["gather_context", "research_company", "analyze_tech_stack", "identify_pain_points", "match_solutions", "synthesize_research"]

    @Test func offlineResearchRecordsEveryStepAndCitesOnlySearchResults() async throws {
        let harness = try ResearchHarness()
        let output = try await harness.research(manualContext: "They want to be out of the data center before renewal.")
        #expect(output["ran"] == true)
        let research = try #require(output["research"])
        #expect(research["status"] == "succeeded", "\(research)")
        let steps = try #require(research["steps"]?.arrayValue)
        #expect(steps.map { $0["name"]?.stringValue } == Self.steps)
        #expect(steps.allSatisfy { $0["status"] == "succeeded" && $0["attempts"] == 1 && $0["duration_ms"]?.intValue != nil })
        #expect(steps.map { $0["llm_calls"]?.intValue } == [0, 0, 1, 1, 0, 1], "usage by step")
        #expect(steps[0]["input_summary"]?.stringValue?.contains("manual context") == true)
        #expect(harness.search.queries.withLock { $0 }.sorted() == ["\"Acme Corp\"", "\"Acme Corp\" technology"], "the company name is quoted")

        let sources = (research["sources"]?.arrayValue ?? []).compactMap { $0.stringValue }
        #expect(sources == [ResearchHarness.newsURL, ResearchHarness.architectureURL, ResearchHarness.docsURL, ResearchHarness.docsArchitectureURL])
        let technologies = research["technologies"]?.arrayValue ?? []
        #expect(technologies.contains { $0["name"] == "Kubernetes" && $0["evidence"] == .string(ResearchHarness.newsURL) })
        #expect(technologies.contains { $0["name"] == "SAP" && $0["evidence"] == "context" }, "the company record counts as context")
        #expect(technologies.allSatisfy { tech in tech["evidence"] == "context" || sources.contains(tech["evidence"]?.stringValue ?? "") })
        let pains = research["pain_points"]?.arrayValue ?? []
        #expect(pains.contains { $0["pain"]?.stringValue?.hasPrefix("Security") == true && $0["evidence"] == "context" })

        let solutions = try #require(research["recommended_solutions"]?.arrayValue)
        #expect(solutions.map { $0["name"]?.stringValue } == ["AWS Mainframe Modernization", "Amazon EKS", "AWS Cost Explorer"])
        #expect(solutions[0]["tier1"]?["found_by"] == ["full_text", "vector"])
        #expect(solutions[0]["tier1"]?["score"] == 0.032)
        #expect(solutions[0]["tier2"]?["source"] == "mcp")
        #expect(solutions[1]["tier2"] == .null, "no enrichment came for it")
        #expect(research["mcp_unavailable"] == false)
        let architectures = research["reference_architectures"]?.arrayValue?.compactMap { $0["url"]?.stringValue }
        #expect(architectures == [ResearchHarness.docsArchitectureURL, ResearchHarness.architectureURL])
        let query = try #require(harness.matching.queries.withLock { $0.first })
        #expect(query.text.hasPrefix("Manufacturing; ") && query.text.contains("Kubernetes") && query.limit == 10)
        #expect(harness.enriching.asked.withLock { $0 } == [["AWS Mainframe Modernization", "Amazon EKS", "AWS Cost Explorer"]])

        let score = try #require(research["confidence_score"]?.doubleValue)
        #expect(score > 0.5 && score <= 1)
        #expect(research["confidence_reasons"]?.arrayValue?.contains { $0.stringValue?.contains("4 sources from web search and live documentation") == true } == true)
        #expect(research["offline"] == true && research["llm_provider"] == "offline")
        #expect(research["research_summary"]?.stringValue?.contains("Acme Corp") == true)

        // The record learns from it: the prospect is researched, the company's stack grows.
        let (status, stack) = try harness.database.read { sql in
            (try sql.queryOne("SELECT status FROM sales_prospects WHERE id = 1")?.string("status"),
             try sql.queryOne("SELECT tech_stack FROM sales_companies WHERE id = 1")?.string("tech_stack"))
        }
        #expect(status == "researched")
        #expect(stack?.hasPrefix("[\"SAP\",") == true && stack?.contains("Kubernetes") == true)
    }

    @Test func claimsAndURLsNotFromTheSearchesAreDropped() async throws {
        let harness = try ResearchHarness()
        let invented = "https://invented.example/acme-secret-plans"
        let model = ScriptedLLM { request in
            switch request.schemaName {
            case "tech_stack":
                return ["technologies": [["name": "Kubernetes", "category": "devops", "evidence": .string(ResearchHarness.newsURL)],
                                         ["name": "Cobol", "category": "application", "evidence": .string(invented)]],
                        "summary": .string("Kubernetes and Cobol, see \(invented) and \(ResearchHarness.newsURL).")]
            case "pain_points":
                return ["pain_points": [["pain": "Mainframe costs", "severity": "high", "evidence": .string(ResearchHarness.newsURL)],
                                        ["pain": "A made-up pain", "severity": "low", "evidence": "my imagination"]], "summary": "Costs."]
            default:
                return ["summary": .string("Acme should modernise (\(invented))."),
                        "key_insights": [["insight": "Leaving the mainframe", "evidence": .string(ResearchHarness.newsURL)],
                                         ["insight": "Secret plans", "evidence": .string(invented)]]]
            }
        }
        let research = try #require(try await harness.research(llm: model)["research"])
        #expect(research["status"] == "succeeded")
        #expect(research["technologies"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Kubernetes"])
        #expect(research["pain_points"]?.arrayValue?.count == 1)
        #expect(research["key_insights"] == ["Leaving the mainframe"])
        let summary = try #require(research["research_summary"]?.stringValue)
        #expect(!summary.contains(invented))
        #expect(!research.jsonText.contains("invented.example"), "the invented URL is nowhere in the answer")
        let sources = (research["sources"]?.arrayValue ?? []).compactMap { $0.stringValue }
        #expect(!sources.contains(invented))
        #expect(research["confidence_reasons"]?.arrayValue?.contains { $0.stringValue?.contains("3 claims dropped") == true } == true)
        #expect(research["offline"] == false)
    }

    @Test func tierTwoFailureKeepsTierOneAndSaysWhy() async throws {
        let harness = try ResearchHarness()
        harness.enriching.outcome.withLock { $0 = EnrichmentOutcome(enrichments: [], mcpUnavailable: true, reason: "the MCP server timed out after 20 s", provider: "mcp") }
        let research = try #require(try await harness.research()["research"])
        #expect(research["status"] == "succeeded")
        #expect(research["mcp_unavailable"] == true)
        #expect(research["mcp_unavailable_reason"] == "the MCP server timed out after 20 s")
        let solutions = try #require(research["recommended_solutions"]?.arrayValue)
        #expect(solutions.count == 3)
        #expect(solutions.allSatisfy { $0["tier2"] == .null && $0["tier1"]?["score"]?.doubleValue != nil })
        #expect(research["reference_architectures"]?.arrayValue?.compactMap { $0["url"]?.stringValue } == [ResearchHarness.architectureURL])

        // Tier 2 that cannot even start (not configured) is the same: tier 1 stands.
        let other = try ResearchHarness()
        let context = other.context(services: ResearchServices(
            search: { other.search }, matching: { other.matching },
            enriching: { throw BundleError(.misconfigured, "MCP_SERVER_URL is not a URL") },
            llm: { LLMClient(provider: OfflineProvider(), recorder: InMemoryLLMCallRecorder(), function: "run-research") },
            countLLMCalls: { 0 }))
        let queued = try await other.call(ResearchProspectHandler(), ["id": 1], context: context)
        let ran = try await other.call(RunResearchHandler(), ["id": try #require(queued["run_id"])], context: context)
        #expect(ran["research"]?["status"] == "succeeded")
        #expect(ran["research"]?["mcp_unavailable"] == true)
        #expect(ran["research"]?["mcp_unavailable_reason"] == "MCP_SERVER_URL is not a URL")
    }

    @Test func aFailingLLMIsRetriedThenTheNextRunResumesWithoutPayingTwice() async throws {
        let harness = try ResearchHarness()
        let broken = Mutex(true)
        let model = ScriptedLLM { request in
            if request.schemaName == "pain_points", broken.withLock({ $0 }) { throw BundleError(.upstreamFailed, "the model answered 503") }
            return request.offlineAnswer()
        }
        let failed = try #require(try await harness.research(llm: model, requestID: "req-1")["research"])
        #expect(failed["status"] == "failed")
        #expect(failed["failed_step"] == "identify_pain_points")
        #expect(failed["error"]?["code"] == "upstream_failed")
        let failedSteps = try #require(failed["steps"]?.arrayValue)
        #expect(failedSteps.map { $0["name"]?.stringValue } == Array(Self.steps.prefix(4)))
        #expect(failedSteps[3]["status"] == "failed" && failedSteps[3]["attempts"] == 3 && failedSteps[3]["llm_calls"] == 3)
        #expect(failedSteps[3]["output"] == .null, "a failed step keeps no output")
        #expect(harness.matching.queries.withLock { $0 }.isEmpty, "nothing after the failed step ran")
        #expect(try harness.database.read { try $0.queryOne("SELECT status FROM sales_prospects WHERE id = 1")?.string("status") } == "new")

        broken.withLock { $0 = false }
        let resumed = try #require(try await harness.research(llm: model, requestID: "req-2")["research"])
        #expect(resumed["status"] == "succeeded")
        #expect(resumed["resumed_from_run_id"] == failed["run_id"])
        let steps = try #require(resumed["steps"]?.arrayValue)
        #expect(steps.map { $0["status"]?.stringValue } == ["reused", "reused", "reused", "succeeded", "succeeded", "succeeded"])
        #expect(steps.map { $0["llm_calls"]?.intValue } == [0, 0, 0, 1, 0, 1])
        #expect(harness.search.queries.withLock { $0.count } == 2, "the web search ran once, in the first run")
        #expect(try harness.llmCalls(step: "analyze_tech_stack") == 1, "the tech-stack analysis was paid once")
        #expect(try harness.llmCalls(step: "identify_pain_points") == 4)

        let listed = try await harness.call(ListResearchHandler(), ["id": 1], context: harness.context())
        #expect(listed["runs"]?.arrayValue?.map { $0["status"]?.stringValue } == ["succeeded", "failed"])
    }

    @Test func oneActiveRunPerProspectAndLatestPrefersSuccess() async throws {
        let harness = try ResearchHarness()
        let http: JSONValue = ["method": "POST", "path": "/api/v1/prospects/1/research"]
        let none = await #expect(throws: BundleError.self) {
            _ = try await harness.call(LatestResearchHandler(), ["id": 1], context: harness.context())
        }
        #expect(none?.code == .notFound)
        let first = try await harness.call(ResearchProspectHandler(), ["id": 1], context: harness.context(http: http))
        let second = try await harness.call(ResearchProspectHandler(), ["id": 1, "manual_context": "other"], context: harness.context(http: http))
        #expect(first["created"] == true && second["created"] == false)
        #expect(first["run_id"] == second["run_id"] && first["job_id"] == second["job_id"])
        #expect(first["status_url"] == .string("/jobs/\(first["job_id"]?.intValue ?? 0)"))
        let job = try harness.database.read { try $0.queryOne("SELECT function, input FROM jobs") }
        #expect(try job?.string("function") == "run-research")

        let queued = try await harness.call(LatestResearchHandler(), ["id": 1], context: harness.context())
        #expect(queued["status"] == "queued", "with no run succeeded, the newest run")
        _ = try await harness.call(RunResearchHandler(), ["id": try #require(first["run_id"])], context: harness.context())
        let latest = try await harness.call(LatestResearchHandler(), ["id": 1], context: harness.context())
        #expect(latest["status"] == "succeeded" && latest["run_id"] == first["run_id"])
        // Running it again does nothing: the run is finished.
        let again = try await harness.call(RunResearchHandler(), ["id": try #require(first["run_id"])], context: harness.context())
        #expect(again["ran"] == false)
        // A later run that fails does not hide the succeeded one.
        let keyless = ScriptedLLM { _ in throw BundleError(.misconfigured, "OPENAI_API_KEY is not set") }
        let failed = try await harness.research(llm: keyless, requestID: "req-later")
        #expect(failed["research"]?["status"] == "failed" && failed["research"]?["failed_step"] == "analyze_tech_stack")
        #expect(failed["research"]?["steps"]?.arrayValue?.last?["attempts"] == 1, "misconfigured is not retried")
        let stillLatest = try await harness.call(LatestResearchHandler(), ["id": 1], context: harness.context())
        #expect(stillLatest["run_id"] == first["run_id"])

        let missing = await #expect(throws: BundleError.self) {
            _ = try await harness.call(ResearchProspectHandler(), ["id": 99], context: harness.context())
        }
        #expect(missing?.code == .notFound)
    }

    @Test func aRunHeldByAnotherWorkerGetsAFollowUpJobAfterItsLease() async throws {
        let harness = try ResearchHarness()
        let queued = try await harness.call(ResearchProspectHandler(), ["id": 1], context: harness.context())
        let runID = try #require(queued["run_id"]?.intValue)
        let lease = Timestamp.parse("2026-03-02T10:10:00Z")!
        _ = try WorkflowStore(database: harness.database).claim(runID, owner: "job-other", until: lease, now: Timestamp.parse("2026-03-02T10:00:00Z")!)
        let context = FunctionContext(function: "run-research", requestID: "req-job", config: Config(["JOB_ID": "7"]),
                                      clock: BundleClock(frozenAt: Timestamp.parse("2026-03-02T10:00:00Z")!), logger: .discarding,
                                      deadline: Deadline(seconds: 60), database: harness.database)
        context.provide(harness.context().researchServices())
        let output = try await harness.call(RunResearchHandler(), ["id": .number(Double(runID))], context: context)
        #expect(output["ran"] == false && output["queued"] == true)
        #expect(harness.search.queries.withLock { $0 }.isEmpty, "the held run was not run twice")
        let followUp = try harness.database.read { try $0.queryOne("SELECT run_after, idempotency_key FROM jobs WHERE id = ?", output["job_id"]?.intValue ?? 0) }
        #expect(try followUp?.string("idempotency_key") == "research-run-\(runID)-after-job-7")
        #expect(try followUp?.string("run_after") == "2026-03-02T10:10:00.000Z")
    }
}

@Suite struct ResearchEvidenceTests {
    @Test func scrubKeepsSourcesAndDropsEveryOtherURL() {
        let evidence = ResearchEvidence(sources: ["https://a.example/x", "https://a.example/x"])
        #expect(evidence.sources == ["https://a.example/x"])
        #expect(evidence.scrub("See https://a.example/x, and\nhttps://evil.example/y. Also [doc](http://evil.example/z).")
                == "See https://a.example/x, and\n. Also [doc]().")
        #expect(evidence.scrub("no links here") == "no links here")
        #expect(evidence.accepts("context") && evidence.accepts("https://a.example/x") && !evidence.accepts("https://a.example/x/"))
    }

    @Test func confidenceComesFromEvidenceCounts() {
        let none = ResearchConfidence.compute(sources: 0, technologies: 0, pains: 0, solutions: 0, enrichment: .init(), mcpUnavailable: true, droppedClaims: 0)
        #expect(none.score == 0.1)
        let full = ResearchConfidence.compute(sources: 9, technologies: 5, pains: 4, solutions: 10, enrichment: .init(live: 5), mcpUnavailable: false, droppedClaims: 0)
        #expect(full.score == 1)
        let penalised = ResearchConfidence.compute(sources: 9, technologies: 5, pains: 4, solutions: 10, enrichment: .init(live: 5), mcpUnavailable: false, droppedClaims: 2)
        #expect(penalised.score == 0.9)
        #expect(penalised.reasons.last?.hasPrefix("-0.10 for 2 claims dropped") == true)
    }
}
