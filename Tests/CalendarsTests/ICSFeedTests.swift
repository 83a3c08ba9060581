import Calendars
import Core
import FoundationEssentials
import Testing

/// Feeds in the shapes other calendar software writes: Google (UTC and IANA TZIDs), Outlook
/// (Windows zone names and inline VTIMEZONE), Apple (floating times with X-WR-TIMEZONE), all-day
/// events, series with EXDATE and overrides, cancellations and broken events.
@Suite struct ICSFeedTests {
    let windowStart = Timestamp.parse("2026-01-01T00:00:00Z")!
    let windowEnd = Timestamp.parse("2026-03-01T00:00:00Z")!

    func feed(_ events: String, header: String = "") -> String {
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n\(header)\(events)END:VCALENDAR\r\n"
    }

    func load(_ text: String) -> ICSFeed.Result {
        ICSFeed.events(from: text, start: windowStart, end: windowEnd)
    }

    func iso(_ date: Date) -> String { Timestamp.format(date) }

    @Test func everyDTSTARTForm() throws {
        let text = feed("""
            BEGIN:VEVENT\r\nUID:utc\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T093000Z\r\nSUMMARY:UTC\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:iana\r\nDTSTART;TZID=America/New_York:20260105T090000\r\nDTEND;TZID=America/New_York:20260105T100000\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:windows\r\nDTSTART;TZID="Pacific Standard Time":20260105T090000\r\nDURATION:PT45M\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:floating\r\nDTSTART:20260105T090000\r\nDTEND:20260105T100000\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:allday\r\nDTSTART;VALUE=DATE:20260106\r\nDTEND;VALUE=DATE:20260108\r\nEND:VEVENT\r

            """, header: "X-WR-TIMEZONE:Europe/Berlin\r\n")
        let result = load(text)
        #expect(result.skipped.isEmpty)
        let byID = Dictionary(uniqueKeysWithValues: result.events.map { ($0.id, $0) })
        #expect(iso(try #require(byID["utc"]).start) == "2026-01-05T09:00:00Z")
        #expect(iso(try #require(byID["utc"]).end) == "2026-01-05T09:30:00Z")
        #expect(iso(try #require(byID["iana"]).start) == "2026-01-05T14:00:00Z")
        #expect(iso(try #require(byID["windows"]).start) == "2026-01-05T17:00:00Z")
        #expect(iso(try #require(byID["windows"]).end) == "2026-01-05T17:45:00Z")
        #expect(iso(try #require(byID["floating"]).start) == "2026-01-05T08:00:00Z", "floating times are in X-WR-TIMEZONE")
        let allDay = try #require(byID["allday"])
        #expect(allDay.isAllDay)
        #expect(iso(allDay.start) == "2026-01-05T23:00:00Z")
        #expect(iso(allDay.end) == "2026-01-07T23:00:00Z")
    }

    @Test func outlookInlineTimeZoneDefinitions() throws {
        let text = feed("""
            BEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r
            RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r
            TZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r
            BEGIN:VEVENT\r\nUID:winter\r\nDTSTART;TZID=Customized Time Zone:20260210T100000\r\nDTEND;TZID=Customized Time Zone:20260210T110000\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:summer\r\nDTSTART;TZID=Customized Time Zone:20260601T100000\r\nDTEND;TZID=Customized Time Zone:20260601T110000\r\nEND:VEVENT\r

            """)
        let result = ICSFeed.events(from: text, start: windowStart, end: Timestamp.parse("2026-12-31T00:00:00Z")!)
        let byID = Dictionary(uniqueKeysWithValues: result.events.map { ($0.id, $0) })
        #expect(iso(try #require(byID["winter"]).start) == "2026-02-10T09:00:00Z")
        #expect(iso(try #require(byID["summer"]).start) == "2026-06-01T08:00:00Z")
        #expect(result.warnings.isEmpty)
    }

