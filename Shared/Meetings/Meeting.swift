import Calendars
import Core
import FoundationEssentials
import Store

/// A meeting as `GET /meetings/{id}` shows it: the calendar facts, who it is with, where the
/// pipeline stands, and everything the pipeline produced.
package struct Meeting: Codable, Sendable, Equatable {
    package var id: Int
    package var calendarEventID: String
    package var seriesID: String?
    package var title: String
    package var start: String
    package var end: String
    package var isAllDay: Bool
    package var location: String?
    package var description: String?
    package var attendees: [CalendarEvent.Attendee]
    package var company: String?
    package var companyDomain: String?
    package var role: String?
    package var status: String
    package var enrichment: JSONValue?
    package var insights: JSONValue?
    package var hooks: JSONValue?
    package var competitors: JSONValue?
    package var preMeetingDraft: JSONValue?
    package var followUpDraft: JSONValue?
    package var draftIDs: JSONValue?
    package var notionPageID: String?
    package var feedbackScore: Int?
    package var feedbackNotes: String?
    package var steeringVersion: Int?
    package var error: String?
    /// The original's names: `datetime_utc` for start, `error_message` for error (output aliases).
    package var datetimeUTC: String
    package var errorMessage: String?
    package var createdAt: String
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, start, end, location, description, attendees, company, role, status, enrichment, insights, hooks, competitors, error
        case calendarEventID = "calendar_event_id"
        case seriesID = "series_id"
        case isAllDay = "is_all_day"
        case companyDomain = "company_domain"
        case preMeetingDraft = "pre_meeting_draft"
        case followUpDraft = "follow_up_draft"
        case draftIDs = "draft_ids"
        case notionPageID = "notion_page_id"
        case feedbackScore = "feedback_score"
        case feedbackNotes = "feedback_notes"
        case steeringVersion = "steering_version"
        case datetimeUTC = "datetime_utc"
        case errorMessage = "error_message"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    package static let statuses = ["new", "enriching", "enriched", "drafted", "feedback_given", "cancelled", "error"]

    init(row: Row) throws {
        func json(_ column: String) throws -> JSONValue? { try row.optionalJSON(column) }
        id = try row.int("id")
        calendarEventID = try row.string("calendar_event_id")
        seriesID = row.optionalString("series_id")
        title = try row.string("title")
        start = Timestamp.format(try row.date("start_at"))
        end = Timestamp.format(try row.date("end_at"))
        isAllDay = row.bool("is_all_day")
        location = row.optionalString("location")
        description = row.optionalString("description")
        attendees = try row.decode("attendees", as: [CalendarEvent.Attendee].self)
        company = row.optionalString("company")
        companyDomain = row.optionalString("company_domain")
        role = row.optionalString("role")
        status = try row.string("status")
        enrichment = try json("enrichment")
        insights = try json("insights")
        hooks = try json("hooks")
        competitors = try json("competitors")
        preMeetingDraft = try json("pre_meeting_draft")
        followUpDraft = try json("follow_up_draft")
        draftIDs = try json("draft_ids")
        notionPageID = row.optionalString("notion_page_id")
        feedbackScore = row.optionalInt("feedback_score")
        feedbackNotes = row.optionalString("feedback_notes")
        steeringVersion = row.optionalInt("steering_version")
        error = row.optionalString("error")
        datetimeUTC = start
        errorMessage = error
        createdAt = try row.string("created_at")
        updatedAt = try row.string("updated_at")
    }

    /// The JSON Schema of a meeting, for manifests.
    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1),
        "calendar_event_id": Schema.string(),
        "series_id": Schema.nullable(Schema.string()),
        "title": Schema.string(),
        "start": Schema.string(format: "date-time"),
        "end": Schema.string(format: "date-time"),
        "is_all_day": Schema.boolean(),
        "location": Schema.nullable(Schema.string()),
        "description": Schema.nullable(Schema.string()),
        "attendees": Schema.array(Schema.object([
            "email": Schema.string(), "name": Schema.nullable(Schema.string()),
            "response": Schema.string(enum: ["accepted", "declined", "tentative", "needs_action"]), "is_organizer": Schema.boolean(),
        ])),
        "company": Schema.nullable(Schema.string()),
        "company_domain": Schema.nullable(Schema.string()),
        "role": Schema.nullable(Schema.string()),
        "status": Schema.string(enum: statuses),
        "enrichment": Schema.any, "insights": Schema.any, "hooks": Schema.any, "competitors": Schema.any,
        "pre_meeting_draft": Schema.any, "follow_up_draft": Schema.any, "draft_ids": Schema.any,
        "notion_page_id": Schema.nullable(Schema.string()),
        "feedback_score": Schema.nullable(Schema.integer(minimum: -1, maximum: 1)),
        "feedback_notes": Schema.nullable(Schema.string()),
        "steering_version": Schema.nullable(Schema.integer(minimum: 1)),
        "error": Schema.nullable(Schema.string()),
        "datetime_utc": Schema.string("The same as start (the original's name)", format: "date-time"),
        "error_message": Schema.nullable(Schema.string("The same as error (the original's name)")),
        "created_at": Schema.string(format: "date-time"),
        "updated_at": Schema.string(format: "date-time"),
    ], required: ["id", "calendar_event_id", "title", "start", "end", "attendees", "status", "created_at", "updated_at"])
}

/// Reads meetings.
package struct MeetingStore: Sendable {
    let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package func meeting(_ id: Int) throws -> Meeting? {
        try database.read { sql in try sql.queryOne("SELECT * FROM meetings WHERE id = ?", id).map(Meeting.init(row:)) }
    }

    /// Newest start first.
    package func list(status: String?, limit: Int, offset: Int) throws -> (meetings: [Meeting], total: Int) {
        try database.read { sql in
            let filter = status == nil ? "" : "WHERE status = ?"
            let arguments: [any SQLBindable] = status.map { [$0] } ?? []
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM meetings \(filter)", arguments)?.int("n") ?? 0
            let rows = try sql.query("SELECT * FROM meetings \(filter) ORDER BY start_at DESC, id DESC LIMIT ? OFFSET ?",
                                     arguments + [limit, offset])
            return (try rows.map(Meeting.init(row:)), total)
        }
    }
}
