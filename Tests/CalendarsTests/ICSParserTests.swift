import Calendars
import Core
import Testing

@Suite struct ICSParserTests {
    @Test func foldedLinesEscapesAndQuotedParameters() throws {
        let text = "\u{FEFF}BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:abc-1\r\nSUMMARY:Intro call\\, Acme\\; pricing\\nand \r\n next steps\r\n"
            + "ATTENDEE;CN=\"Nair, Priya\";PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT:mailto:priya@acme.example\r\n"
            + "DESCRIPTION;ALTREP=\"cid:a;b:c\":Agenda\\\\notes\r\n"
            + "item1.X-CUSTOM;X-LIST=a,\"b,c\":v\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let calendars = ICSParser.parse(text)
        let event = try #require(calendars.first?.children("VEVENT").first)
        #expect(event.first("UID")?.text == "abc-1")
        #expect(event.first("SUMMARY")?.text == "Intro call, Acme; pricing\nand next steps")
        let attendee = try #require(event.first("ATTENDEE"))
        #expect(attendee.parameter("CN") == "Nair, Priya")
        #expect(attendee.parameter("partstat") == "ACCEPTED")
        #expect(attendee.value == "mailto:priya@acme.example")
        #expect(event.first("DESCRIPTION")?.parameter("ALTREP") == "cid:a;b:c")
        #expect(event.first("DESCRIPTION")?.text == "Agenda\\notes")
        #expect(event.first("X-CUSTOM")?.parameters["X-LIST"] == ["a", "b,c"])
    }

    @Test func bareLineFeedsBrokenLinesAndUnclosedComponentsAreTolerated() throws {
        let text = "BEGIN:VCALENDAR\nX-WR-TIMEZONE:Europe/Berlin\nBEGIN:VEVENT\nUID:1\nthis line is broken\nSUMMARY:One\nEND:VEVENT\n"
            + "BEGIN:VEVENT\nUID:2\nBEGIN:VALARM\nTRIGGER:-PT15M\nEND:VEVENT\nBEGIN:VEVENT\nUID:3\n"
        let calendar = try #require(ICSParser.parse(text).first)
        #expect(calendar.first("X-WR-TIMEZONE")?.value == "Europe/Berlin")
        let events = calendar.children("VEVENT")
        #expect(events.map { $0.first("UID")?.value } == ["1", "2", "3"])
        #expect(events[0].first("SUMMARY")?.value == "One")
        #expect(events[1].children("VALARM").count == 1, "END:VEVENT closed the VALARM left open inside it")
    }

    @Test func listValuesSplitOnUnescapedCommas() {
        #expect(ICSProperty(name: "EXDATE", value: "20260105T090000,20260112T090000").listValues == ["20260105T090000", "20260112T090000"])
        #expect(ICSProperty(name: "CATEGORIES", value: "a\\,b,c").listValues == ["a\\,b", "c"])
    }

    @Test func dateTimesInEveryForm() {
        let day = Timestamp.days(fromCivil: 2026, 1, 5) * 86_400
        #expect(ICSDateTime("20260105T090000Z", tzid: nil) == .utc(day + 9 * 3600))
        #expect(ICSDateTime("20260105T090000", tzid: "Europe/Berlin") == .zoned(local: day + 9 * 3600, zone: "Europe/Berlin"))
        #expect(ICSDateTime("20260105T090000", tzid: nil) == .floating(local: day + 9 * 3600))
        #expect(ICSDateTime("20260105", tzid: nil) == .date(local: day))
        #expect(ICSDateTime(ICSProperty(name: "DTSTART", parameters: ["VALUE": ["DATE"]], value: "20260105")) == .date(local: day))
        #expect(ICSDateTime("2026-01-05T09:00:00Z", tzid: nil) == .utc(day + 9 * 3600))
        for bad in ["2026010", "20261305T000000", "20260230", "20260105T250000", "20260105T090000+0100", "soon"] {
            #expect(ICSDateTime(bad, tzid: nil) == nil, "\(bad)")
        }
    }

    @Test func durations() {
        #expect(ICSDuration.seconds("PT1H30M") == 5400)
        #expect(ICSDuration.seconds("P1D") == 86_400)
        #expect(ICSDuration.seconds("P2W") == 1_209_600)
        #expect(ICSDuration.seconds("-PT15M") == -900)
        #expect(ICSDuration.seconds("P1DT2H") == 93_600)
        #expect(ICSDuration.seconds("PT") == nil)
        #expect(ICSDuration.seconds("1H") == nil)
    }
}
