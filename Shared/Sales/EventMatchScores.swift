import Core
import FoundationEssentials
import Store

/// The relevance scores a match run has paid for, saved one by one as the calls return
/// (`sales_event_match_scores`), so a retried `score_relevance` (the same run) or a resumed run
/// (the chain of `resumed_from_run_id`, which only links runs with the same settings) asks the
/// LLM only for the candidates not scored yet. Failed calls are not saved: a later attempt
/// tries them again.
package struct EventMatchScores: Sendable {
    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// The run and the runs it resumed, through every link (a `UNION`, so a cycle ends).
    static let chain = """
        WITH RECURSIVE chain (id) AS (
            SELECT CAST(? AS BIGINT)
            UNION SELECT r.resumed_from_run_id FROM workflow_runs r JOIN chain c ON r.id = c.id WHERE r.resumed_from_run_id IS NOT NULL
        )
        """

    /// The oldest run of `runID`'s resume chain (`runID` itself when it resumed none).
    package func firstRun(of runID: Int) throws -> Int {
        try database.read { sql in
            try sql.queryOne("\(Self.chain) SELECT MIN(id) AS first FROM chain", runID)?.optionalInt("first") ?? runID
        }
    }

    /// What the run or a run it resumed already saved for the event, per prospect.
    package func saved(eventID: Int, runID: Int) throws -> [Int: CandidateScore] {
        try database.read { sql in
            var saved: [Int: CandidateScore] = [:]
            for row in try sql.query("""
                \(Self.chain) SELECT prospect_id, score, reason FROM sales_event_match_scores
                WHERE event_id = ? AND run_id IN (SELECT id FROM chain) ORDER BY id
                """, runID, eventID) {
                let prospect = try row.int("prospect_id")
                saved[prospect] = CandidateScore(prospectID: prospect, score: try row.int("score"), reason: try row.string("reason"), skipReason: nil)
            }
            return saved
        }
    }

    /// Saves one score (a second save for the same run and prospect keeps the first).
    package func save(_ score: CandidateScore, eventID: Int, runID: Int, now: Date) throws {
        guard let value = score.score else { return }
        try database.write { sql in
            try sql.execute("""
                INSERT INTO sales_event_match_scores (event_id, run_id, prospect_id, score, reason, created_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, prospect_id) DO NOTHING
                """, eventID, runID, score.prospectID, value, score.reason ?? "", now)
        }
    }
}
