import Calendars
import Core
import FoundationEssentials
import HTTPTransport

/// Google Calendar's events API with incremental sync: the first poll lists the window (paged,
/// recurring series expanded by Google with `singleEvents=true`) and keeps the `nextSyncToken`
/// of its last page; later polls ask only for what changed since. A 410 means the token expired:
/// drop it and list the window again. Cancelled items may carry only their id and status.
package struct GoogleCalendarSource: CalendarSource {
    package let name = "google"
    package static let defaultBaseURL = "https://www.googleapis.com/calendar/v3"
    let baseURL: String
    let calendarID: String
    let token: String
    let transport: any Transport

    package init(baseURL: String, calendarID: String, token: String, transport: any Transport) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.calendarID = calendarID
        self.token = token
        self.transport = transport
    }

    package var sourceKey: String? { "google:" + calendarID }

    package func poll(start: Date, end: Date, etag: String?, syncToken: String?, deadline: Deadline) async throws -> CalendarFetch {
        let result = try await fetch(start: start, end: end, syncToken: syncToken, deadline: deadline)
        var fetch = result.fetch
        fetch.syncToken = result.syncToken
        return fetch
    }

    package func fetch(start: Date, end: Date, syncToken: String?, deadline: Deadline) async throws -> (fetch: CalendarFetch, syncToken: String?) {
        if let syncToken {
            do {
                return try await list(["syncToken": syncToken], complete: false, deadline: deadline)
            } catch let error as GoneError {
                _ = error  // the token expired: a full sync below
            }
        }
        return try await list(["timeMin": Timestamp.format(start), "timeMax": Timestamp.format(end), "orderBy": "startTime"],
                              complete: true, deadline: deadline)
    }

    struct GoneError: Error {}

    private func list(_ parameters: [String: String], complete: Bool, deadline: Deadline) async throws -> (fetch: CalendarFetch, syncToken: String?) {
        var events: [CalendarEvent] = []
        var skipped: [ICSFeed.Skipped] = []
        var pageToken: String?
        var nextSyncToken: String?
        var pages = 0
        repeat {
            var query = parameters.merging(["singleEvents": "true", "maxResults": "250"]) { $1 }
            if let pageToken { query["pageToken"] = pageToken }
            let url = "\(baseURL)/calendars/\(URLEncoding.component(calendarID))/events?" + URLEncoding.query(query)
            let response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: [("Authorization", "Bearer \(token)")]),
                                                    deadline: deadline)
            if response.status == 410 { throw GoneError() }
            guard response.isSuccess, let body = response.json, case .object = body else { throw Self.failure(response) }
            let zone = body["timeZone"]?.stringValue.flatMap { TimeZoneDatabase.rules(named: $0) } ?? .utc
            for item in body["items"]?.arrayValue ?? [] {
                do {
                    events.append(try Self.event(item, zone: zone))
                } catch let error as BundleError {
                    skipped.append(ICSFeed.Skipped(uid: item["id"]?.stringValue, reason: error.message))
                }
            }
            pageToken = body["nextPageToken"]?.stringValue
            nextSyncToken = body["nextSyncToken"]?.stringValue ?? nextSyncToken
            pages += 1
        } while pageToken != nil && pages < 100
        return (CalendarFetch(events: events, skipped: skipped, warnings: [], isComplete: complete, notModified: false, etag: nil), nextSyncToken)
    }

    static func failure(_ response: HTTPResponse) -> BundleError {
        let reason = response.json?["error"]?["errors"]?.arrayValue?.first?["reason"]?.stringValue
        let message = response.json?["error"]?["message"]?.stringValue ?? "HTTP \(response.status)"
        if response.status == 429 || reason == "rateLimitExceeded" || reason == "userRateLimitExceeded" {
            return BundleError(.rateLimited, "Google Calendar rate limit: \(message)")
        }
        if response.status == 401 || response.status == 403 {
            return .credentialsRefused(variable: "GOOGLE_CALENDAR_TOKEN", by: "Google Calendar", status: response.status,
                                       access: "the token needs a calendar scope and access to the GOOGLE_CALENDAR_ID calendar")
        }
        if response.status == 404 {
            return BundleError(.misconfigured, "Google Calendar refused the request (\(response.status): \(message)); check GOOGLE_CALENDAR_TOKEN and GOOGLE_CALENDAR_ID")
        }
        return BundleError(.upstreamFailed, "Google Calendar failed: \(message)")
    }

    /// One item as a CalendarEvent; a cancelled item may have nothing but its id.
    static func event(_ item: JSONValue, zone: ZoneRules) throws -> CalendarEvent {
        guard let id = item["id"]?.stringValue, !id.isEmpty else { throw BundleError(.validationFailed, "an event has no id") }
        let cancelled = item["status"]?.stringValue == "cancelled"
        let start = try moment(item["start"], zone: zone)
        let end = try moment(item["end"], zone: zone)
        if !cancelled && (start == nil || end == nil) { throw BundleError(.validationFailed, "event \(id) has no start or end") }
        let attendees = (item["attendees"]?.arrayValue ?? []).compactMap { person -> CalendarEvent.Attendee? in
            guard let email = person["email"]?.stringValue?.lowercased(), email.contains("@") else { return nil }
            let response: String = switch person["responseStatus"]?.stringValue {
            case "accepted": "accepted"
            case "declined": "declined"
            case "tentative": "tentative"
            default: "needs_action"
            }
            return CalendarEvent.Attendee(email: email, name: person["displayName"]?.stringValue, response: response,
                                          isOrganizer: person["organizer"]?.boolValue ?? false)
        }
        var all = attendees
        if let organizer = item["organizer"]?["email"]?.stringValue?.lowercased(), !all.contains(where: { $0.email == organizer }) {
            all.insert(CalendarEvent.Attendee(email: organizer, name: item["organizer"]?["displayName"]?.stringValue, response: "accepted",
                                              isOrganizer: true), at: 0)
        }
        let epoch = Date(timeIntervalSince1970: 0)
        return CalendarEvent(id: id, title: item["summary"]?.stringValue ?? "", description: item["description"]?.stringValue,
                             location: item["location"]?.stringValue, start: start?.date ?? epoch, end: end?.date ?? epoch,
                             isAllDay: start?.isAllDay ?? false, attendees: all, isCancelled: cancelled,
                             seriesID: item["recurringEventId"]?.stringValue)
    }

    /// `{"dateTime": "2026-01-06T10:00:00+01:00"}` or `{"date": "2026-01-06"}` (in the calendar's zone).
    static func moment(_ value: JSONValue?, zone: ZoneRules) throws -> (date: Date, isAllDay: Bool)? {
        guard let value, case .object = value else { return nil }
        if let text = value["dateTime"]?.stringValue {
            guard let date = Timestamp.parse(text) else { throw BundleError(.validationFailed, "dateTime \"\(text.prefix(40))\" is not RFC 3339") }
            return (date, false)
        }
        if let text = value["date"]?.stringValue {
            guard case .date(let local)? = ICSDateTime(text, tzid: nil) else { throw BundleError(.validationFailed, "date \"\(text.prefix(20))\" is not YYYY-MM-DD") }
            return (Date(timeIntervalSince1970: Double(zone.utc(fromLocal: local))), true)
        }
        return nil
    }
}
