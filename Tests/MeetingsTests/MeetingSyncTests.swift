import Calendars
import Core
import FoundationEssentials
import Jobs
import Meetings
import Providers
import Store
import TestSupport
import Testing

@Suite struct MeetingSyncTests {
    let directory: TemporaryDirectory
    let database: any Database
    let sync: MeetingSync
    let now = Timestamp.parse("2026-01-05T00:00:00Z")!
    var end: Date { now.addingTimeInterval(7 * 86_400) }

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + JobsSchema.migrations + MeetingsSchema.migrations)
        sync = MeetingSync(database: database, ownDomains: ["ourco.example"])
    }

    func fetch(_ events: [CalendarEvent], complete: Bool = true) -> CalendarFetch {
        CalendarFetch(events: events, skipped: [], warnings: [], isComplete: complete, notModified: false, etag: nil)
    }

    func meeting(_ id: String, hour: Double = 10, title: String = "Call", cancelled: Bool = false) -> CalendarEvent {
        let start = now.addingTimeInterval(86_400 + hour * 3600)
        return CalendarEvent(id: id, title: title, start: start, end: start.addingTimeInterval(1800),
                             attendees: [.init(email: "alex@ourco.example", isOrganizer: true), .init(email: "dana@northwind.example")],
                             isCancelled: cancelled)
    }

    func statuses() throws -> [String: String] {
        try database.read { sql in
            try Dictionary(uniqueKeysWithValues: sql.query("SELECT calendar_event_id, status FROM meetings").map {
                (try $0.string("calendar_event_id"), try $0.string("status"))
            })
        }
    }

    @Test func pollingTheSameDataTwiceChangesNothing() throws {
        let events = [meeting("a"), meeting("b", hour: 14)]
        let first = try sync.apply(fetch(events), windowStart: now, windowEnd: end, now: now)
        #expect(first.new == 2)
        #expect(first.newMeetingIDs.count == 2)
        let second = try sync.apply(fetch(events), windowStart: now, windowEnd: end, now: now.addingTimeInterval(60))
        #expect(second.fetched == 2)
        #expect([second.new, second.updated, second.cancelled, second.skipped] == [0, 0, 0, 0])
    }

    @Test func movedCancelledAndDeletedMeetings() throws {
        _ = try sync.apply(fetch([meeting("a"), meeting("b"), meeting("c")]), windowStart: now, windowEnd: end, now: now)
        let counts = try sync.apply(fetch([meeting("a", hour: 11, title: "Call (moved)"), meeting("b", cancelled: true)]),
                                    windowStart: now, windowEnd: end, now: now)
        #expect(counts.updated == 1)
        #expect(counts.cancelled == 2, "b is cancelled, c vanished from the feed")
        #expect(try statuses() == ["a": "new", "b": "cancelled", "c": "cancelled"])
        // A partial answer (an incremental sync) never cancels what it does not mention.
        let partial = try sync.apply(fetch([], complete: false), windowStart: now, windowEnd: end, now: now)
        #expect(partial.cancelled == 0)
        // Back on the calendar: the meeting starts over.
        #expect(try sync.apply(fetch([meeting("a", hour: 11, title: "Call (moved)"), meeting("c")]), windowStart: now, windowEnd: end, now: now).updated == 1)
        #expect(try statuses()["c"] == "new")
    }

    @Test func meetingsWithoutAnExternalAttendeeAreSkipped() throws {
        var standup = meeting("standup")
        standup.attendees = [.init(email: "alex@ourco.example", isOrganizer: true), .init(email: "sam@ourco.example")]
        let counts = try sync.apply(fetch([standup]), windowStart: now, windowEnd: end, now: now)
        #expect(counts.skipped == 1)
        #expect(counts.new == 0)
    }
}
