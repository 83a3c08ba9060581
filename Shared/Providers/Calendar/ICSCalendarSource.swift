import Calendars
import Core
import FoundationEssentials
import HTTPTransport

/// An ICS feed (`CALENDAR_ICS_URL`: an http(s) or webcal URL, or a file path), read whole, so a
/// meeting missing from it has been deleted; with `If-None-Match` an unchanged feed costs one 304.
package struct ICSCalendarSource: CalendarSource {
    package let name = "ics"
    package let location: String
    let transport: any Transport

    package init(location: String, transport: any Transport) {
        self.location = location.trimmingWhitespace()
        self.transport = transport
    }

    /// The key its sync state is stored under.
    package var sourceKey: String? { "ics:" + location }

    package func poll(start: Date, end: Date, etag: String?, syncToken: String?, deadline: Deadline) async throws -> CalendarFetch {
        try await fetch(start: start, end: end, etag: etag, deadline: deadline)
    }

    package func fetch(start: Date, end: Date, etag: String?, deadline: Deadline) async throws -> CalendarFetch {
        var url = location
        if url.lowercased().hasPrefix("webcal://") { url = "https://" + url.dropFirst("webcal://".count) }
        let text: String
        var newETag: String?
        if url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://") {
            var headers: [(name: String, value: String)] = [("Accept", "text/calendar, */*;q=0.5")]
            if let etag { headers.append(("If-None-Match", etag)) }
            let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers), deadline: deadline)
            if response.status == 304 {
                return CalendarFetch(events: [], skipped: [], warnings: [], isComplete: false, notModified: true, etag: etag)
            }
            guard response.isSuccess else {
                throw BundleError(response.status == 404 || response.status == 401 || response.status == 403 ? .misconfigured : .upstreamFailed,
                                  "the calendar feed at \(Self.hostOnly(url)) answered HTTP \(response.status); check CALENDAR_ICS_URL")
            }
            newETag = response.header("etag")
            text = String(decoding: response.body, as: UTF8.self)
        } else {
            let path = url.hasPrefix("file://") ? String(url.dropFirst("file://".count)) : url
            guard let bytes = FileBytes.read(path) else {
                throw BundleError.misconfigured(variable: "CALENDAR_ICS_URL", "names the file \(path), which cannot be read")
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        guard text.contains("BEGIN:VCALENDAR") || text.contains("begin:vcalendar") else {
            throw BundleError(.upstreamFailed, "the calendar feed is not iCalendar data (no BEGIN:VCALENDAR)")
        }
        let feed = ICSFeed.events(from: text, start: start, end: end)
        return CalendarFetch(events: feed.events, skipped: feed.skipped, warnings: feed.warnings, isComplete: true, notModified: false,
                             etag: newETag)
    }

    /// The host of a URL, never its path or query (a secret token often lives there).
    static func hostOnly(_ url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return "the feed" }
        return String(url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }.split(separator: "@").last ?? "")
    }
}
