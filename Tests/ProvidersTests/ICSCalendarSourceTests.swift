import Core
import Foundation
import HTTPTransport
import Providers
import TestSupport
import Testing

/// The ICS feed client through a loopback server: ETags, and a feed that is not iCalendar.
@Suite struct ICSCalendarSourceTests {
    let now = Timestamp.parse("2026-01-05T00:00:00Z")!
    var end: Date { now.addingTimeInterval(7 * 86_400) }

    @Test func anUnchangedFeedIsOne304() async throws {
        let feed = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260106T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let server = try LoopbackServer { request in
            if request.header("If-None-Match") == "\"v1\"" { return ScriptedResponse.text(304, "") }
            return ScriptedResponse.text(200, feed, headers: ["ETag": "\"v1\"", "Content-Type": "text/calendar"])
        }
        let source = ICSCalendarSource(location: server.baseURL + "/cal.ics?token=secret",
                                       transport: try CurlTransport(config: Config([:])))
        let first = try await source.fetch(start: now, end: end, etag: nil, deadline: Deadline(seconds: 10))
        #expect(first.events.map(\.id) == ["x"])
        #expect(first.etag == "\"v1\"")
        let second = try await source.fetch(start: now, end: end, etag: first.etag, deadline: Deadline(seconds: 10))
        #expect(second.notModified)
        #expect(server.requests.count == 2)
    }

    @Test func aFeedThatIsNotICalendarIsAnUpstreamFailureWithoutItsToken() async throws {
        let server = try LoopbackServer { _ in .text(200, "<html>login</html>") }
        let source = ICSCalendarSource(location: server.baseURL + "/private/abc123/basic.ics", transport: try CurlTransport(config: Config([:])))
        do {
            _ = try await source.fetch(start: now, end: end, etag: nil, deadline: Deadline(seconds: 10))
            Issue.record("expected a failure")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(!error.message.contains("abc123"))
        }
    }
}
