import Core
import Providers
import Runtime
import Sales
import Store
import Synchronization
import TestSupport
import Testing
import Workflows

/// What review found in research: the outcome stored with the success or not at all, sources only
/// from searches (offline catalogue data and expired cache entries are not live enrichment), a
/// request without manual_context resuming the failed run, the company merge safe for several
/// writers, URL schemes in any case scrubbed, paging totals, the lease outlasting the job.
@Suite struct ResearchFixesTests {
    static let fetched = "2026-03-02T10:00:00Z"

    func enrichment(source: String, cached: Bool, fetchedAt: String = fetched) -> EnrichmentOutcome {
        EnrichmentOutcome(enrichments: [
            SolutionEnrichment(solutionName: "AWS Mainframe Modernization", summary: "Refactor or replatform mainframe applications.",
                               documentation: [DocumentationLink(title: "What is AWS Mainframe Modernization?", url: ResearchHarness.docsURL),
                                               DocumentationLink(title: "Serverless data lake", url: ResearchHarness.docsArchitectureURL)],
                               source: source, server: source == "mcp" ? "http://127.0.0.1/mcp" : nil, cached: cached, fetchedAt: fetchedAt),
        ], mcpUnavailable: false, provider: source)
    }

    func reasons(_ research: JSONValue) -> [String] {
        (research["confidence_reasons"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    @Test func anOutcomeThatCannotBeStoredFailsTheRunAndTheNextRequestStoresItWithoutRepeatingSteps() async throws {
        let harness = try ResearchHarness()
        try harness.database.write { sql in
            try FailingTrigger.create(sql, "refuse_company_update", before: "UPDATE", on: "sales_companies", message: "disk gone")
        }
        let first = try await harness.research()
        #expect(first["research"]?["status"] == "failed" && first["research"]?["failed_step"] == "record_result",
                "never left running, never succeeded without its outcome: \(first)")
        #expect(try harness.database.read { try $0.queryOne("SELECT status FROM sales_prospects WHERE id = 1")?.string("status") } == "new")

        try harness.database.write { sql in try FailingTrigger.drop(sql, "refuse_company_update", on: "sales_companies") }
        let retried = try await harness.research()
        #expect(retried["ran"] == true && retried["research"]?["status"] == "succeeded")
        #expect(retried["research"]?["resumed_from_run_id"] == 1)
        let (status, stack) = try harness.database.read { sql in
            (try sql.queryOne("SELECT status FROM sales_prospects WHERE id = 1")?.string("status"),
             try sql.queryOne("SELECT tech_stack FROM sales_companies WHERE id = 1")?.string("tech_stack"))
        }
        #expect(status == "researched")
        #expect(stack?.contains("Kubernetes") == true)
        #expect(harness.search.queries.withLock { $0.count } == 2, "the steps were not run again")
    }

    @Test func offlineCatalogueEnrichmentIsNeitherASourceNorLive() async throws {
        let harness = try ResearchHarness()
        harness.enriching.outcome.withLock { $0 = enrichment(source: "offline", cached: false) }
        let research = try #require(try await harness.research()["research"])
        #expect(research["status"] == "succeeded")
        #expect(research["sources"] == [.string(ResearchHarness.newsURL), .string(ResearchHarness.architectureURL)])
        #expect(research["reference_architectures"]?.arrayValue?.compactMap { $0["url"]?.stringValue } == [ResearchHarness.architectureURL])
        #expect(research["recommended_solutions"]?.arrayValue?.first?["tier2"]?["source"] == "offline", "still shown, marked offline")
        let reasons = reasons(research)
        #expect(reasons.contains { $0.contains("2 sources from web search and live documentation") }, "\(reasons)")
        #expect(reasons.contains { $0.contains("0 solutions enriched live (1 offline catalogue enrichment not counted)") }, "\(reasons)")
    }

    @Test func anExpiredCacheEntryIsNotLiveAndAFreshOneSaysSo() async throws {
        let expired = try ResearchHarness()
        expired.enriching.outcome.withLock { $0 = enrichment(source: "mcp", cached: true, fetchedAt: "2026-02-20T10:00:00Z") }
        let old = try #require(try await expired.research()["research"])
        #expect(reasons(old).contains { $0.hasPrefix("0.00 from 0 solutions enriched live (1 expired cached answer not counted)") }, "\(reasons(old))")
        #expect((old["sources"]?.arrayValue ?? []).contains(.string(ResearchHarness.docsURL)), "an MCP search's URL, if an old one")

        let fresh = try ResearchHarness()
        fresh.enriching.outcome.withLock { $0 = enrichment(source: "mcp", cached: true, fetchedAt: "2026-03-02T08:00:00Z") }
        let recent = try #require(try await fresh.research()["research"])
        #expect(reasons(recent).contains { $0.contains("from 1 solution enriched live (1 of them from a cache under a day old)") },
                "\(reasons(recent))")
    }

    @Test func reasonsCountInTheSingularForOne() {
        let one = ResearchConfidence.compute(sources: 1, technologies: 1, pains: 1, solutions: 1, enrichment: .init(live: 1),
                                             mcpUnavailable: false, droppedClaims: 1)
        #expect(one.reasons.contains { $0.contains("from 1 technology with evidence") })
        #expect(one.reasons.contains { $0.contains("from 1 pain point with evidence") })
        #expect(one.reasons.contains { $0.contains("from 1 source from web search") })
        #expect(one.reasons.contains { $0.contains("from 1 solution matched") })
        #expect(one.reasons.last == "-0.05 for 1 claim dropped because its evidence was not among the sources")
        #expect(!one.reasons.joined().contains("1 technologies"))
    }

    @Test func aRequestWithoutManualContextResumesTheFailedRunAndADifferentOneStartsAfresh() async throws {
        let harness = try ResearchHarness()
        let broken = Mutex(true)
        let model = ScriptedLLM { request in
            if request.schemaName == "pain_points", broken.withLock({ $0 }) { throw BundleError(.upstreamFailed, "the model answered 503") }
            return request.offlineAnswer()
        }
        let failed = try #require(try await harness.research(llm: model, manualContext: "Lease ends in 2027.", requestID: "req-1")["research"])
        #expect(failed["status"] == "failed")
        broken.withLock { $0 = false }

        let resumed = try await harness.call(ResearchProspectHandler(), ["id": 1], context: harness.context(llm: model, requestID: "req-2"))
        #expect(resumed["resumed_from_run_id"] == failed["run_id"], "\(resumed)")
        #expect(resumed["note"]?.stringValue?.hasPrefix("resumes failed run 1 from its failed step identify_pain_points") == true)
        let resumedID = try #require(resumed["run_id"])
        let ran = try #require(try await harness.call(RunResearchHandler(), ["id": resumedID],
                                                      context: harness.context(llm: model, requestID: "req-2"))["research"])
        #expect(ran["status"] == "succeeded")
        #expect(ran["steps"]?.arrayValue?.first?["status"] == "reused" && ran["steps"]?.arrayValue?.first?["input_summary"]?.stringValue?.contains("manual context") == true,
                "the failed run's manual_context was inherited")
        #expect(harness.search.queries.withLock { $0.count } == 2, "the search was not paid again")

        // Another failure, then a request with other notes: a fresh run that says why.
        let keyless = ScriptedLLM { _ in throw BundleError(.misconfigured, "OPENAI_API_KEY is not set") }
        _ = try await harness.research(llm: keyless, manualContext: "First notes.", requestID: "req-3")
        let fresh = try await harness.call(ResearchProspectHandler(), ["id": 1, "manual_context": "Other notes."], context: harness.context())
        #expect(fresh["created"] == true && fresh["resumed_from_run_id"] == .null)
        #expect(fresh["note"]?.stringValue?.hasPrefix("starts afresh: manual_context differs from failed run 3") == true, "\(fresh)")

        let page = try await harness.call(ListResearchHandler(), ["id": 1, "limit": 1], context: harness.context())
        #expect(page["total"] == 4 && page["runs"]?.arrayValue?.count == 1 && page["limit"] == 1)
    }

    @Test func theCompanyMergeKeepsWhatAnotherWriterAddedMeanwhile() throws {
        let harness = try ResearchHarness()
        let findings = try JSONValue(parsing: """
            {"research_summary": "s", "key_insights": [], "insight_evidence": [], "recommended_solutions": [], "reference_architectures": [],
             "technologies": [{"name": "Kubernetes", "category": "devops", "evidence": "context"}],
             "pain_points": [{"pain": "Costs", "severity": "high", "evidence": "context"}], "confidence_score": 0.5, "confidence_reasons": [],
             "sources": [], "mcp_unavailable": false, "llm_provider": "offline", "search_provider": "fake", "offline": true}
            """).decode(as: ResearchFindings.self)
        try harness.database.write { sql in
            try ResearchOutcome.record(findings, prospectID: 1, sql: Interloper(base: sql), now: Timestamp.parse("2026-03-02T10:00:00Z")!)
        }
        let stack = try harness.database.read { try $0.queryOne("SELECT tech_stack FROM sales_companies WHERE id = 1")?.string("tech_stack") }
        #expect(stack == #"["SAP","Snowflake","Kubernetes"]"#, "the other writer's Snowflake survives the merge")
    }

    @Test func urlSchemesInAnyCaseAreScrubbed() {
        let evidence = ResearchEvidence(sources: ["https://a.example/x"])
        #expect(evidence.scrub("See HTTPS://evil.example/y and Http://evil.example/z, hTTp://evil.example/w.") == "See  and , .")
        #expect(evidence.scrub("Keep https://a.example/x; drop HTTPS://a.example/x.") == "Keep https://a.example/x; drop .")
    }

    @Test func theLeaseOutlastsTheJob() {
        #expect(RunResearchHandler.leaseSeconds > RunResearchHandler.manifest.timeoutSeconds)
    }
}

/// Another writer that changes the company between research's read and its update, as a second
/// worker or an edit through the API could.
final class Interloper: SQLExecutor {
    let base: any SQLExecutor
    var interfered = false

    init(base: any SQLExecutor) { self.base = base }

    var dialect: SQLDialect { base.dialect }

    func execute(_ sql: String, _ arguments: [any SQLBindable]) throws -> Int {
        if !interfered, sql.contains("UPDATE sales_companies") {
            interfered = true
            try base.execute(#"UPDATE sales_companies SET tech_stack = '["SAP","Snowflake"]', updated_at = '2026-03-02T09:59:00Z' WHERE id = 1"#, [])
        }
        return try base.execute(sql, arguments)
    }

    func query(_ sql: String, _ arguments: [any SQLBindable]) throws -> [Row] {
        try base.query(sql, arguments)
    }
}
