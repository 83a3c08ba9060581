import Core
import Workflows

/// A research run as the routes answer it: the original system's ProspectResearch fields
/// (research_summary, key_insights, recommended_solutions, reference_architectures,
/// confidence_score, sources, created_at) plus the run's status, every step as recorded, and
/// where and why it failed. A run that has not succeeded shows what its finished steps found.
package struct ResearchAnswer: Codable, Sendable, Equatable {
    package var runID: Int
    package var prospectID: Int?
    package var status: String
    package var jobID: Int?
    package var resumedFromRunID: Int?
    package var researchSummary: String?
    package var keyInsights: [String]
    package var recommendedSolutions: [RecommendedSolution]
    package var referenceArchitectures: [ReferenceArchitecture]
    package var referenceArchitecturesNote: String?
    package var confidenceScore: Double?
    package var confidenceReasons: [String]
    package var sources: [String]
    package var technologies: [TechStackTask.Technology]
    package var painPoints: [PainPointsTask.Pain]
    package var mcpUnavailable: Bool
    package var mcpUnavailableReason: String?
    package var llmProvider: String?
    package var offline: Bool
    package var steps: [WorkflowStepRecord]
    package var llmCalls: Int
    package var failedStep: String?
    package var error: JSONValue?
    package var createdAt: String
    package var startedAt: String?
    package var finishedAt: String?

    enum CodingKeys: String, CodingKey {
        case status, sources, technologies, offline, steps, error
        case runID = "run_id"
        case prospectID = "prospect_id"
        case jobID = "job_id"
        case resumedFromRunID = "resumed_from_run_id"
        case researchSummary = "research_summary"
        case keyInsights = "key_insights"
        case recommendedSolutions = "recommended_solutions"
        case referenceArchitectures = "reference_architectures"
        case referenceArchitecturesNote = "reference_architectures_note"
        case confidenceScore = "confidence_score"
        case confidenceReasons = "confidence_reasons"
        case painPoints = "pain_points"
        case mcpUnavailable = "mcp_unavailable"
        case mcpUnavailableReason = "mcp_unavailable_reason"
        case llmProvider = "llm_provider"
        case llmCalls = "llm_calls"
        case failedStep = "failed_step"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    package init(_ run: WorkflowRun) {
        runID = run.id
        prospectID = run.input["prospect_id"]?.intValue
        status = run.status.rawValue
        jobID = run.jobID
        resumedFromRunID = run.resumedFromRunID
        steps = run.steps
        llmCalls = run.steps.reduce(0) { $0 + $1.llmCalls }
        failedStep = run.failedStep
        error = run.error
        createdAt = run.createdAt
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        let outputs = Dictionary(run.steps.compactMap { step in step.output.map { (step.name, $0) } }, uniquingKeysWith: { first, _ in first })
        if let findings = try? run.result?.decode(as: ResearchFindings.self) {
            researchSummary = findings.researchSummary
            keyInsights = findings.keyInsights
            recommendedSolutions = findings.recommendedSolutions
            referenceArchitectures = findings.referenceArchitectures
            referenceArchitecturesNote = findings.referenceArchitecturesNote
            confidenceScore = findings.confidenceScore
            confidenceReasons = findings.confidenceReasons
            sources = findings.sources
            technologies = findings.technologies
            painPoints = findings.painPoints
            mcpUnavailable = findings.mcpUnavailable
            mcpUnavailableReason = findings.mcpUnavailableReason
            llmProvider = findings.llmProvider
            offline = findings.offline
            return
        }
        // Not (yet) succeeded: what the finished steps found, never a failed step's output.
        let matching = try? outputs["match_solutions"]?.decode(as: ResearchWorkflow.Matching.self)
        let web = try? outputs["research_company"]?.decode(as: ResearchWorkflow.WebResearch.self)
        researchSummary = nil
        keyInsights = []
        recommendedSolutions = matching?.recommendedSolutions ?? []
        referenceArchitectures = []
        referenceArchitecturesNote = matching?.architectureNote
        confidenceScore = nil
        confidenceReasons = []
        sources = web?.results.map(\.url) ?? []
        technologies = (try? outputs["analyze_tech_stack"]?.decode(as: ResearchWorkflow.Analysis<TechStackTask.Technology>.self))?.items ?? []
        painPoints = (try? outputs["identify_pain_points"]?.decode(as: ResearchWorkflow.Analysis<PainPointsTask.Pain>.self))?.items ?? []
        mcpUnavailable = matching?.mcpUnavailable ?? false
        mcpUnavailableReason = matching?.reason
        llmProvider = nil
        offline = web?.provider == "offline"
    }

    package static let schema: JSONValue = Schema.object([
        "run_id": Schema.integer(minimum: 1),
        "prospect_id": Schema.nullable(Schema.integer(minimum: 1)),
        "status": Schema.string(enum: WorkflowRun.Status.allCases.map(\.rawValue)),
        "job_id": Schema.nullable(Schema.integer("The run-research job (GET /jobs/{id})", minimum: 1)),
        "resumed_from_run_id": Schema.nullable(Schema.integer("The failed run whose finished steps this run reused", minimum: 1)),
        "research_summary": Schema.nullable(Schema.string()),
        "key_insights": Schema.array(Schema.string()),
        "recommended_solutions": Schema.array(Schema.object([
            "solution_id": Schema.integer(), "name": Schema.string(), "category": Schema.string(), "description": Schema.string(),
            "pricing_model": Schema.string(), "docs_url": Schema.nullable(Schema.string()),
            "tier1": Schema.any, "tier2": Schema.nullable(Schema.object([:], required: [], additionalProperties: true)),
        ], required: ["solution_id", "name", "tier1"], additionalProperties: true), "Tier-1 matches; the top five carry tier-2 enrichment when it worked"),
        "reference_architectures": Schema.array(Schema.object([
            "title": Schema.string(), "url": Schema.string(), "solution": Schema.nullable(Schema.string()),
            "summary": Schema.string(), "solutions": Schema.array(Schema.string(), "Catalogue solutions it uses"),
            "source": Schema.string("Who found it: mcp (documentation server), web (web search), catalogue (offline)"),
        ], required: ["title", "url"]), "Reference-architecture search's best three, then architecture pages among the research's own URLs"),
        "reference_architectures_note": Schema.nullable(Schema.string("What reference-architecture search said: offline, a provider down, or why it found none")),
        "confidence_score": Schema.nullable(Schema.number("0–1, computed from evidence counts", minimum: 0, maximum: 1)),
        "confidence_reasons": Schema.array(Schema.string()),
        "sources": Schema.array(Schema.string(), "URLs that came from searches: web search and the documentation a live MCP server found; never invented, never catalogue data"),
        "technologies": Schema.array(Schema.any),
        "pain_points": Schema.array(Schema.any),
        "mcp_unavailable": Schema.boolean("true when tier 2 failed; tier 1 stands"),
        "mcp_unavailable_reason": Schema.nullable(Schema.string()),
        "llm_provider": Schema.nullable(Schema.string()),
        "offline": Schema.boolean("true when the offline LLM rules or offline search made it"),
        "steps": WorkflowRun.stepsSchema,
        "llm_calls": Schema.integer(minimum: 0),
        "failed_step": Schema.nullable(Schema.string()),
        "error": Schema.any,
        "created_at": Schema.string(format: "date-time"),
        "started_at": Schema.nullable(Schema.string(format: "date-time")),
        "finished_at": Schema.nullable(Schema.string(format: "date-time")),
    ], required: ["run_id", "status", "steps", "created_at"], additionalProperties: true)
}
