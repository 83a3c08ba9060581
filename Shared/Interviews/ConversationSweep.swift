import Core
import FoundationEssentials
import Store

/// Housekeeping for conversations: ends those that went quiet, so a campaign can complete, and
/// finds messages that wait with no process holding their conversation (one died mid-step).
struct ConversationSweep {
    let database: any Database

    /// A message waiting this long with nobody at it is stranded.
    static let strandedAfter: Double = 120

    func run(now: Date, quietAfter seconds: Double) throws -> (abandoned: Int, stranded: [Int]) {
        let quietSince = now.addingTimeInterval(-seconds)
        let abandoned = try database.write { sql in
            let quiet = try sql.query("""
                SELECT id, campaign_id, status FROM conversations WHERE status IN ('outreach_sent', 'active')
                AND COALESCE(last_inbound_at, last_outbound_at, created_at) < ? AND COALESCE(last_outbound_at, created_at) < ?
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND m.status IN ('received', 'pending'))
                """, quietSince, quietSince)
            // The update repeats the look's conditions on the row as it is then: a message stored
            // meanwhile by a webhook on another host (row-level, not behind this transaction) moved
            // the conversation on, and it is left open.
            var ended: [Row] = []
            for row in quiet {
                let changed = try sql.execute("""
                    UPDATE conversations SET status = 'abandoned', end_reason = ?, ended_at = ?, updated_at = ?
                    WHERE id = ? AND status = ? AND COALESCE(last_inbound_at, last_outbound_at, created_at) < ? AND COALESCE(last_outbound_at, created_at) < ?
                    """, try row.string("status") == "outreach_sent" ? "no_reply" : "went_quiet", now, now, try row.int("id"),
                             try row.string("status"), quietSince, quietSince)
                if changed == 1 { ended.append(row) }
            }
            for campaign in Set(try ended.map { try $0.int("campaign_id") }) { try CampaignStore.completeIfDone(campaign, sql: sql, now: now) }
            // Callbacks for a sid we never recorded (a message sent by something else on the account).
            try sql.execute("DELETE FROM message_status_events WHERE received_at < ?", now.addingTimeInterval(-86_400))
            return ended.count
        }
        let stranded = try database.read { sql in
            try sql.query("""
                SELECT DISTINCT m.conversation_id AS id FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.status IN ('received', 'pending') AND m.kind <> 'opening' AND m.created_at < ? AND (c.processing_until IS NULL OR c.processing_until < ?)
                ORDER BY m.conversation_id LIMIT 500
                """, now.addingTimeInterval(-Self.strandedAfter), now).map { try $0.int("id") }
        }
        return (abandoned, stranded)
    }
}
