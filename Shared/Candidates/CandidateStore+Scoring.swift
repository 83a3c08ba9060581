import Core
import FoundationEssentials
import Store

/// What scoring reads of a candidate, with its profile version, so a result computed from an
/// older profile never overwrites a newer edit.
package struct ScoringInput: Sendable {
    package var id: Int
    package var profile: CandidateProfile
    package var version: Int
}

/// One candidate's scores, ready to store.
package struct ScoreRecord: Sendable {
    package var input: ScoringInput
    package var extraction: CandidateExtraction
    package var algorithmic: AlgorithmicScore
    /// pending (AI still to come), scored, failed or skipped (the role gives AI no weight).
    package var aiStatus: String
    package var aiScore: Double?
    package var aiRationale: String?
    package var aiProvider: String?
    package var aiError: String?
    package var combined: Double?
    package var tier: String?

    package var redFlags: [RedFlag] {
        extraction.redFlags + (aiStatus == "failed"
            ? [RedFlag(code: "ai_unavailable", message: "the AI assessment failed (\(aiError ?? "unknown error")); ranked by the algorithmic score alone")]
            : [])
    }
}

extension CandidateStore {
    /// Which of a role's candidates a scoring pass takes.
    package enum Selection: Sendable {
        /// Changed since their last scoring, or without an AI score (a failed one included).
        case unscored
        /// Changed since their last scoring, or never assessed: what arrived during a run.
        case waiting

        var filter: String {
            switch self {
            case .unscored: "AND (needs_scoring = 1 OR ai_status IN ('pending', 'failed'))"
            case .waiting: "AND (needs_scoring = 1 OR ai_status = 'pending')"
            }
        }
    }

    package func scoringInputs(roleID: Int, selection: Selection) throws -> [ScoringInput] {
        try database.read { sql in
            let filter = selection.filter
            return try sql.query("SELECT * FROM candidates WHERE role_id = ? \(filter) ORDER BY id", roleID).map { row in
                ScoringInput(id: try row.int("id"), profile: try CandidateProfile(row: row), version: try row.int("profile_version"))
            }
        }
    }

    /// Marks every candidate of the role for rescoring (a full run, done in passes that resume).
    package func markForRescoring(roleID: Int) throws {
        try database.write { sql in try sql.execute("UPDATE candidates SET needs_scoring = 1 WHERE role_id = ? AND needs_scoring = 0", roleID) }
    }

    package func hasWaiting(roleID: Int) throws -> Bool {
        try database.read { sql in
            try sql.queryOne("SELECT 1 AS found FROM candidates WHERE role_id = ? \(Selection.waiting.filter) LIMIT 1", roleID) != nil
        }
    }

    /// Candidate ids of the role by lower-cased name, for the possible-duplicate flag.
    package func idsByName(roleID: Int) throws -> [String: [Int]] {
        try database.read { sql in
            var result: [String: [Int]] = [:]
            for row in try sql.query("SELECT id, name FROM candidates WHERE role_id = ?", roleID) {
                result[try row.string("name").lowercased(), default: []].append(try row.int("id"))
            }
            return result
        }
    }

    /// Stores scores in one transaction. A candidate edited since its input was read, or whose
    /// role changed since `roleRevision`, is left for the next pass. A record still waiting for
    /// its AI score keeps the scores shown before, so the ranking stays whole during a run. A role
    /// with no requirements is re-tiered by rank in the same transaction (`RankTiers`).
    /// Returns the ids stored.
    @discardableResult
    package func save(_ records: [ScoreRecord], roleRevision: Int, now: Date) throws -> Set<Int> {
        guard !records.isEmpty else { return [] }
        return try database.write { sql in
            var stored: Set<Int> = []
            for record in records {
                let common: [any SQLBindable] = [
                    record.algorithmic.score, try record.algorithmic.json(), JSONValue.strings(record.extraction.missingRequired),
                    JSONValue.strings(record.extraction.missingPreferred), JSONValue.array(record.redFlags.map(\.json)), record.extraction.completeness,
                    now, record.aiStatus,
                ]
                let guardValues: [any SQLBindable] = [record.input.id, record.input.version, roleRevision]
                let guardClause = "WHERE id = ? AND profile_version = ? AND (SELECT revision FROM roles WHERE roles.id = candidates.role_id) = ?"
                let changed: Int
                if record.aiStatus == "pending" {
                    changed = try sql.execute("""
                        UPDATE candidates SET algo_score = ?, breakdown = ?, missing_required = ?, missing_preferred = ?, red_flags = ?,
                            completeness = ?, extracted_at = ?, ai_status = ?, needs_scoring = 0 \(guardClause)
                        """, common + guardValues)
                } else {
                    changed = try sql.execute("""
                        UPDATE candidates SET algo_score = ?, breakdown = ?, missing_required = ?, missing_preferred = ?, red_flags = ?,
                            completeness = ?, extracted_at = ?, ai_status = ?, ai_score = ?, ai_rationale = ?, ai_provider = ?, ai_error = ?,
                            combined_score = ?, tier = ?, scored_at = ?, needs_scoring = 0 \(guardClause)
                        """, common + [record.aiScore, record.aiRationale, record.aiProvider, record.aiError, record.combined, record.tier, now]
                            + guardValues)
                }
                if changed == 1 { stored.insert(record.input.id) }
            }
            // Records still waiting for their AI score changed no combined score: the tiers stand.
            if let first = records.first(where: { $0.aiStatus != "pending" && stored.contains($0.input.id) })?.input.id,
               let row = try sql.queryOne("SELECT * FROM roles WHERE id = (SELECT role_id FROM candidates WHERE id = ?)", first) {
                try retierByRank(role: try Role(row: row), sql: sql)
            }
            return stored
        }
    }

    /// New weights or tiers change no score a candidate earned, only how they combine:
    /// recomputed here without calling the model again.
    package func recombine(role: Role, sql: any SQLExecutor) throws {
        for row in try sql.query("SELECT id, algo_score, ai_score, ai_status FROM candidates WHERE role_id = ? AND algo_score IS NOT NULL", role.id) {
            let (combined, tier) = role.rank(algo: try row.double("algo_score"), ai: row.optionalDouble("ai_score"))
            try sql.execute("UPDATE candidates SET combined_score = ?, tier = ? WHERE id = ?", combined, tier, try row.int("id"))
        }
        try retierByRank(role: role, sql: sql)
    }
}
