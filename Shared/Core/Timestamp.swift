import FoundationEssentials

/// UTC ISO-8601 formatting and parsing without ICU: FoundationEssentials has no named time
/// zones, and every time the bundle stores or returns is UTC with `Z`.
package enum Timestamp {
    /// `2026-01-05T09:00:00Z`, or with milliseconds `2026-01-05T09:00:00.000Z`.
    package static func format(_ date: Date, milliseconds: Bool = false) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = totalMillis / 1000
        var millis = totalMillis % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if milliseconds { text += "." + pad(millis, 3) }
        return text + "Z"
    }

    /// The date part only: `2026-01-05`.
    package static func formatDay(_ date: Date) -> String {
        String(format(date).prefix(10))
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]]` with `Z`, `±HH:MM`, `±HHMM` or no zone
    /// (read as UTC). A space may stand for the `T`.
    package static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int64? {
            guard index + digits <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<digits {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var seconds = days(fromCivil: year, month, day) * 86_400
        var fraction = 0.0
        if index == bytes.count { return Date(timeIntervalSince1970: Double(seconds)) }
        guard expect(84) || expect(116) || expect(32),  // T, t or space
              let hour = number(2), expect(58), let minute = number(2), hour < 24, minute < 60
        else { return nil }
        seconds += hour * 3600 + minute * 60
        if expect(58) {
            guard let second = number(2), second < 61 else { return nil }
            seconds += second
            if expect(46) || expect(44) {
                var scale = 0.1
                let start = index
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    fraction += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                if index == start { return nil }
            }
        }
        if index < bytes.count {
            if expect(90) || expect(122) {  // Z or z
            } else if bytes[index] == 43 || bytes[index] == 45 {  // + or -
                let sign: Int64 = bytes[index] == 43 ? 1 : -1
                index += 1
                guard let offsetHours = number(2) else { return nil }
                _ = expect(58)
                let offsetMinutes = number(2) ?? 0
                seconds -= sign * (offsetHours * 3600 + offsetMinutes * 60)
            } else {
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    package static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
    package static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    package static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// The bundle's clock. `BUNDLE_NOW` freezes it so fixtures give the same output every run;
/// tests inject a fixed instant directly.
package struct BundleClock: Sendable {
    private let frozen: Date?

    package init(frozenAt frozen: Date? = nil) {
        self.frozen = frozen
    }

    package static let system = BundleClock()

    package func now() -> Date {
        frozen ?? Date()
    }

    package var isFrozen: Bool { frozen != nil }

    /// Reads `BUNDLE_NOW` from the configuration; an unparseable value is `misconfigured`.
    package static func from(_ config: Config) throws -> BundleClock {
        guard let text = config["BUNDLE_NOW"] else { return .system }
        guard let date = Timestamp.parse(text) else {
            throw BundleError.misconfigured(variable: "BUNDLE_NOW", "must be an ISO-8601 time such as 2026-01-05T09:00:00Z")
        }
        return BundleClock(frozenAt: date)
    }
}
