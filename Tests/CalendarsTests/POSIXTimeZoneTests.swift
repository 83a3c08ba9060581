import Calendars
import Testing

/// No zoneinfo files here: these check the TZ string parser and yearly rules on their own. Expected
/// values were checked with `TZ='...' date` (glibc) and python3's zoneinfo.
@Suite struct POSIXTimeZoneTests {
    private func rules(_ text: String) throws -> ZoneRules {
        try #require(POSIXTimeZone.parse(text))
    }

    @Test func centralEurope() throws {
        let cet = try rules("CET-1CEST,M3.5.0,M10.5.0/3")
        #expect(cet.identifier == "CET-1CEST,M3.5.0,M10.5.0/3")
        #expect(cet.offset(atUTC: seconds(2026, 1, 15)) == 3600)
        #expect(cet.offset(atUTC: seconds(2026, 3, 29, 0, 59, 59)) == 3600)
        #expect(cet.offset(atUTC: seconds(2026, 3, 29, 1)) == 7200)
        #expect(cet.offset(atUTC: seconds(2026, 10, 25, 0, 59, 59)) == 7200)
        #expect(cet.offset(atUTC: seconds(2026, 10, 25, 1)) == 3600)
        #expect(cet.utc(fromLocal: seconds(2026, 3, 29, 2, 30)) == seconds(2026, 3, 29, 1, 30))
        #expect(cet.utc(fromLocal: seconds(2026, 10, 25, 2, 30)) == seconds(2026, 10, 25, 0, 30))
    }

    @Test func offsetsCountWestPositive() throws {
        let eastern = try rules("EST5EDT,M3.2.0,M11.1.0")
        #expect(eastern.offset(atUTC: seconds(2026, 1, 15)) == -18_000)
        #expect(eastern.offset(atUTC: seconds(2026, 3, 8, 6, 59, 59)) == -18_000)
        #expect(eastern.offset(atUTC: seconds(2026, 3, 8, 7)) == -14_400)
        #expect(eastern.offset(atUTC: seconds(2026, 11, 1, 5, 59, 59)) == -14_400)
        #expect(eastern.offset(atUTC: seconds(2026, 11, 1, 6)) == -18_000)
        // Without rules, the US ones (as tzcode's posixrules).
        #expect(try rules("EST5EDT") == POSIXTimeZone.parse("EST5EDT,M3.2.0,M11.1.0", identifier: "EST5EDT"))
        #expect(try rules("PST8PDT7,M3.2.0/2:00:00,M11.1.0/2").offset(atUTC: seconds(2026, 7, 1)) == -25_200)
    }

    @Test func fixedOffsets() throws {
        #expect(try rules("<+0330>-3:30").offset(atUTC: seconds(2026, 7, 1)) == 12_600)
        #expect(try rules("<-03>3").offset(atUTC: 0) == -10_800)
        #expect(try rules("UTC0") == .fixed(offsetSeconds: 0, identifier: "UTC0"))
        #expect(try rules("IST-5:30").utc(fromLocal: seconds(2026, 5, 1, 9)) == seconds(2026, 5, 1, 3, 30))
        #expect(try rules("<+1245>-12:45:30").offset(atUTC: 0) == 45_930)
    }

    @Test func southernHemisphere() throws {
        let sydney = try rules("AEST-10AEDT,M10.1.0,M4.1.0/3")
        #expect(sydney.offset(atUTC: seconds(2026, 1, 15)) == 39_600)
        #expect(sydney.offset(atUTC: seconds(2026, 7, 15)) == 36_000)
        #expect(sydney.offset(atUTC: seconds(2026, 4, 4, 15, 59, 59)) == 39_600)
        #expect(sydney.offset(atUTC: seconds(2026, 4, 4, 16)) == 36_000)
        #expect(sydney.offset(atUTC: seconds(2026, 10, 3, 15, 59, 59)) == 36_000)
        #expect(sydney.offset(atUTC: seconds(2026, 10, 3, 16)) == 39_600)
        #expect(sydney.offset(atUTC: seconds(2026, 12, 31, 23)) == 39_600)
    }

    @Test func transitionTimesBeyondADayAndNegative() throws {
        // Israel: the Friday before the last Sunday of March, written as Thursday 26:00.
        let israel = try rules("IST-2IDT,M3.4.4/26,M10.5.0")
        #expect(israel.offset(atUTC: seconds(2026, 3, 26, 23, 59, 59)) == 7200)
        #expect(israel.offset(atUTC: seconds(2026, 3, 27)) == 10_800)
        #expect(israel.offset(atUTC: seconds(2026, 10, 24, 22, 59, 59)) == 10_800)
        #expect(israel.offset(atUTC: seconds(2026, 10, 24, 23)) == 7200)
        // Greenland: -1:00 local, the evening before.
        let nuuk = try rules("<-02>2<-01>,M3.5.0/-1,M10.5.0/0")
        #expect(nuuk.offset(atUTC: seconds(2026, 3, 29, 0, 59, 59)) == -7200)
        #expect(nuuk.offset(atUTC: seconds(2026, 3, 29, 1)) == -3600)
        #expect(nuuk.offset(atUTC: seconds(2026, 10, 25, 0, 59, 59)) == -3600)
        #expect(nuuk.offset(atUTC: seconds(2026, 10, 25, 1)) == -7200)
    }

