import Calendars
import Core
import Testing

/// Seconds since 1970 of a civil date and time read as UTC (also how local times are passed).
func seconds(_ year: Int64, _ month: Int64, _ day: Int64, _ hour: Int64 = 0, _ minute: Int64 = 0, _ second: Int64 = 0) -> Int64 {
    Timestamp.days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
}

/// Expected values were checked with python3's zoneinfo and `TZ=... date` against Debian's tzdata 2025b.
@Suite struct TimeZoneTests {
    private func zone(_ name: String) throws -> ZoneRules {
        try #require(TimeZoneDatabase.rules(named: name))
    }

    @Test func berlinWinterSummerAndThe2026Transitions() throws {
        let berlin = try zone("Europe/Berlin")
        #expect(berlin.identifier == "Europe/Berlin")
        #expect(berlin.offset(atUTC: seconds(2026, 1, 15, 12)) == 3600)
        #expect(berlin.offset(atUTC: seconds(2026, 7, 15, 12)) == 7200)
        #expect(berlin.offset(atUTC: seconds(2026, 3, 29, 0, 59, 59)) == 3600)
        #expect(berlin.offset(atUTC: seconds(2026, 3, 29, 1)) == 7200)
        #expect(berlin.offset(atUTC: seconds(2026, 10, 25, 0, 59, 59)) == 7200)
        #expect(berlin.offset(atUTC: seconds(2026, 10, 25, 1)) == 3600)
        #expect(berlin.offset(atUTC: 0) == 3600)
        #expect(berlin.offset(atUTC: seconds(1916, 6, 1)) == 7200)  // the first summer time
    }

    @Test func farFutureInstantsFollowTheFooterRule() throws {
        let berlin = try zone("Europe/Berlin")
        #expect(berlin.offset(atUTC: seconds(2040, 3, 25, 0, 59, 59)) == 3600)
        #expect(berlin.offset(atUTC: seconds(2040, 3, 25, 1)) == 7200)
        #expect(berlin.offset(atUTC: seconds(2040, 7, 1)) == 7200)
        #expect(berlin.offset(atUTC: seconds(2040, 10, 28, 0, 59, 59)) == 7200)
        #expect(berlin.offset(atUTC: seconds(2040, 10, 28, 1)) == 3600)
        let newYork = try zone("America/New_York")
        #expect(newYork.offset(atUTC: seconds(2045, 3, 12, 6, 59, 59)) == -18_000)
        #expect(newYork.offset(atUTC: seconds(2045, 3, 12, 7)) == -14_400)
    }

    @Test func newYork() throws {
        let newYork = try zone("America/New_York")
        #expect(newYork.offset(atUTC: seconds(2026, 1, 15)) == -18_000)
        #expect(newYork.offset(atUTC: seconds(2026, 7, 15)) == -14_400)
        #expect(newYork.offset(atUTC: seconds(2026, 3, 8, 6, 59, 59)) == -18_000)
        #expect(newYork.offset(atUTC: seconds(2026, 3, 8, 7)) == -14_400)
        #expect(newYork.offset(atUTC: seconds(2026, 11, 1, 5, 59, 59)) == -14_400)
        #expect(newYork.offset(atUTC: seconds(2026, 11, 1, 6)) == -18_000)
        #expect(newYork.offset(atUTC: seconds(1900, 1, 1)) == -18_000)
        // Gap: 02:30 on 2026-03-08 becomes 03:30 EDT; overlap: 01:30 on 2026-11-01 is first EDT.
        #expect(newYork.utc(fromLocal: seconds(2026, 3, 8, 2, 30)) == seconds(2026, 3, 8, 7, 30))
        #expect(newYork.utc(fromLocal: seconds(2026, 11, 1, 1, 30)) == seconds(2026, 11, 1, 5, 30))
    }

