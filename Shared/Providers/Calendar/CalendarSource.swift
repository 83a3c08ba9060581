import Calendars
import Core
import FoundationEssentials
import HTTPTransport

/// Where meetings come from: an ICS feed, Google Calendar, or Google Calendar through Composio.
package protocol CalendarSource: Sendable {
    /// `ics`, `google` or `composio`.
    var name: String { get }
    /// The key its sync state (ETag, sync token) is stored under; nil when it keeps none.
    var sourceKey: String? { get }
    /// The events from `start` to `end`, or what changed since the stored `etag`/`syncToken`.
    func poll(start: Date, end: Date, etag: String?, syncToken: String?, deadline: Deadline) async throws -> CalendarFetch
}

/// What one poll of a calendar found.
package struct CalendarFetch: Sendable {
    package var events: [CalendarEvent]
    package var skipped: [ICSFeed.Skipped]
    package var warnings: [String]
    /// The feed lists every event of the window, so one that is missing was deleted.
    package var isComplete: Bool
    /// The server said 304: nothing changed since the last poll.
    package var notModified: Bool
    /// The feed's ETag (ICS), for the next poll's `If-None-Match`.
    package var etag: String?
    /// Google's sync token, for the next poll to ask only for what changed.
    package var syncToken: String?

    package init(events: [CalendarEvent], skipped: [ICSFeed.Skipped], warnings: [String], isComplete: Bool, notModified: Bool,
                 etag: String?, syncToken: String? = nil) {
        self.events = events
        self.skipped = skipped
        self.warnings = warnings
        self.isComplete = isComplete
        self.notModified = notModified
        self.etag = etag
        self.syncToken = syncToken
    }
}

/// Chooses the calendar: `CALENDAR_PROVIDER` = `ics`, `google`, `composio` or `none`; unset,
/// `ics` when `CALENDAR_ICS_URL` is set, else `google` when `GOOGLE_CALENDAR_TOKEN` is, else
/// `none` (nil: no calendar).
package enum CalendarSelection {
    package static func make(_ config: Config, transport: () throws -> any Transport) throws -> (any CalendarSource)? {
        let provider = (config["CALENDAR_PROVIDER"]
            ?? (config["CALENDAR_ICS_URL"] != nil ? "ics" : config["GOOGLE_CALENDAR_TOKEN"] != nil ? "google" : "none")).lowercased()
        switch provider {
        case "none":
            return nil
        case "ics":
            return ICSCalendarSource(location: try config.require("CALENDAR_ICS_URL", for: "the ICS calendar provider"), transport: try transport())
        case "google":
            return GoogleCalendarSource(baseURL: config["GOOGLE_CALENDAR_BASE_URL"] ?? GoogleCalendarSource.defaultBaseURL,
                                        calendarID: config["GOOGLE_CALENDAR_ID"] ?? "primary",
                                        token: try config.require("GOOGLE_CALENDAR_TOKEN", for: "the Google Calendar provider"),
                                        transport: try transport())
        case "composio":
            return ComposioCalendarSource(composio: try ComposioClient(config: config, transport: try transport(),
                                                                       purpose: "the Composio calendar provider"),
                                          calendarID: config["GOOGLE_CALENDAR_ID"] ?? "primary")
        default:
            throw BundleError.misconfigured(variable: "CALENDAR_PROVIDER", "must be ics, google, composio or none, got \"\(provider.prefix(40))\"")
        }
    }
}
