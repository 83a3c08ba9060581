import Core
import Runtime
import Store
import Workflows

/// `GET /api/v1/events/{id}/matches`: the matches of the event's latest succeeded run (best
/// first: selected by rank, then the rest by score, skipped last), each with its score, reason
/// and invitation (draft id, whether it was sent), and the latest run's status (which may be a
/// newer run still going or one that failed). `status` filters, paged.
package struct ListEventMatchesHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var status: String?
        var limit: Int?
        var offset: Int?
    }

    package struct Listed: Encodable, Sendable {
        var match: EventMatch
        var draftSentAt: String?

        package func encode(to encoder: any Encoder) throws {
            try match.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(draftSentAt, forKey: .draftSentAt)
        }

        enum Keys: String, CodingKey { case draftSentAt = "draft_sent_at" }
    }

    package struct Output: Encodable, Sendable {
        var event: SalesEvent
        var latestRun: EventMatchAnswer?
        var matchesRunID: Int?
        var matches: [Listed]
        var total: Int
        var limit: Int
        var offset: Int

        enum CodingKeys: String, CodingKey {
            case event, matches, total, limit, offset
            case latestRun = "latest_run"
            case matchesRunID = "matches_run_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "list-event-matches",
        summary: "An event's matches (scores, reasons, invitation draft ids) from its latest succeeded run, and the latest run's status.",
        routes: [Route("GET", "/api/v1/events/{id:int}/matches")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "status": Schema.string(enum: EventMatch.statuses),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer(minimum: 0),
        ], required: ["id"]),
        output: Schema.object([
            "event": SalesEvent.schema,
            "latest_run": Schema.nullable(EventMatchAnswer.schema),
            "matches_run_id": Schema.nullable(Schema.integer("The succeeded run the matches come from", minimum: 1)),
            "matches": Schema.array(Schema.object([
                "prospect_id": Schema.integer(minimum: 1), "full_name": Schema.string(), "title": Schema.string(),
                "company_name": Schema.string(), "status": Schema.string(enum: EventMatch.statuses),
                "rank": Schema.nullable(Schema.integer(minimum: 1)), "score": Schema.nullable(Schema.integer(minimum: 0, maximum: 100)),
                "similarity": Schema.number(), "reason": Schema.nullable(Schema.string()), "skip_reason": Schema.nullable(Schema.string()),
                "draft_id": Schema.nullable(Schema.integer(minimum: 1)),
                "invitation_status": Schema.nullable(Schema.string(enum: EventMatch.invitationStatuses)),
                "invitation_error": Schema.nullable(Schema.string()), "outreach_run_id": Schema.nullable(Schema.integer(minimum: 1)),
                "draft_sent_at": Schema.nullable(Schema.string(format: "date-time")),
            ])),
            "total": Schema.integer(minimum: 0), "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.status, allowed: EventMatch.statuses, limit: input.limit, offset: input.offset)
        let database = try context.database()
        let event = try SalesEvent.require(input.id, database: database)
        let latest = try WorkflowStore(database: database).runs(workflow: EventMatchWorkflow.name,
                                                                 subject: EventMatchWorkflow.subject(eventID: input.id), limit: 1).first
        let (runID, rows, total) = try database.read { sql in
            let runID = try sql.queryOne("SELECT MAX(run_id) AS run FROM sales_event_matches WHERE event_id = ?", input.id)?.optionalInt("run")
            guard let runID else { return (Int?.none, [Listed](), 0) }
            let condition = "m.run_id = ?" + (input.status == nil ? "" : " AND m.status = ?")
            let arguments: [any SQLBindable] = [runID] + (input.status.map { [$0] } ?? [])
            let rows = try sql.query("""
                SELECT m.*, p.full_name, p.title, p.company_name, d.sent_at AS draft_sent_at
                FROM sales_event_matches m JOIN sales_prospects p ON p.id = m.prospect_id
                LEFT JOIN sales_outreach_drafts d ON d.id = m.draft_id
                WHERE \(condition)
                ORDER BY CASE m.status WHEN 'selected' THEN 0 WHEN 'over_limit' THEN 1 WHEN 'below_threshold' THEN 2 ELSE 3 END,
                         m.rank, m.score DESC, m.similarity DESC, m.prospect_id
                LIMIT ? OFFSET ?
                """, arguments + [page.limit, page.offset]).map { row in
                Listed(match: EventMatch(prospectID: try row.int("prospect_id"), fullName: try row.string("full_name"), title: try row.string("title"),
                                      companyName: try row.string("company_name"), status: try row.string("status"), rank: row.optionalInt("rank"),
                                      score: row.optionalInt("score"), similarity: row.optionalDouble("similarity") ?? 0,
                                      reason: row.optionalString("reason"), skipReason: row.optionalString("skip_reason"),
                                      draftID: row.optionalInt("draft_id"), invitationStatus: row.optionalString("invitation_status"),
                                      invitationError: row.optionalString("invitation_error"), outreachRunID: row.optionalInt("outreach_run_id")),
                    draftSentAt: row.optionalString("draft_sent_at"))
            }
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM sales_event_matches m WHERE \(condition)", arguments)?.int("n") ?? 0
            return (Optional(runID), rows, total)
        }
        return Output(event: event, latestRun: latest.map(EventMatchAnswer.init), matchesRunID: runID, matches: rows, total: total,
                      limit: page.limit, offset: page.offset)
    }
}
