import Core
import FoundationEssentials
import Providers
import Store

/// What one `send-outreach` run did.
package struct OutreachSummary: Codable, Sendable, Equatable {
    package var claimed = 0
    package var sent = 0
    package var retried = 0
    package var failed = 0
    package var optedOut = 0
    package var ratePerMinute = 0
    /// Openings this minute still allowed after this run.
    package var remainingThisMinute = 0
    /// The LLM provider that wrote a campaign's opening in this run (`offline`: the template).
    package var openingWrittenBy: String?

    enum CodingKeys: String, CodingKey {
        case claimed, sent, retried, failed
        case openingWrittenBy = "opening_written_by"
        case optedOut = "opted_out"
        case ratePerMinute = "rate_per_minute"
        case remainingThisMinute = "remaining_this_minute"
    }

    static let schema: JSONValue = Schema.object([
        "claimed": Schema.integer(minimum: 0), "sent": Schema.integer(minimum: 0), "retried": Schema.integer(minimum: 0),
        "failed": Schema.integer(minimum: 0), "opted_out": Schema.integer(minimum: 0), "rate_per_minute": Schema.integer(minimum: 1),
        "remaining_this_minute": Schema.integer(minimum: 0),
        "opening_written_by": Schema.nullable(Schema.string("openai, anthropic or offline (a template), when an opening was written in this run")),
    ])
}

