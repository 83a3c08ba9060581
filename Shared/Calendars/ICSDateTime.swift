import Core

/// A DATE or DATE-TIME value as iCalendar writes it, before any time zone is applied.
package enum ICSDateTime: Sendable, Equatable {
    /// `20260105T090000Z`: an instant (seconds since 1970).
    case utc(Int64)
    /// `TZID=Europe/Berlin:20260105T090000`: a wall-clock time (seconds since 1970 as if UTC) in a zone.
    case zoned(local: Int64, zone: String)
    /// `20260105T090000` without a zone: the calendar's own zone (`X-WR-TIMEZONE`) applies.
    case floating(local: Int64)
    /// `VALUE=DATE:20260105`: an all-day date (its midnight, as local seconds).
    case date(local: Int64)

    /// Parses a property's value, honouring `VALUE=DATE` and `TZID`.
    package init?(_ property: ICSProperty) {
        self.init(property.value.trimmingWhitespace(), tzid: property.parameter("TZID"), isDate: property.parameter("VALUE")?.uppercased() == "DATE")
    }

    /// Parses `YYYYMMDD`, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSSZ` (also with `-` and `:` separators,
    /// which some producers write).
    package init?(_ raw: String, tzid: String?, isDate: Bool = false) {
        let text = raw.filter { $0 != "-" && $0 != ":" }
        let digits = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= digits.count else { return nil }
            var value: Int64 = 0
            for byte in digits[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year) else { return nil }
        let midnight = Timestamp.days(fromCivil: year, month, day) * 86_400
        if digits.count == 8 {
            self = .date(local: midnight)
            return
        }
        guard !isDate, digits.count >= 15, digits[8] == UInt8(ascii: "T") || digits[8] == UInt8(ascii: "t"),
              let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
              hour < 24, minute < 60, second <= 60 else { return nil }
        let local = midnight + hour * 3600 + minute * 60 + min(second, 59)
        let rest = digits[15...]
        if rest.elementsEqual([UInt8(ascii: "Z")]) || rest.elementsEqual([UInt8(ascii: "z")]) {
            self = .utc(local)
        } else if rest.isEmpty {
            if let tzid, !tzid.trimmingWhitespace().isEmpty {
                self = .zoned(local: local, zone: tzid.trimmingWhitespace())
            } else {
                self = .floating(local: local)
            }
        } else {
            return nil
        }
    }

    package var isDate: Bool {
        if case .date = self { return true }
        return false
    }

    /// The wall-clock seconds (for `.utc`, the UTC clock).
    package var localSeconds: Int64 {
        switch self {
        case .utc(let value), .zoned(let value, _), .floating(let value), .date(let value): value
        }
    }

    /// The same kind of value at another wall-clock time (recurrence instances keep their zone).
    package func with(localSeconds: Int64) -> ICSDateTime {
        switch self {
        case .utc: .utc(localSeconds)
        case .zoned(_, let zone): .zoned(local: localSeconds, zone: zone)
        case .floating: .floating(local: localSeconds)
        case .date: .date(local: localSeconds)
        }
    }
}

/// `DURATION` values (RFC 5545 3.3.6): `PT1H30M`, `P1D`, `-PT15M`, `P2W`.
package enum ICSDuration {
    package static func seconds(_ text: String) -> Int64? {
        var characters = Array(text.trimmingWhitespace().uppercased())[...]
        var sign: Int64 = 1
        if characters.first == "+" { characters = characters.dropFirst() } else if characters.first == "-" {
            sign = -1
            characters = characters.dropFirst()
        }
        guard characters.first == "P" else { return nil }
        characters = characters.dropFirst()
        var total: Int64 = 0
        var number: Int64?
        var inTime = false
        var sawUnit = false
        for character in characters {
            if let digit = character.wholeNumberValue {
                number = (number ?? 0) * 10 + Int64(digit)
                continue
            }
            if character == "T" {
                inTime = true
                continue
            }
            guard let value = number else { return nil }
            switch (character, inTime) {
            case ("W", false): total += value * 7 * 86_400
            case ("D", false): total += value * 86_400
            case ("H", true): total += value * 3600
            case ("M", true): total += value * 60
            case ("S", true): total += value
            default: return nil
            }
            number = nil
            sawUnit = true
        }
        guard sawUnit, number == nil else { return nil }
        return sign * total
    }
}
