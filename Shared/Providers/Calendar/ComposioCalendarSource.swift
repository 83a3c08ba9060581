import Calendars
import Core
import FoundationEssentials

/// Google Calendar through Composio's `GOOGLECALENDAR_FIND_EVENT`: the window, listed whole each
/// poll (no sync state); its items are Google event objects, wherever the tool's result nests them.
package struct ComposioCalendarSource: CalendarSource {
    package let name = "composio"
    let composio: ComposioClient
    let calendarID: String

    package init(composio: ComposioClient, calendarID: String) {
        self.composio = composio
        self.calendarID = calendarID
    }

    package var sourceKey: String? { nil }

    package func poll(start: Date, end: Date, etag: String?, syncToken: String?, deadline: Deadline) async throws -> CalendarFetch {
        let data = try await composio.execute("GOOGLECALENDAR_FIND_EVENT", arguments: [
            "calendar_id": .string(calendarID),
            "timeMin": .string(Timestamp.format(start)), "timeMax": .string(Timestamp.format(end)), "single_events": true,
            "max_results": 250,
        ], deadline: deadline)
        var events: [CalendarEvent] = []
        var skipped: [ICSFeed.Skipped] = []
        for item in ComposioClient.objects(in: data, having: ["id", "start"]) {
            do {
                events.append(try GoogleCalendarSource.event(item, zone: .utc))
            } catch let error as BundleError {
                skipped.append(ICSFeed.Skipped(uid: item["id"]?.stringValue, reason: error.message))
            }
        }
        return CalendarFetch(events: events, skipped: skipped, warnings: [], isComplete: true, notModified: false, etag: nil)
    }
}
