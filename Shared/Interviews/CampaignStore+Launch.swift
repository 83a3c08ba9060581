import Core
import FoundationEssentials
import Store

/// What launching did: conversations created, people skipped because they opted out, held
/// outreach resumed, and when the openings are due.
package struct LaunchSummary: Codable, Sendable {
    package var conversationsCreated: Int
    package var skippedOptedOut: Int
    package var resumed: Int
    package var scheduled: Int
    package var firstDueAt: String?
    package var lastDueAt: String?

    enum CodingKeys: String, CodingKey {
        case resumed, scheduled
        case conversationsCreated = "conversations_created"
        case skippedOptedOut = "skipped_opted_out"
        case firstDueAt = "first_due_at"
        case lastDueAt = "last_due_at"
    }

    static let schema: JSONValue = Schema.object([
        "conversations_created": Schema.integer(minimum: 0), "skipped_opted_out": Schema.integer(minimum: 0),
        "resumed": Schema.integer(minimum: 0), "scheduled": Schema.integer(minimum: 0),
        "first_due_at": Schema.nullable(Schema.string(format: "date-time")), "last_due_at": Schema.nullable(Schema.string(format: "date-time")),
    ])
}

extension CampaignStore {
    /// Launches (or resumes) a campaign in one write transaction: a user per number, a
    /// conversation per user not opted out, and an opening per new conversation, paced at
    /// `ratePerMinute` from `now`. Held openings of a paused campaign are rescheduled the same way.
    /// Running it again creates nothing twice: users, conversations and queue rows are unique.
    package func launch(_ id: Int, ratePerMinute: Int, now: Date) throws -> LaunchSummary {
        try database.write { sql in
            guard let row = try sql.queryOne("SELECT status, phones FROM campaigns WHERE id = ?", id) else {
                throw BundleError(.notFound, "no campaign with id \(id)")
            }
            guard try row.string("status") != "completed" else {
                throw BundleError(.conflict, "campaign \(id) is completed; create a new campaign to interview again")
            }
            let phones = try row.decode("phones", as: [String].self)
            guard !phones.isEmpty else {
                throw BundleError(.conflict, "campaign \(id) has no valid phone numbers to launch to")
            }
            var summary = LaunchSummary(conversationsCreated: 0, skippedOptedOut: 0, resumed: 0, scheduled: 0)
            for phone in phones {
                try sql.execute("INSERT INTO users (phone, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (phone) DO NOTHING", phone, now, now)
                guard let user = try sql.queryOne("SELECT id, opted_out_at FROM users WHERE phone = ?", phone) else { continue }
                let userID = try user.int("id")
                let existing = try sql.queryOne("SELECT id FROM conversations WHERE campaign_id = ? AND user_id = ?", id, userID)
                if existing != nil { continue }
                if user.optionalString("opted_out_at") != nil {
                    summary.skippedOptedOut += 1
                    continue
                }
                guard let conversation = try sql.queryOne("""
                    INSERT INTO conversations (campaign_id, user_id, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?) RETURNING id
                    """, id, userID, now, now) else { continue }
                try sql.execute("""
                    INSERT INTO outreach_queue (conversation_id, scheduled_at, status, created_at, updated_at) VALUES (?, ?, 'held', ?, ?)
                    """, try conversation.int("id"), now, now, now)
                summary.conversationsCreated += 1
            }
            // New rows were inserted held; they and any held by a pause are now spread out from now.
            let held = try sql.query("""
                SELECT q.id FROM outreach_queue q JOIN conversations c ON c.id = q.conversation_id
                WHERE c.campaign_id = ? AND q.status = 'held' ORDER BY q.id
                """, id)
            summary.resumed = held.count - summary.conversationsCreated
            for (index, queued) in held.enumerated() {
                let due = now.addingTimeInterval(Double(index / ratePerMinute) * 60)
                try sql.execute("UPDATE outreach_queue SET status = 'scheduled', scheduled_at = ?, updated_at = ? WHERE id = ?",
                                due, now, try queued.int("id"))
                if index == 0 { summary.firstDueAt = Timestamp.format(due) }
                summary.lastDueAt = Timestamp.format(due)
            }
            summary.scheduled = held.count
            try sql.execute("""
                UPDATE campaigns SET status = 'active', launched_at = COALESCE(launched_at, ?), updated_at = ? WHERE id = ?
                """, now, now, id)
            // Everyone may have opted out already: nothing is left to do.
            try Self.completeIfDone(id, sql: sql, now: now)
            return summary
        }
    }

    /// Holds a campaign's unsent openings; openings already being sent finish. Conversations
    /// under way go on. Pausing twice is harmless.
    package func pause(_ id: Int, now: Date) throws -> Int {
        try database.write { sql in
            guard let row = try sql.queryOne("SELECT status FROM campaigns WHERE id = ?", id) else {
                throw BundleError(.notFound, "no campaign with id \(id)")
            }
            switch try row.string("status") {
            case "draft": throw BundleError(.conflict, "campaign \(id) has not been launched")
            case "completed": throw BundleError(.conflict, "campaign \(id) is completed")
            default: break
            }
            try sql.execute("UPDATE campaigns SET status = 'paused', updated_at = ? WHERE id = ?", now, id)
            return try sql.execute("""
                UPDATE outreach_queue SET status = 'held', updated_at = ?
                WHERE status = 'scheduled' AND conversation_id IN (SELECT id FROM conversations WHERE campaign_id = ?)
                """, now, id)
        }
    }
}
