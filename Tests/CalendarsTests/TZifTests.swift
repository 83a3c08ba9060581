import Calendars
import Testing

/// TZif data built in memory, so the parser is checked apart from the system's files.
@Suite struct TZifTests {
    /// A TZif file: a version-1 block (the transitions, or none with `slim`), then for version 2
    /// and later the 64-bit block and the footer.
    private func file(version: UInt8 = UInt8(ascii: "2"), times: [Int64], types: [UInt8], offsets: [Int32],
                      footer: String? = "", slim: Bool = true) -> [UInt8] {
        func bigEndian(_ value: Int64, _ size: Int) -> [UInt8] {
            (0..<size).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        func header(_ version: UInt8, timeCount: Int, typeCount: Int) -> [UInt8] {
            Array("TZif".utf8) + [version] + [UInt8](repeating: 0, count: 15) + bigEndian(0, 4) + bigEndian(0, 4)
                + bigEndian(0, 4) + bigEndian(Int64(timeCount), 4) + bigEndian(Int64(typeCount), 4) + bigEndian(4, 4)
        }
        func block(_ times: [Int64], _ types: [UInt8], _ offsets: [Int32], timeSize: Int) -> [UInt8] {
            times.flatMap { bigEndian($0, timeSize) } + types
                + offsets.flatMap { bigEndian(Int64($0), 4) + [0, 0] } + Array("XYZ\0".utf8)
        }
        if version == 0 || !slim {
            let v1 = header(version, timeCount: times.count, typeCount: offsets.count) + block(times, types, offsets, timeSize: 4)
            if version == 0 { return v1 }
            return v1 + header(version, timeCount: times.count, typeCount: offsets.count)
                + block(times, types, offsets, timeSize: 8) + Array("\n\(footer ?? "")\n".utf8)
        }
        return header(version, timeCount: 0, typeCount: 1) + block([], [], [0], timeSize: 4)
            + header(version, timeCount: times.count, typeCount: offsets.count)
            + block(times, types, offsets, timeSize: 8) + Array("\n\(footer ?? "")\n".utf8)
    }

    /// Berlin's 2026 transitions only, then its footer: a "slim" file.
    private var berlin: [UInt8] {
        file(times: [seconds(2026, 3, 29, 1), seconds(2026, 10, 25, 1)], types: [1, 0], offsets: [3600, 7200],
             footer: "CET-1CEST,M3.5.0,M10.5.0/3")
    }

    @Test func slimFilesUseTheFooterAfterTheirTable() throws {
        let rules = try #require(TZif.parse(berlin, identifier: "Test/Berlin"))
        #expect(rules.identifier == "Test/Berlin")
        #expect(rules.offset(atUTC: seconds(2000, 7, 1)) == 3600)  // before the table: type 0
        #expect(rules.offset(atUTC: seconds(2026, 3, 29, 0, 59, 59)) == 3600)
        #expect(rules.offset(atUTC: seconds(2026, 3, 29, 1)) == 7200)
        #expect(rules.offset(atUTC: seconds(2026, 10, 25, 1)) == 3600)
        #expect(rules.offset(atUTC: seconds(2027, 3, 28, 0, 59, 59)) == 3600)
        #expect(rules.offset(atUTC: seconds(2027, 3, 28, 1)) == 7200)
        #expect(rules.offset(atUTC: seconds(2040, 7, 1)) == 7200)
        #expect(rules.utc(fromLocal: seconds(2027, 3, 28, 2, 30)) == seconds(2027, 3, 28, 1, 30))
        #expect(rules.utc(fromLocal: seconds(2026, 10, 25, 2, 30)) == seconds(2026, 10, 25, 0, 30))
    }

    @Test func versionsOneToFour() throws {
        let times = [seconds(1990, 1, 1), seconds(2000, 1, 1)]
        for version in [0, UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4")] {
            for slim in [true, false] {
                let data = file(version: version, times: times, types: [1, 2], offsets: [100, 200, 300], footer: "", slim: slim)
                let rules = try #require(TZif.parse(data, identifier: "X"), "version \(version)")
                #expect(rules.offset(atUTC: seconds(1980, 1, 1)) == 100)
                #expect(rules.offset(atUTC: seconds(1995, 1, 1)) == 200)
                #expect(rules.offset(atUTC: seconds(2030, 1, 1)) == 300)  // no footer: the last type stays
            }
        }
    }

    @Test func withoutTransitionsTheFooterRulesAllTime() throws {
        let data = file(times: [], types: [], offsets: [3600], footer: "CET-1CEST,M3.5.0,M10.5.0/3")
        let rules = try #require(TZif.parse(data, identifier: "X"))
        #expect(rules.offset(atUTC: seconds(1980, 7, 1)) == 7200)
        #expect(rules.offset(atUTC: seconds(1980, 1, 1)) == 3600)
        let fixed = try #require(TZif.parse(file(times: [], types: [], offsets: [0], footer: "<+0530>-5:30"), identifier: "Y"))
        #expect(fixed.offset(atUTC: 0) == 19_800)
    }

    @Test func anUnknownFooterKeepsTheTable() throws {
        let data = file(times: [seconds(2000, 1, 1)], types: [1], offsets: [0, 3600], footer: "???")
        let rules = try #require(TZif.parse(data, identifier: "X"))
        #expect(rules.offset(atUTC: seconds(2040, 1, 1)) == 3600)
    }

    @Test func everyTruncationIsRejected() {
        let data = berlin
        #expect(TZif.parse(data, identifier: "X") != nil)
        for length in 0..<data.count {
            #expect(TZif.parse(Array(data.prefix(length)), identifier: "X") == nil, "\(length) bytes")
        }
    }

    @Test func malformedDataIsRejected() {
        let times = [seconds(2000, 1, 1), seconds(2001, 1, 1)]
        var badMagic = berlin
        badMagic[0] = UInt8(ascii: "X")
        var badVersion = berlin
        badVersion[4] = UInt8(ascii: "!")
        let cases: [[UInt8]] = [
            [], Array("TZif2".utf8), badMagic, badVersion,
            file(times: times.reversed(), types: [0, 0], offsets: [0]),  // not ascending
            file(times: [times[0], times[0]], types: [0, 0], offsets: [0]),  // repeated
            file(times: times, types: [0, 1], offsets: [0]),  // type index out of range
            file(times: [], types: [], offsets: []),  // no types
            file(times: [], types: [], offsets: [Int32.min]),
            file(times: [], types: [], offsets: [100_000]),
            file(times: [], types: [], offsets: [0], footer: "CET-1\u{1}"),
            file(times: [], types: [], offsets: [0], footer: nil).dropLast(1).map { $0 },  // no closing newline
        ]
        for (index, data) in cases.enumerated() {
            #expect(TZif.parse(data, identifier: "X") == nil, "case \(index)")
        }
    }

    @Test func systemFilesParse() throws {
        // Whatever Debian ships (fat or slim), the loaded zone ends in its footer's rule.
        let berlin = try #require(TimeZoneDatabase.rules(named: "Europe/Berlin"))
        let footer = try #require(POSIXTimeZone.parse("CET-1CEST,M3.5.0,M10.5.0/3"))
        let mismatches = stride(from: seconds(2030, 1, 1), to: seconds(2060, 1, 1), by: 86_400 + 3_607).filter {
            berlin.offset(atUTC: $0) != footer.offset(atUTC: $0)
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }
}