    @Test func sydneyInTheSouthernHemisphere() throws {
        let sydney = try zone("Australia/Sydney")
        #expect(sydney.offset(atUTC: seconds(2026, 1, 15)) == 39_600)
        #expect(sydney.offset(atUTC: seconds(2026, 7, 15)) == 36_000)
        #expect(sydney.offset(atUTC: seconds(2026, 4, 4, 15, 59, 59)) == 39_600)
        #expect(sydney.offset(atUTC: seconds(2026, 4, 4, 16)) == 36_000)
        #expect(sydney.offset(atUTC: seconds(2026, 10, 3, 15, 59, 59)) == 36_000)
        #expect(sydney.offset(atUTC: seconds(2026, 10, 3, 16)) == 39_600)
        #expect(sydney.offset(atUTC: seconds(2041, 1, 1)) == 39_600)
        #expect(sydney.offset(atUTC: seconds(2041, 7, 1)) == 36_000)
        #expect(sydney.utc(fromLocal: seconds(2026, 10, 4, 2, 30)) == seconds(2026, 10, 3, 16, 30))
        #expect(sydney.utc(fromLocal: seconds(2026, 4, 5, 2, 30)) == seconds(2026, 4, 4, 15, 30))
    }

    @Test func kolkataHasAHalfHourOffset() throws {
        let kolkata = try zone("Asia/Kolkata")
        #expect(kolkata.offset(atUTC: seconds(2026, 1, 1)) == 19_800)
        #expect(kolkata.offset(atUTC: seconds(2040, 7, 1)) == 19_800)
        #expect(kolkata.utc(fromLocal: seconds(2026, 5, 1, 9)) == seconds(2026, 5, 1, 3, 30))
    }

    @Test func localTimesInGapsMoveForwardAndOverlapsTakeTheFirst() throws {
        let berlin = try zone("Europe/Berlin")
        #expect(berlin.utc(fromLocal: seconds(2026, 7, 1, 12)) == seconds(2026, 7, 1, 10))
        #expect(berlin.utc(fromLocal: seconds(2026, 1, 1, 12)) == seconds(2026, 1, 1, 11))
        // 02:30 does not exist on 2026-03-29: it becomes 03:30 CEST, 01:30 UTC.
        #expect(berlin.utc(fromLocal: seconds(2026, 3, 29, 2, 30)) == seconds(2026, 3, 29, 1, 30))
        #expect(berlin.utc(fromLocal: seconds(2026, 3, 29, 3)) == seconds(2026, 3, 29, 1))
        #expect(berlin.utc(fromLocal: seconds(2026, 3, 29, 1, 59, 59)) == seconds(2026, 3, 29, 0, 59, 59))
        // 02:30 happens twice on 2026-10-25: first in CEST, 00:30 UTC.
        #expect(berlin.utc(fromLocal: seconds(2026, 10, 25, 2, 30)) == seconds(2026, 10, 25, 0, 30))
        #expect(berlin.utc(fromLocal: seconds(2026, 10, 25, 3)) == seconds(2026, 10, 25, 2))
        // The same past the table, from the footer.
        #expect(berlin.utc(fromLocal: seconds(2040, 3, 25, 2, 30)) == seconds(2040, 3, 25, 1, 30))
        #expect(berlin.utc(fromLocal: seconds(2040, 10, 28, 2, 30)) == seconds(2040, 10, 28, 0, 30))
    }

