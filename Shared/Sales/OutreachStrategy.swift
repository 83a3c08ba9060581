import Core
import Providers

/// The strategy a draft is written to (the `plan_email_strategy` step's output, after the code
/// kept only recommended solutions and proof points that cite a source or a past win).
package struct OutreachStrategy: Codable, Sendable, Equatable {
    package var approach: String
    package var tone: String
    package var solutions: [String]
    package var proofPoints: [EmailStrategyTask.ProofPoint]
    /// How many named solutions and proof points the code dropped.
    package var droppedSolutions: Int
    package var droppedProofPoints: Int
    package var llm: LLMUsageSummary

    enum CodingKeys: String, CodingKey {
        case approach, tone, solutions, llm
        case proofPoints = "proof_points"
        case droppedSolutions = "dropped_solutions"
        case droppedProofPoints = "dropped_proof_points"
    }

    /// The strategy as prompt text.
    var text: String {
        var lines = ["Approach: \(approach)", "Tone: \(tone)",
                     "Solutions to highlight: " + (solutions.isEmpty ? "none" : solutions.joined(separator: ", "))]
        lines += proofPoints.map { "Proof point: \($0.point) [\($0.source)]" }
        return lines.joined(separator: "\n")
    }
}
