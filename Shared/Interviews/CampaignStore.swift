import Core
import FoundationEssentials
import Store

/// A validated campaign to store.
package struct CampaignDraft: Sendable, Equatable {
    package var name: String
    package var brief: String
    package var schema: ExtractionSchema
    package var phones: [String]
    package var openingMessage: String?
    package var maxTurns: Int
    package var idempotencyKey: String?

    package init(name: String, brief: String, schema: ExtractionSchema, phones: [String], openingMessage: String?, maxTurns: Int,
                 idempotencyKey: String?) {
        self.name = name
        self.brief = brief
        self.schema = schema
        self.phones = phones
        self.openingMessage = openingMessage
        self.maxTurns = maxTurns
        self.idempotencyKey = idempotencyKey
    }

    /// What makes two requests "the same campaign" for an idempotency key.
    var fingerprint: String {
        let content: JSONValue = ["name": .string(name), "brief": .string(brief), "schema": (try? JSONValue(encoding: schema)) ?? .null,
                                  "phones": .array(phones.map(JSONValue.string)), "opening": openingMessage.map(JSONValue.string) ?? .null,
                                  "max_turns": .number(Double(maxTurns))]
        return SHA256.hex(SHA256.hash(content.jsonText))
    }
}

/// Campaign rows: creating, reading with their counts, launching, pausing and completing.
package struct CampaignStore: Sendable {
    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// Stores a new campaign as `draft`. A repeated idempotency key with the same content returns
    /// the stored campaign (`created` false); with other content it is a conflict. Row-level, as
    /// the job queue's enqueue: a stored key is read first (a retry consumes no id), and the
    /// insert yields to a key stored since (`ON CONFLICT DO NOTHING`, then the read again), so the
    /// same key sent to two hosts at once makes one campaign and both callers get it.
    package func create(_ draft: CampaignDraft, now: Date) throws -> (campaign: Campaign, created: Bool) {
        let (id, created): (Int, Bool) = try database.concurrentWrite { sql in
            func stored(_ key: String) throws -> Int? {
                guard let row = try sql.queryOne("SELECT id, input_hash FROM campaigns WHERE idempotency_key = ?", key) else { return nil }
                guard try row.string("input_hash") == draft.fingerprint else {
                    throw BundleError(.conflict, "idempotency_key \"\(key)\" was used for campaign \(try row.int("id")) with other content",
                                      details: [ErrorDetail(field: "idempotency_key", problem: "already used for another campaign")])
                }
                return try row.int("id")
            }
            if let key = draft.idempotencyKey, let id = try stored(key) { return (id, false) }
            if let row = try sql.queryOne("""
                INSERT INTO campaigns (name, brief, fields, phones, opening_message, max_turns, status, idempotency_key, input_hash,
                                       created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?)
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """, draft.name, draft.brief, try JSONValue(encoding: draft.schema), JSONValue.array(draft.phones.map(JSONValue.string)),
                     draft.openingMessage, draft.maxTurns, draft.idempotencyKey, draft.fingerprint, now, now) {
                return (try row.int("id"), true)
            }
            guard let key = draft.idempotencyKey, let id = try stored(key) else { throw BundleError(.internal, "the campaign was not stored") }
            return (id, false)
        }
        guard let campaign = try campaign(id) else { throw BundleError(.internal, "the campaign was not stored") }
        return (campaign, created)
    }

    package func campaign(_ id: Int, includePhones: Bool = false) throws -> Campaign? {
        try database.read { sql in try Self.campaign(id, sql: sql, includePhones: includePhones) }
    }

    static func campaign(_ id: Int, sql: any SQLExecutor, includePhones: Bool = false) throws -> Campaign? {
        guard let row = try sql.queryOne("SELECT * FROM campaigns WHERE id = ?", id) else { return nil }
        return try campaign(row, sql: sql, includePhones: includePhones)
    }

    /// Newest first.
    package func list(status: String?, limit: Int, offset: Int) throws -> (campaigns: [Campaign], total: Int) {
        try database.read { sql in
            let filter = status == nil ? "" : "WHERE status = ?"
            let arguments: [any SQLBindable] = status.map { [$0] } ?? []
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM campaigns \(filter)", arguments)?.int("n") ?? 0
            let rows = try sql.query("SELECT * FROM campaigns \(filter) ORDER BY id DESC LIMIT ? OFFSET ?", arguments + [limit, offset])
            return (try rows.map { try Self.campaign($0, sql: sql, includePhones: false) }, total)
        }
    }

    /// A campaign row with its conversations and outreach rows counted by status.
    static func campaign(_ row: Row, sql: any SQLExecutor, includePhones: Bool) throws -> Campaign {
        let id = try row.int("id")
        return try Campaign(row: row, counts: countByStatus(sql, "SELECT status, COUNT(*) AS n FROM conversations WHERE campaign_id = ? GROUP BY status", id),
                            outreach: countByStatus(sql, """
                                SELECT q.status, COUNT(*) AS n FROM outreach_queue q JOIN conversations c ON c.id = q.conversation_id
                                WHERE c.campaign_id = ? GROUP BY q.status
                                """, id),
                            includePhones: includePhones)
    }

    static func countByStatus(_ sql: any SQLExecutor, _ query: String, _ campaign: Int) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try sql.query(query, campaign) { counts[try row.string("status")] = try row.int("n") }
        return counts
    }

    /// Completes an active campaign once none of its conversations can go on and no outreach is
    /// waiting. Runs inside the caller's write transaction; returns whether it completed it.
    @discardableResult
    static func completeIfDone(_ campaignID: Int, sql: any SQLExecutor, now: Date) throws -> Bool {
        let open = try sql.queryOne("""
            SELECT COUNT(*) AS n FROM conversations WHERE campaign_id = ? AND status IN \(Conversation.openSQL)
            """, campaignID)?.int("n") ?? 0
        guard open == 0 else { return false }
        return try sql.execute("""
            UPDATE campaigns SET status = 'completed', completed_at = ?, updated_at = ?
            WHERE id = ? AND status = 'active' AND EXISTS (SELECT 1 FROM conversations WHERE campaign_id = ?)
            """, now, now, campaignID, campaignID) > 0
    }
}
