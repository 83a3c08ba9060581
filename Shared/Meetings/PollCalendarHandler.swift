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
        guard let source = try context.calendar() else {
            context.logger.info("calendar.none_configured")
            return Output(provider: "none", windowStart: Timestamp.format(now), windowEnd: Timestamp.format(end), notModified: false,
                          counts: MeetingSync.Counts(), skippedEvents: [],
                          warnings: ["no calendar is configured: set CALENDAR_ICS_URL (an ICS feed URL or file) or GOOGLE_CALENDAR_TOKEN"], queuedJobs: [])
        }
        let provider = source.name
        let ownDomains = Set((config["SELF_EMAIL_DOMAINS"] ?? "").split(separator: ",").map { $0.trimmingWhitespace().lowercased() }
            .filter { !$0.isEmpty })
        let sync = MeetingSync(database: try context.database(), ownDomains: ownDomains)
        let state = try source.sourceKey.map(sync.syncState) ?? (etag: nil, syncToken: nil)
        var fetch = try await source.poll(start: now, end: end, etag: state.etag, syncToken: state.syncToken, deadline: context.deadline)
        // An incremental answer also lists changes to past meetings: those are not ours to prepare.
        if !fetch.isComplete { fetch.events = fetch.events.filter { $0.isCancelled || $0.end > now } }
        if let key = source.sourceKey { try sync.saveSyncState(key, etag: fetch.etag, syncToken: fetch.syncToken, now: now) }
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