    @Test func daylightTimeAllYear() throws {
        // RFC 8536 3.3.1's example; glibc gets the first hours of each year wrong, python does not.
        let permanent = try rules("EST5EDT,0/0,J365/25")
        for instant in [seconds(2026, 1, 1), seconds(2026, 1, 1, 5), seconds(2026, 7, 1), seconds(2026, 12, 31, 23, 59, 59)] {
            #expect(permanent.offset(atUTC: instant) == -14_400)
        }
    }

    @Test func julianDays() throws {
        // Jn never counts February 29: J60 is March 1 in every year.
        let julian = try rules("XXX3YYY,J60/2,J300/2")
        #expect(julian.offset(atUTC: seconds(2024, 3, 1, 4, 59, 59)) == -10_800)
        #expect(julian.offset(atUTC: seconds(2024, 3, 1, 5)) == -7200)
        #expect(julian.offset(atUTC: seconds(2026, 10, 27, 3, 59, 59)) == -7200)
        #expect(julian.offset(atUTC: seconds(2026, 10, 27, 4)) == -10_800)
        // n counts from 0 and includes February 29: day 59 is February 29 in 2024, March 1 in 2026.
        let zeroBased = try rules("XXX3YYY,59/2,299/2")
        #expect(zeroBased.offset(atUTC: seconds(2024, 2, 29, 4, 59, 59)) == -10_800)
        #expect(zeroBased.offset(atUTC: seconds(2024, 2, 29, 5)) == -7200)
        #expect(zeroBased.offset(atUTC: seconds(2026, 3, 1, 4, 59, 59)) == -10_800)
        #expect(zeroBased.offset(atUTC: seconds(2026, 3, 1, 5)) == -7200)
    }

    @Test(arguments: ["", "CET", "CE-1", "1CET", "CET-25", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0", "CET-1CEST,M3.6.0,M10.5.0",
                      "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,M3.5.0,M10.5.0/168", "CET-1CEST,J0,J365", "CET-1CEST,M3.5.0,M10.5.0,",
                      "<>1", "<+01-1", "CET-1:60", "CET-1CEST,M3.5.0,M10.5.0/3junk", "EST5EDT,366,0"])
    func rejectsMalformedStrings(text: String) {
        #expect(POSIXTimeZone.parse(text) == nil)
    }

    @Test func yearlyRulesAsAVTimeZoneDescribesThem() throws {
        // Second Sunday of March written as "the Sunday on or after the 8th", first Sunday of
        // November as week 1; both must agree with the TZ string through 2100.
        let vtimezone = ZoneRules(identifier: "US/Eastern-ish", standardOffset: -18_000, daylight: (
            offset: -14_400,
            start: TransitionRule(day: .weekdayOnOrAfter(month: 3, day: 8, weekday: 0), time: 7200),
            end: .weekday(month: 11, week: 1, weekday: 0, time: 7200)))
        let posix = try rules("EST5EDT,M3.2.0,M11.1.0")
        // Last Sunday as week -1, as an RRULE's BYDAY=-1SU gives it.
        let lastSunday = ZoneRules(identifier: "CET-ish", standardOffset: 3600, daylight: (
            offset: 7200, start: .weekday(month: 3, week: -1, weekday: 0), end: .weekday(month: 10, week: -1, weekday: 0, time: 10_800)))
        let cet = try rules("CET-1CEST,M3.5.0,M10.5.0/3")
        // One expectation over all instants: thousands of #expect calls make this test heavy enough
        // to disturb the timing-sensitive transport tests running beside it.
        var mismatches: [Int64] = []
        for instant in stride(from: seconds(1970, 1, 1), to: seconds(2100, 1, 1), by: 86_400 * 3 + 3_599)
        where vtimezone.offset(atUTC: instant) != posix.offset(atUTC: instant) || lastSunday.offset(atUTC: instant) != cet.offset(atUTC: instant) {
            mismatches.append(instant)
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
        let fixedDay = ZoneRules(identifier: "fixed", standardOffset: 0, daylight: (
            offset: 3600, start: TransitionRule(day: .dayOfMonth(month: 4, day: 1), time: 0), end: TransitionRule(day: .dayOfMonth(month: 9, day: 30), time: 0)))
        #expect(fixedDay.offset(atUTC: seconds(2026, 3, 31, 23, 59, 59)) == 0)
        #expect(fixedDay.offset(atUTC: seconds(2026, 4, 1)) == 3600)
        #expect(fixedDay.offset(atUTC: seconds(2026, 9, 29, 22, 59, 59)) == 3600)
        #expect(fixedDay.offset(atUTC: seconds(2026, 9, 29, 23)) == 0)
    }

    @Test func extremeInstantsDoNotTrap() throws {
        let cet = try rules("CET-1CEST,M3.5.0,M10.5.0/3")
        for instant in [Int64.min, Int64.min / 2, -1, 0, Int64.max / 2, Int64.max] {
            _ = cet.offset(atUTC: instant)
            _ = cet.utc(fromLocal: instant)
        }
        #expect(ZoneRules.utc.utc(fromLocal: 1234) == 1234)
    }
}