    @Test(arguments: ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata"])
    func localTimesRoundTrip(name: String) throws {
        let rules = try zone(name)
        // One expectation over all instants (see POSIXTimeZoneTests): in an overlap the earlier instant.
        let mismatches = stride(from: seconds(1990, 1, 1), to: seconds(2050, 1, 1), by: 86_400 + 7 * 3600 + 1234).filter { instant in
            let local = instant + Int64(rules.offset(atUTC: instant))
            let back = rules.utc(fromLocal: local)
            return back + Int64(rules.offset(atUTC: back)) != local || back > instant
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    @Test func windowsNames() throws {
        #expect(try zone("W. Europe Standard Time").identifier == "Europe/Berlin")
        #expect(try zone("Pacific Standard Time").identifier == "America/Los_Angeles")
        #expect(try zone("\"Romance Standard Time\"").identifier == "Europe/Paris")
        #expect(try zone("india standard time").offset(atUTC: seconds(2026, 1, 1)) == 19_800)
        #expect(try zone("AUS Eastern Standard Time").offset(atUTC: seconds(2026, 1, 15)) == 39_600)
        #expect(try zone("E. Australia Standard Time").offset(atUTC: seconds(2026, 1, 15)) == 36_000)
        #expect(try zone("UTC").offset(atUTC: 0) == 0)
        #expect(try zone("UTC-11").offset(atUTC: 0) == -39_600)
        #expect(WindowsZones.ianaName(forWindowsName: "China Standard Time") == "Asia/Shanghai")
        #expect(WindowsZones.ianaName(forWindowsName: "GMT Standard Time") == "Europe/London")
    }

    @Test func everyWindowsNameLoads() {
        #expect(WindowsZones.table.count >= 135)
        #expect(Set(WindowsZones.table.map { $0.windows.lowercased() }).count == WindowsZones.table.count)
        for (windows, iana) in WindowsZones.table {
            let rules = TimeZoneDatabase.rules(named: windows)
            #expect(rules != nil, "\(windows)")
            #expect(rules == nil || rules?.identifier == iana || iana == "Etc/UTC", "\(windows)")
        }
    }

    @Test func vendorPrefixesAroundIANANames() throws {
        #expect(try zone("/mozilla.org/20050126_1/Europe/Berlin").identifier == "Europe/Berlin")
        #expect(try zone("/softwarestudio.org/Olson_20011030_5/America/New_York").identifier == "America/New_York")
        #expect(try zone("/citadel.org/20190914_1/Asia/Kolkata").identifier == "Asia/Kolkata")
        #expect(try zone("'Europe/Berlin'").identifier == "Europe/Berlin")
        #expect(try zone("  Europe/Berlin ").identifier == "Europe/Berlin")
    }

    @Test func outlookDisplayNames() throws {
        let amsterdam = try zone("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna")
        #expect(amsterdam.identifier.hasPrefix("Europe/"))
        #expect(amsterdam.offset(atUTC: seconds(2026, 1, 15)) == 3600)
        #expect(amsterdam.offset(atUTC: seconds(2026, 7, 15)) == 7200)
        #expect(try zone("(UTC-08:00) Pacific Time (US & Canada)").identifier == "America/Los_Angeles")
        #expect(try zone("(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi").identifier == "Asia/Kolkata")
        #expect(try zone("(GMT-05:00) Eastern Time (US & Canada)").identifier == "America/New_York")
        // A city whose standard offset differs is not taken; the stated offset is the last resort.
        let fixed = try zone("(UTC+03:30) Berlin")
        #expect(fixed.identifier == "UTC+03:30")
        #expect(fixed.offset(atUTC: seconds(2026, 7, 1)) == 12_600)
        #expect(try zone("(UTC-03:00) Somewhere Else").offset(atUTC: 0) == -10_800)
        #expect(try zone("(UTC) Coordinated Universal Time") == .utc)
    }

    @Test(arguments: ["UTC", "GMT", "Z", "Etc/UTC", "utc", "/mozilla.org/20050126_1/UTC"])
    func utcAliases(name: String) throws {
        #expect(try zone(name) == .utc)
    }

    @Test(arguments: ["", "   ", "Mars/Olympus_Mons", "Not A Zone", "Europe/Berlinx", "Europe", "Europe/", "(UTC+99:00) Nowhere",
                      "Standard Time", "\"\""])
    func unknownNamesGiveNil(name: String) {
        #expect(TimeZoneDatabase.rules(named: name) == nil)
    }

    @Test(arguments: ["../../../../etc/passwd", "/etc/passwd", "Europe/../../../../etc/passwd", "/etc/localtime", "localtime",
                      "posixrules", "zone.tab", "tzdata.zi", "Europe/./Berlin", "Europe//Berlin"])
    func pathTraversalAndNonZoneFilesGiveNil(name: String) {
        #expect(TimeZoneDatabase.rules(named: name) == nil)
    }

    @Test func anotherDirectory() {
        #expect(TimeZoneDatabase.rules(named: "Europe/Berlin", directory: "/nonexistent") == nil)
        #expect(TimeZoneDatabase.rules(named: "UTC", directory: "/nonexistent") == .utc)
        #expect(TimeZoneDatabase.rules(named: "Europe/Berlin", directory: "/usr/share/zoneinfo")?.identifier == "Europe/Berlin")
    }

    @Test func concurrentLookupsAgree() async {
        let names = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific Standard Time", "Nowhere/City"]
        let results = await withTaskGroup(of: (String, Int?).self) { group in
            for index in 0..<40 {
                let name = names[index % names.count]
                group.addTask { (name, TimeZoneDatabase.rules(named: name)?.offset(atUTC: seconds(2026, 1, 1))) }
            }
            return await group.reduce(into: [(String, Int?)]()) { $0.append($1) }
        }
        for (name, offset) in results {
            #expect(offset == [3600, -18_000, 19_800, -28_800, nil][names.firstIndex(of: name) ?? 0], "\(name)")
        }
    }
}
