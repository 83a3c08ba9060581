import Core
import Foundation
import TestSupport
import Testing

/// `poll-calendar` on the bundled sample feed, as cron runs it.
@Suite struct PollCalendarTests {
    let directory: TemporaryDirectory
    let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/poll-calendar/sample.ics").path

    init() throws {
        directory = try TemporaryDirectory()
    }

    func poll(_ extra: [String: String] = [:]) throws -> ProcessResult {
        try Binaries.run("poll-calendar", stdin: #"{"days_ahead": 7}"#,
                         environment: ["CALENDAR_ICS_URL": sample, "SELF_EMAIL_DOMAINS": "ourco.example",
                                       "BUNDLE_NOW": "2026-01-05T00:00:00Z"].merging(extra) { $1 },
                         workingDirectory: directory.path)
    }

    @Test func theSampleFeedBecomesMeetingsAndASecondPollChangesNothing() throws {
        let first = try poll()
        #expect(first.exitCode == 0, "\(first.stdoutText) \(first.stderr)")
        let counts = try #require(first.json?["counts"])
        // In the week from 5 Jan: Northwind, the first Fernhill instance (8 Jan is excluded, the
        // others are later), the freelancer; the stand-up is internal, Lumen is cancelled, and
        // the event without a start is skipped.
        #expect(counts["new"] == 3)
        #expect(counts["skipped"] == 2)
        #expect(first.json?["skipped_events"]?.arrayValue?.first?["uid"] == "broken@bundle.example")
        let second = try poll()
        #expect(second.json?["counts"]?["new"] == 0)
        #expect(second.json?["counts"]?["updated"] == 0)
        #expect(second.json?["counts"]?["cancelled"] == 0)
    }

    @Test func withoutACalendarItSaysSo() throws {
        let result = try Binaries.run("poll-calendar", stdin: "{}", workingDirectory: directory.path)
        #expect(result.exitCode == 0)
        #expect(result.json?["provider"] == "none")
        let missing = try poll(["CALENDAR_ICS_URL": directory.file("nope.ics")])
        #expect(missing.errorCode == "misconfigured")
        #expect(missing.exitCode == 78)
    }
}
