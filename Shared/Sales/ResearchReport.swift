import Core
import Providers

/// One recommended solution as research shows it: tier 1 (how hybrid search found it) and its
/// tier-2 enrichment, or none when tier 2 was not asked, failed or had nothing for it.
package struct RecommendedSolution: Codable, Sendable, Equatable {
    package struct TierOne: Codable, Sendable, Equatable {
        package var rank: Int
        package var score: Double
        package var foundBy: [String]
        package var fullTextRank: Int?
        package var vectorRank: Int?
        package var similarity: Double?

        enum CodingKeys: String, CodingKey {
            case rank, score, similarity
            case foundBy = "found_by"
            case fullTextRank = "full_text_rank"
            case vectorRank = "vector_rank"
        }
    }

    package var solutionID: Int
    package var name: String
    package var category: String
    package var description: String
    package var pricingModel: String
    package var docsURL: String?
    package var tier1: TierOne
    package var tier2: SolutionEnrichment?

    enum CodingKeys: String, CodingKey {
        case name, category, description, tier1, tier2
        case solutionID = "solution_id"
        case pricingModel = "pricing_model"
        case docsURL = "docs_url"
    }

    init(_ match: SolutionMatch, rank: Int, enrichment: SolutionEnrichment?) {
        solutionID = match.solutionID
        name = match.name
        category = match.category
        description = match.description
        pricingModel = match.pricingModel
        docsURL = match.docsURL
        tier1 = TierOne(rank: rank, score: match.score, foundBy: match.foundBy, fullTextRank: match.fullTextRank,
                        vectorRank: match.vectorRank, similarity: match.similarity)
        tier2 = enrichment
    }
}

/// The confidence in a research result, 0–1, computed from counts of evidence (not asked of a
/// model), with the reasons that explain it.
package struct ResearchConfidence: Codable, Sendable, Equatable {
    package var score: Double
    package var reasons: [String]

    /// The tier-2 enrichments by where they came from: `live` (the MCP server now, or its cache
    /// under a day old, `fromCache` of them), `expired` (a cache entry past its day, used when the
    /// server failed) and `offline` (catalogue data, not a search).
    package struct Enrichment: Sendable, Equatable {
        package var live = 0
        package var fromCache = 0
        package var expired = 0
        package var offline = 0

        package init(live: Int = 0, fromCache: Int = 0, expired: Int = 0, offline: Int = 0) {
            self.live = live
            self.fromCache = fromCache
            self.expired = expired
            self.offline = offline
        }
    }

    package static func compute(sources: Int, technologies: Int, pains: Int, solutions: Int, enrichment: Enrichment,
                                mcpUnavailable: Bool, droppedClaims: Int) -> ResearchConfidence {
        func part(_ count: Int, of enough: Int) -> Double { min(1, Double(count) / Double(enough)) }
        var score = 0.1
        var reasons = ["0.10 base"]
        let weights: [(Double, Int, Int, String)] = [
            (0.25, sources, 5, counted(sources, "source", "sources") + " from web search and live documentation"),
            (0.15, technologies, 3, counted(technologies, "technology", "technologies") + " with evidence"),
            (0.2, pains, 3, counted(pains, "pain point", "pain points") + " with evidence"),
            (0.15, solutions, 5, counted(solutions, "solution", "solutions") + " matched"),
            (0.15, enrichment.live, 3, enrichmentText(enrichment, mcpUnavailable: mcpUnavailable)),
        ]
        for (weight, count, enough, text) in weights {
            let gained = weight * part(count, of: enough)
            score += gained
            reasons.append(String(format2(gained)) + " from " + text + " (full at \(enough))")
        }
        if droppedClaims > 0 {
            let penalty = min(0.2, 0.05 * Double(droppedClaims))
            score -= penalty
            reasons.append("-" + format2(penalty) + " for " + counted(droppedClaims, "claim", "claims") + " dropped because "
                           + (droppedClaims == 1 ? "its" : "their") + " evidence was not among the sources")
        }
        score = (max(0, min(1, score)) * 100).rounded() / 100
        return ResearchConfidence(score: score, reasons: reasons)
    }

    /// "1 technology", "2 technologies".
    static func counted(_ count: Int, _ one: String, _ many: String) -> String {
        "\(count) " + (count == 1 ? one : many)
    }

    /// What the enrichment part counts, and what it leaves out and why.
    static func enrichmentText(_ enrichment: Enrichment, mcpUnavailable: Bool) -> String {
        var text = mcpUnavailable && enrichment.live == 0
            ? "live enrichment unavailable"
            : counted(enrichment.live, "solution", "solutions") + " enriched live"
        var notes: [String] = []
        if enrichment.fromCache > 0 { notes.append("\(enrichment.fromCache) of them from a cache under a day old") }
        if enrichment.expired > 0 { notes.append(counted(enrichment.expired, "expired cached answer", "expired cached answers") + " not counted") }
        if enrichment.offline > 0 {
            notes.append(counted(enrichment.offline, "offline catalogue enrichment", "offline catalogue enrichments") + " not counted")
        }
        if !notes.isEmpty { text += " (" + notes.joined(separator: "; ") + ")" }
        return text
    }

    static func format2(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

/// What a successful research run concludes (the `synthesize_research` step's output): the
/// original system's ProspectResearch fields, plus how sure it is and whether tier 2 was there.
package struct ResearchFindings: Codable, Sendable, Equatable {
    package var researchSummary: String
    package var keyInsights: [String]
    package var insightEvidence: [String]
    package var technologies: [TechStackTask.Technology]
    package var painPoints: [PainPointsTask.Pain]
    package var recommendedSolutions: [RecommendedSolution]
    package var referenceArchitectures: [ReferenceArchitecture]
    package var confidenceScore: Double
    package var confidenceReasons: [String]
    package var sources: [String]
    package var mcpUnavailable: Bool
    package var mcpUnavailableReason: String?
    /// The LLM provider that wrote the analysis ("offline": deterministic rules, no model).
    package var llmProvider: String
    package var searchProvider: String
    package var offline: Bool
    /// What reference-architecture search said about `referenceArchitectures` (answered offline
    /// from the catalogue, a provider down) or why it found none; nil when it had nothing to say.
    package var referenceArchitecturesNote: String? = nil

    enum CodingKeys: String, CodingKey {
        case technologies, sources, offline
        case researchSummary = "research_summary"
        case keyInsights = "key_insights"
        case insightEvidence = "insight_evidence"
        case painPoints = "pain_points"
        case recommendedSolutions = "recommended_solutions"
        case referenceArchitectures = "reference_architectures"
        case confidenceScore = "confidence_score"
        case confidenceReasons = "confidence_reasons"
        case mcpUnavailable = "mcp_unavailable"
        case mcpUnavailableReason = "mcp_unavailable_reason"
        case llmProvider = "llm_provider"
        case searchProvider = "search_provider"
        case referenceArchitecturesNote = "reference_architectures_note"
    }
}
