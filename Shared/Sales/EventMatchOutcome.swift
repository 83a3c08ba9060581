import Core
import FoundationEssentials
import Store

/// What a succeeded match run stores, in the transaction that marks it succeeded: its rows in
/// `sales_event_matches` (replacing the event's earlier runs' rows), and the removal of the
/// unsent, unedited invitations any match run drafted (`match_run_id`, so a failed run's too)
/// or the earlier runs' rows point at (drafts older than that column), that this run did not
/// keep. Drafts matching never wrote (an outreach request with the event), edited ones and sent
/// ones are never touched. The event's saved scores are dropped: the result holds them now.
package enum EventMatchOutcome {
    /// `runID` is the run that succeeded (a resumed run's result may carry the failed run's id).
    package static func record(_ result: EventMatchResult, runID: Int, sql: any SQLExecutor, now: Date) throws {
        let kept = Array(Set(result.matches.compactMap(\.draftID))).sorted()
        var statement = """
            DELETE FROM sales_outreach_drafts WHERE event_id = ? AND sent_at IS NULL AND edited_at IS NULL
              AND (match_run_id IS NOT NULL
                   OR id IN (SELECT m.draft_id FROM sales_event_matches m WHERE m.event_id = ? AND m.run_id <> ? AND m.draft_id IS NOT NULL))
            """
        if !kept.isEmpty { statement += " AND id NOT IN (\(Array(repeating: "?", count: kept.count).joined(separator: ", ")))" }
        try sql.execute(statement, [result.eventID, result.eventID, runID] + kept)
        try sql.execute("DELETE FROM sales_event_matches WHERE event_id = ? AND run_id <> ?", result.eventID, runID)
        try sql.execute("DELETE FROM sales_event_match_scores WHERE event_id = ?", result.eventID)
        for match in result.matches {
            try sql.execute("""
                INSERT INTO sales_event_matches (event_id, run_id, prospect_id, status, rank, score, similarity, reason, skip_reason,
                                                 draft_id, invitation_status, invitation_error, outreach_run_id, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, prospect_id) DO NOTHING
                """, [result.eventID, runID, match.prospectID, match.status, match.rank, match.score, match.similarity, match.reason, match.skipReason,
                      match.draftID, match.invitationStatus, match.invitationError, match.outreachRunID, now])
        }
    }
}
