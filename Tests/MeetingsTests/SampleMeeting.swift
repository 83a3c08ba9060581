import Calendars
import Core
import Meetings
import Providers
import Store

/// The meeting several tests start from: a discovery call with Dana Reyes of Northwind Logistics,
/// the day after `now`, synced into a fresh database as `poll-calendar` would.
enum SampleMeeting {
    static let now = Timestamp.parse("2026-01-05T00:00:00Z")!

    static func sync(into database: any Database) throws {
        let start = now.addingTimeInterval(86_400)
        let event = CalendarEvent(id: "m1", title: "Discovery call: Northwind", start: start, end: start.addingTimeInterval(1800),
                                  attendees: [.init(email: "alex@ourco.example", isOrganizer: true),
                                              .init(email: "dana@northwind-logistics.com", name: "Dana Reyes")])
        _ = try MeetingSync(database: database, ownDomains: ["ourco.example"])
            .apply(CalendarFetch(events: [event], skipped: [], warnings: [], isComplete: true, notModified: false, etag: nil),
                   windowStart: now, windowEnd: now.addingTimeInterval(7 * 86_400), now: now)
    }
}