    @Test func aSeriesWithExdateAndAnOverride() throws {
        // Weekly on Mondays at 09:00 Berlin from 5 Jan: 12 Jan excluded, 19 Jan moved to 14:00 with a new title.
        let text = feed("""
            BEGIN:VEVENT\r\nUID:weekly-1\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nDTEND;TZID=Europe/Berlin:20260105T093000\r
            RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=5\r\nEXDATE;TZID=Europe/Berlin:20260112T090000\r\nSUMMARY:Weekly sync\r
            ATTENDEE;CN=Dana Reyes;PARTSTAT=ACCEPTED:mailto:dana@northwind.example\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:weekly-1\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260119T090000\r\nDTSTART;TZID=Europe/Berlin:20260119T140000\r
            DTEND;TZID=Europe/Berlin:20260119T143000\r\nSUMMARY:Weekly sync (moved)\r\nEND:VEVENT\r

            """)
        let result = load(text)
        #expect(result.events.map(\.id) == ["weekly-1_20260105T080000Z", "weekly-1_20260119T080000Z", "weekly-1_20260126T080000Z",
                                            "weekly-1_20260202T080000Z"])
        let moved = result.events[1]
        #expect(moved.title == "Weekly sync (moved)")
        #expect(iso(moved.start) == "2026-01-19T13:00:00Z")
        #expect(moved.seriesID == "weekly-1")
        #expect(result.events[0].attendees == [CalendarEvent.Attendee(email: "dana@northwind.example", name: "Dana Reyes", response: "accepted")])
    }

    @Test func aSeriesKeepsItsWallClockAcrossDaylightSaving() {
        let text = feed("BEGIN:VEVENT\r\nUID:d\r\nDTSTART;TZID=Europe/Berlin:20260325T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=6\r\nEND:VEVENT\r\n")
        let result = ICSFeed.events(from: text, start: windowStart, end: Timestamp.parse("2026-04-30T00:00:00Z")!)
        #expect(result.events.map { iso($0.start) } == ["2026-03-25T08:00:00Z", "2026-03-26T08:00:00Z", "2026-03-27T08:00:00Z",
                                                        "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z"])
    }

    @Test func cancellationsAreMarked() throws {
        let text = feed("""
            BEGIN:VEVENT\r\nUID:gone\r\nDTSTART:20260110T100000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:series\r\nDTSTART:20260105T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:series\r\nRECURRENCE-ID:20260106T100000Z\r\nDTSTART:20260106T100000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r

            """)
        let result = load(text)
        #expect(result.events.first { $0.id == "gone" }?.isCancelled == true)
        #expect(result.events.filter { $0.seriesID == "series" }.map(\.isCancelled) == [false, true, false])
        let cancelFeed = load(feed("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260110T100000Z\r\nEND:VEVENT\r\n", header: "METHOD:CANCEL\r\n"))
        #expect(cancelFeed.events.first?.isCancelled == true)
    }

    @Test func aBrokenEventIsSkippedAndTheRestImport() {
        let text = feed("""
            BEGIN:VEVENT\r\nUID:no-start\r\nSUMMARY:Missing DTSTART\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:bad-start\r\nDTSTART:2026-13-45\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:fine\r\nDTSTART:20260110T100000Z\r\nSUMMARY:Fine\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:odd-zone\r\nDTSTART;TZID=Mars/Olympus_Mons:20260111T100000\r\nEND:VEVENT\r

            """)
        let result = load(text)
        #expect(result.events.map(\.id) == ["fine", "odd-zone"])
        #expect(result.skipped.map(\.uid) == ["no-start", "bad-start"])
        #expect(result.skipped[0].reason.contains("DTSTART"))
        #expect(result.warnings.count == 1, "an unknown zone is read in the calendar's zone, with a warning")
    }

    @Test func theWindowLimitsWhatIsReturned() {
        let text = feed("""
            BEGIN:VEVENT\r\nUID:past\r\nDTSTART:20251201T100000Z\r\nEND:VEVENT\r
            BEGIN:VEVENT\r\nUID:endless\r\nDTSTART:20200106T100000Z\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r

            """)
        let result = load(text)
        #expect(!result.events.contains { $0.id == "past" })
        #expect(result.events.count == 8, "Mondays from 5 Jan to 23 Feb 2026")
        #expect(result.events.first?.id == "endless_20260105T100000Z")
    }
}
