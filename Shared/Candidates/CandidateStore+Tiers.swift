import Core
import Store

/// Tiers for a role with no requirements. Its scores (the AI assessment, or only profile
/// completeness) are not measured against anything the role asks for, so a threshold meant for a
/// role's fit says nothing there; the tiers say where a candidate stands among the role's others
/// instead: by combined score, then algorithmic score (the list's order), the first 10 % are `top`, the next 25 % `strong`, the next 30 %
/// `consider`, the rest `unlikely`. Candidates with the same scores share the tier of the first
/// of them (ties are kept together), and a candidate without an AI score is placed no higher than
/// `consider`, since nothing judged the fit. Recomputed in the same transaction whenever the
/// role's scores are stored or recombined, so the tiers always describe the stored ranking.
package enum RankTiers {
    /// Where each tier ends, as a share of the ranked candidates.
    package static let topShare = 0.10
    package static let strongShare = 0.35
    package static let considerShare = 0.65

    /// The tier of each candidate, given their scores ranked best first (ties in any order); `score`
    /// is what ranks them (equal scores are a tie).
    package static func tiers(forRanked scores: [(score: [Double], judged: Bool)]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(scores.count)
        let count = Double(scores.count)
        var groupTier = "unlikely"
        for (index, entry) in scores.enumerated() {
            if index == 0 || entry.score != scores[index - 1].score {
                let position = Double(index)
                groupTier = position < topShare * count ? "top" : position < strongShare * count ? "strong"
                    : position < considerShare * count ? "consider" : "unlikely"
            }
            result.append(!entry.judged && (groupTier == "top" || groupTier == "strong") ? "consider" : groupTier)
        }
        return result
    }
}

extension CandidateStore {
    /// Re-tiers the candidates of a role with no requirements by rank (see `RankTiers`); a role
    /// with requirements keeps its thresholds and nothing is done. Only changed rows are written.
    package func retierByRank(role: Role, sql: any SQLExecutor) throws {
        guard !role.hasRequirements else { return }
        // NULLS LAST is SQLite's order for DESC, said for PostgreSQL (which puts them first).
        let rows = try sql.query("""
            SELECT id, combined_score, algo_score, ai_score, tier FROM candidates WHERE role_id = ? AND combined_score IS NOT NULL
            ORDER BY combined_score DESC, algo_score DESC NULLS LAST, id
            """, role.id)
        var ranked: [(id: Int, tier: String?, score: [Double], judged: Bool)] = []
        for row in rows {
            let score = [try row.double("combined_score"), row.optionalDouble("algo_score") ?? 0]
            ranked.append((try row.int("id"), row.optionalString("tier"), score, role.weights.ai > 0 && row.optionalDouble("ai_score") != nil))
        }
        let tiers = RankTiers.tiers(forRanked: ranked.map { ($0.score, $0.judged) })
        for (entry, tier) in zip(ranked, tiers) where entry.tier != tier {
            try sql.execute("UPDATE candidates SET tier = ? WHERE id = ?", tier, entry.id)
        }
    }
}
