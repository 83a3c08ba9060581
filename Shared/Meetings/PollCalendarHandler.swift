import Calendars
import Core
import FoundationEssentials
import Jobs
import Providers
import Runtime

/// `poll-calendar` (cron every minute; `POST /calendar/poll`): fetches the window from now to
/// `POLL_DAYS_AHEAD` days ahead from the selected calendar and syncs the `meetings` table.
package struct PollCalendarHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var daysAhead: Int?
        var runPipeline: Bool?

        enum CodingKeys: String, CodingKey {
            case daysAhead = "days_ahead"
            case runPipeline = "run_pipeline"
        }
    }

    /// `{fetched, new, updated, cancelled, skipped}` at the top, as the seed system answered.
    package struct Output: Codable, Sendable {
        var provider: String
        var windowStart: String
        var windowEnd: String
        var notModified: Bool
        var fetched: Int
        var new: Int
        var updated: Int
        var cancelled: Int
        var skipped: Int
        var newMeetingIDs: [Int]
        var skippedEvents: [ICSFeed.Skipped]
        var warnings: [String]
        var queuedJobs: [Int]

        init(provider: String, windowStart: String, windowEnd: String, notModified: Bool, counts: MeetingSync.Counts,
             skippedEvents: [ICSFeed.Skipped], warnings: [String], queuedJobs: [Int]) {
            self.provider = provider
            self.windowStart = windowStart
            self.windowEnd = windowEnd
            self.notModified = notModified
            fetched = counts.fetched
            new = counts.new
            updated = counts.updated
            cancelled = counts.cancelled
            skipped = counts.skipped
            newMeetingIDs = counts.newMeetingIDs
            self.skippedEvents = skippedEvents
            self.warnings = warnings
            self.queuedJobs = queuedJobs
        }

        enum CodingKeys: String, CodingKey {
            case provider, warnings, fetched, new, updated, cancelled, skipped
            case newMeetingIDs = "new_meeting_ids"
            case queuedJobs = "queued_jobs"
            case windowStart = "window_start"
            case windowEnd = "window_end"
            case notModified = "not_modified"
            case skippedEvents = "skipped_events"
        }
    }

    package static let manifest = FunctionManifest(
        name: "poll-calendar",
        summary: "Fetches upcoming meetings from the calendar (ICS feed or Google Calendar) and syncs them: new, moved and cancelled meetings.",
        // /trigger-poll is the seed system's route: it runs the pipeline for new meetings unless told not to.
        routes: [Route("POST", "/calendar/poll"), Route("POST", "/trigger-poll")],
        input: Schema.object([
            "days_ahead": Schema.integer("How far ahead to look (default POLL_DAYS_AHEAD, 7)", minimum: 1, maximum: 366),
            "run_pipeline": Schema.boolean("Queue a run-pipeline job for each new meeting"),
        ], required: []),
        output: Schema.object([
            "provider": Schema.string(enum: ["ics", "google", "composio", "none"]),
            "window_start": Schema.string(format: "date-time"),
            "window_end": Schema.string(format: "date-time"),
            "not_modified": Schema.boolean(),
            "fetched": Schema.integer(minimum: 0), "new": Schema.integer(minimum: 0), "updated": Schema.integer(minimum: 0),
            "cancelled": Schema.integer(minimum: 0), "skipped": Schema.integer(minimum: 0),
            "new_meeting_ids": Schema.array(Schema.integer()),
            "skipped_events": Schema.array(Schema.object(["uid": Schema.nullable(Schema.string()), "reason": Schema.string()])),
            "warnings": Schema.array(Schema.string()),
            "queued_jobs": Schema.array(Schema.integer(), "run-pipeline jobs queued for new meetings"),
        ]),
        schedule: "* * * * *",
        timeoutSeconds: 45
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let config = context.config
        let days = try input.daysAhead ?? config.int("POLL_DAYS_AHEAD", default: 7, in: 1...366)
        guard (1...366).contains(days) else { throw BundleError.validation(field: "days_ahead", "must be 1 to 366") }
        let now = context.clock.now()
        let end = now.addingTimeInterval(Double(days) * 86_400)
        let provider = (config["CALENDAR_PROVIDER"]
            ?? (config["CALENDAR_ICS_URL"] != nil ? "ics" : config["GOOGLE_CALENDAR_TOKEN"] != nil ? "google" : "none")).lowercased()
        guard provider != "none" else {
            context.logger.info("calendar.none_configured")
            return Output(provider: "none", windowStart: Timestamp.format(now), windowEnd: Timestamp.format(end), notModified: false,
                          counts: MeetingSync.Counts(), skippedEvents: [],
                          warnings: ["no calendar is configured: set CALENDAR_ICS_URL (an ICS feed URL or file) or GOOGLE_CALENDAR_TOKEN"], queuedJobs: [])
        }
        let ownDomains = Set((config["SELF_EMAIL_DOMAINS"] ?? "").split(separator: ",").map { $0.trimmingWhitespace().lowercased() }
            .filter { !$0.isEmpty })
        let sync = MeetingSync(database: try context.database(), ownDomains: ownDomains)
        let fetch: CalendarFetch
        switch provider {
        case "ics":
            let source = ICSCalendarSource(location: try config.require("CALENDAR_ICS_URL", for: "the ICS calendar provider"),
                                           transport: try context.transport())
            let state = try sync.syncState(source.sourceKey)
            fetch = try await source.fetch(start: now, end: end, etag: state.etag, deadline: context.deadline)
            try sync.saveSyncState(source.sourceKey, etag: fetch.etag, syncToken: nil, now: now)
        case "google":
            let source = GoogleCalendarSource(baseURL: config["GOOGLE_CALENDAR_BASE_URL"] ?? GoogleCalendarSource.defaultBaseURL,
                                              calendarID: config["GOOGLE_CALENDAR_ID"] ?? "primary",
                                              token: try config.require("GOOGLE_CALENDAR_TOKEN", for: "the Google Calendar provider"),
                                              transport: try context.transport())
            let state = try sync.syncState(source.sourceKey)
            let result = try await source.fetch(start: now, end: end, syncToken: state.syncToken, deadline: context.deadline)
            // An incremental answer also lists changes to past meetings: those are not ours to prepare.
            var changes = result.fetch
            changes.events = changes.events.filter { $0.isCancelled || $0.end > now }
            fetch = changes
            try sync.saveSyncState(source.sourceKey, etag: nil, syncToken: result.syncToken, now: now)
        case "composio":
            let composio = try ComposioClient(config: config, transport: try context.transport(), purpose: "the Composio calendar provider")
            let data = try await composio.execute("GOOGLECALENDAR_FIND_EVENT", arguments: [
                "calendar_id": .string(config["GOOGLE_CALENDAR_ID"] ?? "primary"),
                "timeMin": .string(Timestamp.format(now)), "timeMax": .string(Timestamp.format(end)), "single_events": true,
                "max_results": 250,
            ], deadline: context.deadline)
            var events: [CalendarEvent] = []
            var skipped: [ICSFeed.Skipped] = []
            // Google event objects, wherever the tool's result nests them.
            for item in ComposioClient.objects(in: data, having: ["id", "start"]) {
                do {
                    events.append(try GoogleCalendarSource.event(item, zone: .utc))
                } catch let error as BundleError {
                    skipped.append(ICSFeed.Skipped(uid: item["id"]?.stringValue, reason: error.message))
                }
            }
            fetch = CalendarFetch(events: events, skipped: skipped, warnings: [], isComplete: true, notModified: false, etag: nil)
        default:
            throw BundleError.misconfigured(variable: "CALENDAR_PROVIDER", "must be ics, google, composio or none, got \"\(provider.prefix(40))\"")
        }
        let counts = fetch.notModified ? MeetingSync.Counts() : try sync.apply(fetch, windowStart: now, windowEnd: end, now: now)
        context.logger.info("calendar.polled", ["provider": .string(provider), "fetched": .number(Double(counts.fetched)),
                                                "new": .number(Double(counts.new)), "updated": .number(Double(counts.updated)),
                                                "cancelled": .number(Double(counts.cancelled))])
        var queued: [Int] = []
        let runPipeline = input.runPipeline ?? (context.http?["route"]?.stringValue == "POST /trigger-poll")
        if runPipeline {
            let queue = JobQueue(database: try context.database())
            for id in counts.newMeetingIDs {
                let job = try queue.enqueue(.init(function: RunPipelineHandler.manifest.name, input: ["id": .number(Double(id))],
                                                  idempotencyKey: "run-pipeline:meeting:\(id)",
                                                  timeoutSeconds: RunPipelineHandler.manifest.timeoutSeconds, requestID: context.requestID),
                                            now: now)
                queued.append(job.job.id)
            }
        }
        return Output(provider: provider, windowStart: Timestamp.format(now), windowEnd: Timestamp.format(end), notModified: fetch.notModified,
                      counts: counts, skippedEvents: fetch.skipped, warnings: fetch.warnings, queuedJobs: queued)
    }
}