/// How openings go out.
package struct OutreachSettings: Sendable {
    package var ratePerMinute: Int
    package var maxAttempts: Int
    package var retryBaseSeconds: Double
    /// An approved WhatsApp template for business-initiated openings, and its variables; values
    /// may use `{campaign}` and `{opening}`.
    package var contentSID: String?
    package var contentVariables: [String: String]

    package init(config: Config) throws {
        ratePerMinute = try config.int("OUTREACH_RATE_PER_MINUTE", default: 10, in: 1...100_000)
        maxAttempts = try config.int("OUTREACH_MAX_ATTEMPTS", default: 5, in: 1...50)
        // At least a minute, so a retry always falls in a later minute's budget.
        retryBaseSeconds = try config.double("OUTREACH_RETRY_BASE_S", default: 60, in: 60...86_400)
        contentSID = config["TWILIO_OPENING_CONTENT_SID"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = config["TWILIO_OPENING_CONTENT_VARIABLES"] {
            guard case .object(let fields)? = try? JSONValue(parsing: text),
                  fields.values.allSatisfy({ $0.stringValue != nil }) else {
                throw BundleError.misconfigured(variable: "TWILIO_OPENING_CONTENT_VARIABLES",
                                                "must be a JSON object of strings, such as {\"1\": \"{campaign}\"}")
            }
            contentVariables = fields.mapValues { $0.stringValue! }
        } else {
            contentVariables = ["1": "{campaign}"]
        }
    }
}

/// Sends due openings at the configured pace. Claiming happens in one transaction that locks the
/// rows it claims and reserves them in the current minute's counter, so however many runs overlap
/// on however many hosts, no minute carries more than the rate and no opening is claimed twice; a
/// claim whose process died is taken again once its lease has passed.
package struct OutreachSender: Sendable {
    let database: any Database
    let messenger: any Messenger
    let llm: @Sendable () throws -> LLMClient
    let settings: OutreachSettings
    let clock: BundleClock
    let logger: Logger
    let deadline: Deadline

    package init(database: any Database, messenger: any Messenger, llm: @escaping @Sendable () throws -> LLMClient,
                 settings: OutreachSettings, clock: BundleClock, logger: Logger, deadline: Deadline) {
        self.database = database
        self.messenger = messenger
        self.llm = llm
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.deadline = deadline
    }

    package struct Claim: Sendable {
        package var queueID: Int
        var conversationID: Int
        var campaignID: Int
        var attempts: Int
        var phone: String
        var optedOut: Bool
        var messageID: Int?
    }

    package func run() async throws -> OutreachSummary {
        let (claims, used) = try claim(now: clock.isFrozen ? clock.now() : nil)
        var summary = OutreachSummary(claimed: claims.count, ratePerMinute: settings.ratePerMinute,
                                      remainingThisMinute: max(0, settings.ratePerMinute - used))
        var openings: [Int: String] = [:]
        for claim in claims {
            if claim.optedOut {
                try finish(claim, queueStatus: "cancelled", error: "opted out", conversationStatus: "abandoned", reason: "opted_out")
                summary.optedOut += 1
                continue
            }
            let body: String
            do {
                if openings[claim.campaignID] == nil {
                    let (text, writer) = try await opening(for: claim.campaignID)
                    openings[claim.campaignID] = text
                    summary.openingWrittenBy = writer ?? summary.openingWrittenBy
                }
                body = openings[claim.campaignID]!
            } catch {
                try retry(claim, error: BundleError.converting(error, otherwise: BundleError(.internal, "the opening could not be written")).message, summary: &summary)
                continue
            }
            let messageID = try claim.messageID ?? storeMessage(claim, body: body)
            var outgoing = OutgoingMessage(to: claim.phone, body: body, reference: messageID)
            if let sid = settings.contentSID {
                let campaignName = try database.read { sql in try sql.queryOne("SELECT name FROM campaigns WHERE id = ?", claim.campaignID)?.string("name") } ?? ""
                outgoing.body = nil
                outgoing.contentSid = sid
                outgoing.contentVariables = settings.contentVariables.mapValues {
                    $0.replacing("{campaign}", with: campaignName).replacing("{opening}", with: body.replacing("\n", with: " "))
                }
            }
            switch await OutboundDelivery(database: database, messenger: messenger, clock: clock, logger: logger)
                .send(messageID: messageID, outgoing, deadline: deadline) {
            case .sent:
                try finish(claim, queueStatus: "sent", error: nil, conversationStatus: "outreach_sent", reason: nil)
                summary.sent += 1
            case .failed(let reason, let optedOut):
                if optedOut {
                    try finish(claim, queueStatus: "cancelled", error: reason, conversationStatus: "abandoned", reason: "opted_out")
                    summary.optedOut += 1
                } else {
                    try finish(claim, queueStatus: "failed", error: reason, conversationStatus: "failed", reason: String(reason.prefix(300)))
                    summary.failed += 1
                }
            case .retryable(let error):
                try retry(claim, error: error.message, summary: &summary)
            }
        }
        logger.info("outreach.done", ["claimed": .number(Double(summary.claimed)), "sent": .number(Double(summary.sent)),
                                      "failed": .number(Double(summary.failed)), "retried": .number(Double(summary.retried))])
        return summary
    }

    /// Claims up to what the current minute still allows, row-level (`concurrentWrite`), so runs
    /// on several hosts claim side by side: due rows are taken `FOR UPDATE OF q SKIP LOCKED`
    /// (PostgreSQL; a row another run holds is skipped, never claimed twice), and the minute's
    /// budget is reserved with one conditional upsert of its counter row (`outreach_pace`), which
    /// grants at most what is left, so however many runs overlap no minute carries more than the
    /// rate. `now` nil reads the database's clock (hosts agree on the minute and on leases); a
    /// frozen clock (`BUNDLE_NOW`, tests) is used as given.
    package func claim(now fixedNow: Date?) throws -> (claims: [Claim], usedThisMinute: Int) {
        let rate = settings.ratePerMinute
        let leaseSeconds = max(60, deadline.remainingSeconds + 30)
        return try database.concurrentWrite { sql in
            let now = try fixedNow ?? sql.databaseTime()
            let minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
            // A look without a lock: the count only grows within a minute, so what it leaves is the most this run can get.
            let seen = try sql.queryOne("SELECT used FROM outreach_pace WHERE minute = ?", minute)?.int("used") ?? 0
            guard seen < rate else { return ([], seen) }
            let rows = try sql.query("""
                SELECT q.id, q.conversation_id, q.attempts, q.message_id, m.provider_sid, c.campaign_id, u.phone, u.opted_out_at
                FROM outreach_queue q JOIN conversations c ON c.id = q.conversation_id JOIN users u ON u.id = c.user_id
                JOIN campaigns k ON k.id = c.campaign_id LEFT JOIN messages m ON m.id = q.message_id
                WHERE k.status = 'active' AND ((q.status = 'scheduled' AND q.scheduled_at <= ?) OR (q.status = 'sending' AND q.lease_until < ?))
                ORDER BY q.scheduled_at, q.id LIMIT ?
                """ + sql.forUpdateSkipLocked(of: "q"), now, now, rate - seen)
            var candidates: [Claim] = []
            for row in rows {
                // A claim whose process died after the provider took the opening: it went out.
                if row.optionalString("provider_sid") != nil {
                    try sql.execute("UPDATE outreach_queue SET status = 'sent', lease_until = NULL, updated_at = ? WHERE id = ?", now, try row.int("id"))
                    try sql.execute("UPDATE conversations SET status = 'outreach_sent', updated_at = ? WHERE id = ? AND status = 'pending'",
                                    now, try row.int("conversation_id"))
                    continue
                }
                candidates.append(Claim(queueID: try row.int("id"), conversationID: try row.int("conversation_id"),
                                        campaignID: try row.int("campaign_id"), attempts: try row.int("attempts") + 1, phone: try row.string("phone"),
                                        optedOut: row.optionalString("opted_out_at") != nil, messageID: row.optionalInt("message_id")))
            }
            guard !candidates.isEmpty else { return ([], seen) }
            let want = candidates.count
            // Every SET expression reads the row as it was: `granted` is what was left (at most `want`),
            // `used` grows by it. A racing run waits on the row and then sees this one's count.
            guard let reserved = try sql.queryOne("""
                INSERT INTO outreach_pace (minute, used, granted) VALUES (?, ?, ?)
                ON CONFLICT (minute) DO UPDATE SET
                    granted = CASE WHEN outreach_pace.used + ? <= ? THEN ? WHEN outreach_pace.used < ? THEN ? - outreach_pace.used ELSE 0 END,
                    used = CASE WHEN outreach_pace.used + ? <= ? THEN outreach_pace.used + ? WHEN outreach_pace.used < ? THEN ? ELSE outreach_pace.used END
                RETURNING used, granted
                """, minute, want, want, want, rate, want, rate, rate, want, rate, want, rate, rate)
            else { throw BundleError(.internal, "the outreach pace was not reserved") }
            let claims = Array(candidates.prefix(try reserved.int("granted")))
            for claim in claims {
                try sql.execute("""
                    UPDATE outreach_queue SET status = 'sending', attempts = ?, claimed_at = ?, lease_until = ?, updated_at = ? WHERE id = ?
                    """, claim.attempts, now, now.addingTimeInterval(leaseSeconds), now, claim.queueID)
            }
            // Counters of past minutes are no longer read.
            try sql.execute("DELETE FROM outreach_pace WHERE minute < ?", minute.addingTimeInterval(-3_600))
            return (claims, try reserved.int("used"))
        }
    }

    /// The campaign's opening: the researcher's own, or one written once from the brief and kept.
    func opening(for campaignID: Int) async throws -> (text: String, writer: String?) {
        let row = try database.read { sql in try sql.queryOne("SELECT name, brief, opening_message FROM campaigns WHERE id = ?", campaignID) }
        guard let row else { throw BundleError(.notFound, "campaign \(campaignID) is gone") }
        if let stored = row.optionalString("opening_message") { return (OpeningTask.withOptOutLine(stored), nil) }
        let written = try await llm().run(OpeningTask(campaignName: try row.string("name"), brief: try row.string("brief")), deadline: deadline)
        let now = clock.now()
        try database.write { sql in
            try sql.execute("UPDATE campaigns SET opening_message = COALESCE(opening_message, ?), updated_at = ? WHERE id = ?",
                            written.output.message, now, campaignID)
        }
        let kept = try database.read { sql in try sql.queryOne("SELECT opening_message FROM campaigns WHERE id = ?", campaignID)?.optionalString("opening_message") }
        return (OpeningTask.withOptOutLine(kept ?? written.output.message), written.provider)
    }

    func storeMessage(_ claim: Claim, body: String) throws -> Int {
        let now = clock.now()
        return try database.write { sql in
            guard let id = try sql.queryOne("""
                INSERT INTO messages (conversation_id, user_id, direction, kind, body, to_number, status, created_at, updated_at)
                SELECT ?, user_id, 'outbound', 'opening', ?, ?, 'pending', ?, ? FROM conversations WHERE id = ? RETURNING id
                """, claim.conversationID, body, claim.phone, now, now, claim.conversationID)?.int("id")
            else { throw BundleError(.internal, "the opening was not stored") }
            try sql.execute("UPDATE outreach_queue SET message_id = ? WHERE id = ?", id, claim.queueID)
            return id
        }
    }

    func retry(_ claim: Claim, error: String, summary: inout OutreachSummary) throws {
        guard claim.attempts < settings.maxAttempts else {
            try finish(claim, queueStatus: "failed", error: error, conversationStatus: "failed",
                       reason: "outreach failed after \(claim.attempts) attempts: \(error.prefix(200))")
            summary.failed += 1
            return
        }
        let now = clock.now()
        let delay = settings.retryBaseSeconds * Double(1 << min(claim.attempts - 1, 10))
        try database.write { sql in
            try sql.execute("UPDATE outreach_queue SET status = 'scheduled', scheduled_at = ?, last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
                            now.addingTimeInterval(delay), String(error.prefix(500)), now, claim.queueID)
        }
        summary.retried += 1
    }

    func finish(_ claim: Claim, queueStatus: String, error: String?, conversationStatus: String, reason: String?) throws {
        let now = clock.now()
        try database.write { sql in
            try sql.execute("UPDATE outreach_queue SET status = ?, last_error = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
                            queueStatus, error.map { String($0.prefix(500)) }, now, claim.queueID)
            let ends = conversationStatus != "outreach_sent"
            // Only a conversation still waiting for its opening moves; a reply may already have made it active.
            try sql.execute("""
                UPDATE conversations SET status = ?, end_reason = COALESCE(?, end_reason), ended_at = CASE WHEN ? = 1 THEN ? ELSE ended_at END,
                       updated_at = ? WHERE id = ? AND status = 'pending'
                """, conversationStatus, reason, ends, now, now, claim.conversationID)
            if ends { try CampaignStore.completeIfDone(claim.campaignID, sql: sql, now: now) }
        }
    }
}
