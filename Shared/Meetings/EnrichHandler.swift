import Calendars
import Core
import FoundationEssentials
import Providers
import Runtime
import Store

/// `POST /meetings/{id}/enrich`: the three searches for one meeting, stored on it (status
/// `enriching`, then `enriched`, or `error` with the message). Without an id it takes
/// `{company, role, title}` and only returns the enrichment, for piping.
package struct EnrichHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int?
        var company: String?
        var role: String?
        var title: String?
        /// Without a company, the first external attendee's domain names it.
        var attendees: [PipedAttendee]?

        package init(id: Int? = nil, company: String? = nil, role: String? = nil, title: String? = nil) {
            self.id = id
            self.company = company
            self.role = role
            self.title = title
        }
    }

    package struct PipedAttendee: Codable, Sendable {
        var email: String
        var name: String?
    }

    package struct Output: Codable, Sendable {
        var meetingID: Int?
        var status: String?
        var steeringVersion: Int
        var enrichment: Enrichment

        enum CodingKeys: String, CodingKey {
            case status, enrichment
            case meetingID = "meeting_id"
            case steeringVersion = "steering_version"
        }
    }

    package static let manifest = FunctionManifest(
        name: "enrich",
        summary: "Researches a meeting: company news, the role's pains and competitors, searched at once and stored per category.",
        routes: [Route("POST", "/meetings/{id:int}/enrich")],
        input: Schema.object([
            "id": Schema.integer(minimum: 1), "company": Schema.string(), "role": Schema.string(), "title": Schema.string(),
            "attendees": Schema.array(Schema.object(["email": Schema.string(), "name": Schema.string()], required: ["email"])),
        ], required: []),
        output: Schema.object([
            "meeting_id": Schema.nullable(Schema.integer()), "status": Schema.nullable(Schema.string()),
            "steering_version": Schema.integer(minimum: 1), "enrichment": Enrichment.schema,
        ]),
        timeoutSeconds: 60
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        try await PipelineStep.enrich.recordingFailure(meeting: input.id, context: context) { try await enrich(input, context: context) }
    }

    private func enrich(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let now = context.clock.now()
        let steering = try SteeringStore(database: database).current(now: now)
        let search = try context.search()
        let enricher = Enricher(search: search)
        guard let id = input.id else {
            var company = input.company
            if company == nil, let attendees = input.attendees {
                let event = CalendarEvent(id: "piped", title: input.title ?? "", start: now, end: now,
                                          attendees: attendees.map { CalendarEvent.Attendee(email: $0.email.lowercased(), name: $0.name) })
                let own = Set((context.config["SELF_EMAIL_DOMAINS"] ?? "").split(separator: ",").map { $0.trimmingWhitespace().lowercased() })
                company = Attribution.of(event, ownDomains: own).company
            }
            guard company != nil || input.title != nil else {
                throw BundleError.validation(field: "id", "give a meeting id, or company (and role), or attendees to research")
            }
            let subject = Enricher.Subject(company: company, role: input.role, title: input.title ?? company ?? "")
            let enrichment = try await enricher.enrich(subject, steering: steering.profile, now: now, deadline: context.deadline)
            return Output(meetingID: nil, status: nil, steeringVersion: steering.version, enrichment: enrichment)
        }
        guard let meeting = try MeetingStore(database: database).meeting(id) else { throw BundleError(.notFound, "no meeting with id \(id)") }
        guard meeting.status != "cancelled" else { throw BundleError(.conflict, "meeting \(id) is cancelled") }
        try database.write { sql in
            try sql.execute("UPDATE meetings SET status = 'enriching', error = NULL, updated_at = ? WHERE id = ?", now, id)
        }
        let subject = Enricher.Subject(company: meeting.company, role: meeting.role, title: meeting.title)
        let enrichment = try await enricher.enrich(subject, steering: steering.profile, now: now, deadline: context.deadline)
        try database.write { sql in
            try sql.execute("""
                UPDATE meetings SET enrichment = ?, status = 'enriched', steering_version = ?, error = NULL, updated_at = ? WHERE id = ?
                """, try JSONValue(encoding: enrichment), steering.version, context.clock.now(), id)
        }
        context.logger.info("meeting.enriched", ["meeting": .number(Double(id)), "provider": .string(enrichment.provider),
                                                 "sources": .number(Double(enrichment.sourceURLs.count))])
        return Output(meetingID: id, status: "enriched", steeringVersion: steering.version, enrichment: enrichment)
    }
}
