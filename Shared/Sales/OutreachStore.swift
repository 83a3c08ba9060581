import Core
import FoundationEssentials
import Store

/// The drafts table: a draft written once per succeeded run (in its success transaction, `run_id`
/// unique), read by prospect or id, edited (the checks' warnings stored with the edit) and marked
/// sent, which records the `email` interaction and moves the prospect to `contacted` in the same
/// transaction. Every change is a compare-and-set on what was read, never a blind overwrite.
package struct OutreachStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    static let columns = """
        id, prospect_id, event_id, run_id, subject, body, suggested_solutions, context_used, warnings, without_research,
        edited_at, sent_at, created_at, updated_at FROM sales_outreach_drafts
        """

    /// Stores a succeeded run's draft through the SQL handle of the transaction that marks the run
    /// succeeded; a retried success stores nothing twice. `matchRunID`: the event match run drafting it.
    static func save(_ result: OutreachResult, matchRunID: Int? = nil, sql: any SQLExecutor, now: Date) throws {
        try sql.execute("""
            INSERT INTO sales_outreach_drafts (prospect_id, event_id, run_id, subject, body, suggested_solutions, context_used, warnings,
                                               without_research, match_run_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING
            """, [result.prospectID, result.eventID, result.runID, result.subject, result.body,
                  JSONValue.array(result.suggestedSolutions.map(JSONValue.string)), try JSONValue(encoding: result.contextUsed),
                  result.withoutResearch, matchRunID, now, now])
    }

    package func draft(_ id: Int) throws -> OutreachDraft? {
        try database.read { sql in try sql.queryOne("SELECT \(Self.columns) WHERE id = ?", id).map(OutreachDraft.init(row:)) }
    }

    package func draft(runID: Int) throws -> OutreachDraft? {
        try database.read { sql in try sql.queryOne("SELECT \(Self.columns) WHERE run_id = ?", runID).map(OutreachDraft.init(row:)) }
    }

    /// A prospect's drafts, newest first (optionally one event's), and how many there are in all.
    package func drafts(prospectID: Int, eventID: Int?, limit: Int, offset: Int) throws -> (drafts: [OutreachDraft], total: Int) {
        try database.read { sql in
            let filter = eventID == nil ? "prospect_id = ?" : "prospect_id = ? AND event_id = ?"
            let arguments: [any SQLBindable] = [prospectID] + (eventID.map { [$0] } ?? [])
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM sales_outreach_drafts WHERE \(filter)", arguments)?.int("n") ?? 0
            let rows = try sql.query("SELECT \(Self.columns) WHERE \(filter) ORDER BY id DESC LIMIT ? OFFSET ?", arguments + [limit, offset])
            return (try rows.map(OutreachDraft.init(row:)), total)
        }
    }

    /// The id of the prospect's newest outreach run (with or without an event), if any.
    package func latestRunID(prospectID: Int) throws -> Int? {
        try database.read { sql in
            try sql.queryOne("""
                SELECT id FROM workflow_runs WHERE workflow = ? AND (subject = ? OR subject LIKE ?) ORDER BY id DESC LIMIT 1
                """, OutreachWorkflow.name, OutreachWorkflow.subject(prospectID: prospectID, eventID: nil),
                OutreachWorkflow.subject(prospectID: prospectID, eventID: nil) + ":event:%")?.optionalInt("id")
        }
    }

    /// Applies an edit in one transaction: new text (checked; problems stored as `warnings`) and/or
    /// `sent_at` (the email interaction and the prospect's `contacted` status with it). Marking
    /// sent again with the same time changes nothing; a sent draft's text cannot change.
    package func update(_ id: Int, _ edit: OutreachEdit, disallowedClaims: [String], now: Date) throws -> OutreachDraft {
        try database.write { sql in
            guard let row = try sql.queryOne("SELECT \(Self.columns) WHERE id = ?", id) else { throw BundleError(.notFound, "no outreach draft with id \(id)") }
            let draft = try OutreachDraft(row: row)
            if edit.subject != nil || edit.body != nil {
                if let sent = draft.sentAt {
                    throw BundleError(.conflict, "outreach draft \(id) was sent at \(sent): its subject and body can no longer change")
                }
                let subject = edit.subject ?? draft.subject
                let body = edit.body ?? draft.body
                let checks = try Self.checks(for: draft, sql: sql, disallowedClaims: disallowedClaims)
                let warnings = checks.subject(subject, field: "subject") + checks.body(body, field: "body")
                let changed = try sql.execute("""
                    UPDATE sales_outreach_drafts SET subject = ?, body = ?, warnings = ?, edited_at = ?, updated_at = ?
                    WHERE id = ? AND sent_at IS NULL AND subject = ? AND body = ?
                    """, subject, body, try JSONValue(encoding: warnings), now, now, id, draft.subject, draft.body)
                guard changed == 1 else { throw BundleError(.conflict, "outreach draft \(id) changed while it was being edited; retry") }
            }
            if let sentAt = edit.sentAt {
                if let sent = draft.sentAt {
                    guard Timestamp.parse(sent) == Timestamp.parse(Timestamp.format(sentAt)) else {
                        throw BundleError(.conflict, "outreach draft \(id) was already sent at \(sent)")
                    }
                } else {
                    guard try sql.execute("UPDATE sales_outreach_drafts SET sent_at = ?, updated_at = ? WHERE id = ? AND sent_at IS NULL",
                                          sentAt, now, id) == 1 else {
                        throw BundleError(.conflict, "outreach draft \(id) was just marked sent by another request; retry")
                    }
                    try Self.recordSent(id: id, prospectID: draft.prospectID, sentAt: sentAt, sql: sql, now: now)
                }
            }
            guard let updated = try sql.queryOne("SELECT \(Self.columns) WHERE id = ?", id) else { throw BundleError(.notFound, "no outreach draft with id \(id)") }
            return try OutreachDraft(row: updated)
        }
    }

    /// The email as an interaction (its text as it was sent), the prospect moved to `contacted`
    /// from `new` or `researched` (a prospect further along keeps its status), and `last_contacted`
    /// moved forward, never back.
    static func recordSent(id: Int, prospectID: Int, sentAt: Date, sql: any SQLExecutor, now: Date) throws {
        try sql.execute("""
            INSERT INTO sales_interactions (prospect_id, interaction_type, subject, content, outcome, interaction_date, created_at)
            SELECT prospect_id, 'email', subject, body, ?, ?, ? FROM sales_outreach_drafts WHERE id = ?
            """, "outreach draft \(id) sent", sentAt, now, id)
        try sql.execute("UPDATE sales_prospects SET status = 'contacted', updated_at = ? WHERE id = ? AND status IN ('new', 'researched')",
                        now, prospectID)
        try sql.execute("""
            UPDATE sales_prospects SET last_contacted = ?, updated_at = ? WHERE id = ? AND (last_contacted IS NULL OR last_contacted < ?)
            """, sentAt, now, prospectID, sentAt)
    }

    /// The checks a stored draft is held to: the prospect's name and company as they are now, the
    /// sources it was written with, its event.
    static func checks(for draft: OutreachDraft, sql: any SQLExecutor, disallowedClaims: [String]) throws -> OutreachChecks {
        guard let prospect = try sql.queryOne("""
            SELECT p.full_name, COALESCE(c.name, p.company_name) AS company FROM sales_prospects p
            LEFT JOIN sales_companies c ON c.id = p.company_id WHERE p.id = ?
            """, draft.prospectID) else { throw BundleError(.notFound, "no prospect with id \(draft.prospectID)") }
        let sources = (draft.contextUsed["sources"]?.arrayValue ?? []).compactMap(\.stringValue)
        let event = try draft.eventID.flatMap { try OutreachContext.loadEvent($0, sql: sql) }
        return OutreachChecks(fullName: try prospect.string("full_name"), companyName: try prospect.string("company"), sources: sources,
                              disallowedClaims: disallowedClaims, event: event)
    }
}
