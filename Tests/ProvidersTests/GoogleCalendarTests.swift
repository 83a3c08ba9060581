import Core
import Foundation
import HTTPTransport
import Providers
import Synchronization
import TestSupport
import Testing

/// Google Calendar's events API through a loopback fake that speaks its wire format: paging,
/// the sync token on the last page, incremental sync, 410 Gone, cancelled items, rate limits.
@Suite struct GoogleCalendarTests {
    let now = Timestamp.parse("2026-01-05T00:00:00Z")!
    var end: Date { now.addingTimeInterval(7 * 86_400) }

    func source(_ server: LoopbackServer) throws -> GoogleCalendarSource {
        GoogleCalendarSource(baseURL: server.baseURL + "/calendar/v3", calendarID: "team@ourco.example", token: "ya29.token",
                             transport: try CurlTransport(config: Config([:])))
    }

    static let meeting: JSONValue = [
        "id": "evt1", "status": "confirmed", "summary": "Discovery call",
        "start": ["dateTime": "2026-01-06T10:00:00+01:00"], "end": ["dateTime": "2026-01-06T10:45:00+01:00"],
        "organizer": ["email": "alex@ourco.example"],
        "attendees": [["email": "alex@ourco.example", "organizer": true, "responseStatus": "accepted"],
                      ["email": "Dana@Northwind.example", "displayName": "Dana Reyes", "responseStatus": "tentative"]],
    ]

    @Test func aFullSyncPagesAndKeepsTheSyncToken() async throws {
        let server = try LoopbackServer { request in
            guard request.header("Authorization") == "Bearer ya29.token" else { return .json(401, ["error": ["message": "Invalid Credentials"]]) }
            if request.path.contains("pageToken=p2") {
                let allDay: JSONValue = ["id": "evt2", "summary": "Offsite", "start": ["date": "2026-01-08"], "end": ["date": "2026-01-09"],
                                         "recurringEventId": "series9"]
                return .json(200, ["timeZone": "Europe/Berlin", "items": [allDay], "nextSyncToken": "sync-1"])
            }
            return .json(200, ["timeZone": "Europe/Berlin", "items": [Self.meeting], "nextPageToken": "p2"])
        }
        let (fetch, token) = try await source(server).fetch(start: now, end: end, syncToken: nil, deadline: Deadline(seconds: 10))
        #expect(token == "sync-1")
        #expect(fetch.isComplete)
        #expect(fetch.events.map(\.id) == ["evt1", "evt2"])
        #expect(Timestamp.format(fetch.events[0].start) == "2026-01-06T09:00:00Z")
        #expect(fetch.events[0].attendees.map(\.email) == ["alex@ourco.example", "dana@northwind.example"])
        #expect(fetch.events[0].attendees[1].response == "tentative")
        #expect(fetch.events[1].isAllDay)
        #expect(Timestamp.format(fetch.events[1].start) == "2026-01-07T23:00:00Z", "all-day dates are in the calendar's zone")
        #expect(fetch.events[1].seriesID == "series9")
        let first = try #require(server.requests.first?.path)
        #expect(first.hasPrefix("/calendar/v3/calendars/team%40ourco.example/events?"))
        #expect(first.contains("singleEvents=true") && first.contains("timeMin=2026-01-05T00%3A00%3A00Z"))
    }

    @Test func incrementalSyncAndCancelledItems() async throws {
        let server = try LoopbackServer { request in
            guard request.path.contains("syncToken=sync-1") else { return .json(500, [:]) }
            return .json(200, ["items": [["id": "evt1", "status": "cancelled"]], "nextSyncToken": "sync-2"])
        }
        let (fetch, token) = try await source(server).fetch(start: now, end: end, syncToken: "sync-1", deadline: Deadline(seconds: 10))
        #expect(token == "sync-2")
        #expect(!fetch.isComplete, "an incremental answer cancels nothing it does not mention")
        #expect(fetch.events.map(\.isCancelled) == [true])
        #expect(server.requests.first.map { !$0.path.contains("timeMin") } == true, "a sync token cannot be combined with time filters")
    }

    @Test func aGoneTokenMeansAFullSync() async throws {
        let server = try LoopbackServer { request in
            if request.path.contains("syncToken=") { return .json(410, ["error": ["message": "Sync token is no longer valid"]]) }
            return .json(200, ["items": [Self.meeting], "nextSyncToken": "fresh"])
        }
        let (fetch, token) = try await source(server).fetch(start: now, end: end, syncToken: "expired", deadline: Deadline(seconds: 10))
        #expect(token == "fresh")
        #expect(fetch.isComplete)
        #expect(server.requests.count == 2)
    }

    @Test func rateLimitsAndBadTokensHaveTheirCodes() async throws {
        let limited = try LoopbackServer { _ in
            .json(403, ["error": ["message": "Rate Limit Exceeded", "errors": [["reason": "rateLimitExceeded"]]]])
        }
        do {
            _ = try await source(limited).fetch(start: now, end: end, syncToken: nil, deadline: Deadline(seconds: 10))
            Issue.record("expected rate_limited")
        } catch let error as BundleError {
            #expect(error.code == .rateLimited)
        }
        let refused = try LoopbackServer { _ in .json(401, ["error": ["message": "Invalid Credentials"]]) }
        do {
            _ = try await source(refused).fetch(start: now, end: end, syncToken: nil, deadline: Deadline(seconds: 10))
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(!error.message.contains("ya29.token"))
        }
        // A 403 that is not a rate limit: the token is accepted but lacks access; no upstream text.
        let denied = try LoopbackServer { _ in
            .json(403, ["error": ["message": "Request had insufficient authentication scopes.", "errors": [["reason": "insufficientPermissions"]]]])
        }
        do {
            _ = try await source(denied).fetch(start: now, end: end, syncToken: nil, deadline: Deadline(seconds: 10))
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains("GOOGLE_CALENDAR_TOKEN was not allowed access by Google Calendar (HTTP 403)"), "\(error.message)")
            #expect(error.message.contains("scope"))
            #expect(!error.message.contains("insufficient authentication"))
        }
    }
}
