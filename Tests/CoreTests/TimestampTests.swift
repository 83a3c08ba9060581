import Core
import FoundationEssentials
import Testing

@Suite struct TimestampTests {
    @Test func formatsUTCWithZ() {
        let date = Date(timeIntervalSince1970: 1_767_603_600.25)  // 2026-01-05T09:00:00.25Z
        #expect(Timestamp.format(date) == "2026-01-05T09:00:00Z")
        #expect(Timestamp.format(date, milliseconds: true) == "2026-01-05T09:00:00.250Z")
        #expect(Timestamp.formatDay(date) == "2026-01-05")
    }

    @Test func formatsBeforeTheEpochAndLeapDays() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test(arguments: [
        ("2026-01-05T09:00:00Z", 1_767_603_600.0),
        ("2026-01-05T09:00:00.500Z", 1_767_603_600.5),
        ("2026-01-05T10:00:00+01:00", 1_767_603_600.0),
        ("2026-01-05T04:30:00-0430", 1_767_603_600.0),
        ("2026-01-05 09:00:00", 1_767_603_600.0),
        ("2026-01-05T09:00Z", 1_767_603_600.0),
        ("2026-01-05", 1_767_571_200.0),
    ])
    func parsesISO8601(text: String, expected: Double) {
        #expect(Timestamp.parse(text)?.timeIntervalSince1970 == expected)
    }

    @Test(arguments: ["", "2026-13-01", "2026-02-30", "2026-01-05T25:00:00Z", "yesterday", "2026-01-05T09:00:00Zjunk", "2026-1-5"])
    func rejectsNonsense(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTripsAcrossCenturies() {
        for seconds in stride(from: -2_208_988_800.0, to: 4_102_444_800.0, by: 86_400 * 97 + 3_671) {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.parse(Timestamp.format(date))?.timeIntervalSince1970 == seconds)
        }
    }

    @Test func bundleNowFreezesTheClock() throws {
        let clock = try BundleClock.from(Config(["BUNDLE_NOW": "2026-01-05T09:00:00Z"]))
        #expect(clock.isFrozen)
        #expect(Timestamp.format(clock.now()) == "2026-01-05T09:00:00Z")
        #expect(!(try BundleClock.from(Config([:]))).isFrozen)
        #expect(throws: BundleError.self) { try BundleClock.from(Config(["BUNDLE_NOW": "soon"])) }
    }
}
