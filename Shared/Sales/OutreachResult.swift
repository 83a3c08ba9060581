import Core
import Providers

/// A succeeded outreach run's draft (the `refine_draft` step's output, so the run's result): the
/// subject and body, the solutions it suggests, and what it was written from (`context_used`),
/// which the success hook stores as a row of `sales_outreach_drafts`.
package struct OutreachResult: Codable, Sendable, Equatable {
    /// What a draft was written from, stored with it: the research run, the past wins, the event,
    /// the notes, the sources its links may come from, the strategy, the providers, and whether
    /// it was all offline rules.
    package struct ContextUsed: Codable, Sendable, Equatable {
        package var researchRunID: Int?
        package var withoutResearch: Bool
        package var pastWins: [Int]
        package var eventID: Int?
        package var customContext: String?
        package var sources: [String]
        package var proofPoints: [EmailStrategyTask.ProofPoint]
        package var approach: String
        package var tone: String
        package var llmProviders: [String]
        package var similarWinsNote: String?
        package var offline: Bool

        enum CodingKeys: String, CodingKey {
            case sources, approach, tone, offline
            case researchRunID = "research_run_id"
            case withoutResearch = "without_research"
            case pastWins = "past_wins"
            case eventID = "event_id"
            case customContext = "custom_context"
            case proofPoints = "proof_points"
            case llmProviders = "llm_providers"
            case similarWinsNote = "similar_wins_note"
        }
    }

    package var runID: Int
    package var prospectID: Int
    package var eventID: Int?
    package var subject: String
    package var body: String
    /// What the refining pass changed.
    package var changes: [String]
    package var suggestedSolutions: [String]
    package var contextUsed: ContextUsed
    package var withoutResearch: Bool
    /// The refining call; nil when its answer was not applied.
    package var llm: LLMUsageSummary?
    /// Why the refining pass was not applied (its answer failed the checks even after its
    /// repair, so the generated subject and body, which passed them, were kept); nil when it was.
    package var refinementNote: String?

    enum CodingKeys: String, CodingKey {
        case subject, body, changes, llm
        case refinementNote = "refinement_note"
        case runID = "run_id"
        case prospectID = "prospect_id"
        case eventID = "event_id"
        case suggestedSolutions = "suggested_solutions"
        case contextUsed = "context_used"
        case withoutResearch = "without_research"
    }
}
