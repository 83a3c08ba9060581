/// POSIX TZ strings, as TZif footers carry them: `CET-1CEST,M3.5.0,M10.5.0/3`,
/// `<+0330>-3:30`, `EST5EDT,M3.2.0,M11.1.0`. Offsets there count west-positive (EST5 is UTC-5);
/// ZoneRules counts east-positive. RFC 8536 3.3.1 extends transition times to -167...167 hours.
package enum POSIXTimeZone {
    /// Rules for a TZ string, or nil when it is malformed. The identifier defaults to the string.
    package static func parse(_ text: String, identifier: String? = nil) -> ZoneRules? {
        var scanner = Scanner(bytes: Array(text.utf8))
        guard scanner.name(), let standardWest = scanner.time(maxHours: 24) else { return nil }
        let standard = -standardWest
        if scanner.atEnd { return .fixed(offsetSeconds: standard, identifier: identifier ?? text) }
        guard scanner.name() else { return nil }
        var daylight = standard + 3600
        if !scanner.atEnd, !scanner.peek(UInt8(ascii: ",")) {
            guard let daylightWest = scanner.time(maxHours: 24) else { return nil }
            daylight = -daylightWest
        }
        // Without rules POSIX leaves the dates to the implementation; tzcode and glibc use the
        // US rules (from `posixrules`), and so does this.
        var start = TransitionRule.weekday(month: 3, week: 2, weekday: 0)
        var end = TransitionRule.weekday(month: 11, week: 1, weekday: 0)
        if !scanner.atEnd {
            guard scanner.take(UInt8(ascii: ",")), let first = scanner.rule(),
                  scanner.take(UInt8(ascii: ",")), let second = scanner.rule(), scanner.atEnd
            else { return nil }
            start = first
            end = second
        }
        return ZoneRules(identifier: identifier ?? text, standardOffset: standard, daylight: (daylight, start, end))
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { index == bytes.count }

    func peek(_ byte: UInt8) -> Bool {
        index < bytes.count && bytes[index] == byte
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        index += 1
        return true
    }

    /// A zone abbreviation: letters (`CEST`), or anything alphanumeric, `+` or `-` in angle
    /// brackets (`<+0330>`). The value is not kept: only offsets matter here.
    mutating func name() -> Bool {
        let start = index
        if take(UInt8(ascii: "<")) {
            while index < bytes.count, isAlphanumeric(bytes[index]) || bytes[index] == 43 || bytes[index] == 45 { index += 1 }
            return index > start + 1 && take(UInt8(ascii: ">"))
        }
        while index < bytes.count, isLetter(bytes[index]) { index += 1 }
        return index - start >= 3
    }

    /// `[+|-]hh[:mm[:ss]]` in seconds.
    mutating func time(maxHours: Int) -> Int? {
        var sign = 1
        if take(UInt8(ascii: "-")) { sign = -1 } else { _ = take(UInt8(ascii: "+")) }
        guard let hours = number(maxDigits: 3), hours <= maxHours else { return nil }
        var seconds = hours * 3600
        if take(UInt8(ascii: ":")) {
            guard let minutes = number(maxDigits: 2), minutes < 60 else { return nil }
            seconds += minutes * 60
            if take(UInt8(ascii: ":")) {
                guard let extra = number(maxDigits: 2), extra < 60 else { return nil }
                seconds += extra
            }
        }
        return sign * seconds
    }

    /// `Jn`, `n` or `Mm.w.d`, then optionally `/time` (default 02:00).
    mutating func rule() -> TransitionRule? {
        let day: TransitionRule.Day
        if take(UInt8(ascii: "J")) {
            guard let number = number(maxDigits: 3), (1...365).contains(number) else { return nil }
            day = .julianNoLeap(number)
        } else if take(UInt8(ascii: "M")) {
            guard let month = number(maxDigits: 2), (1...12).contains(month), take(UInt8(ascii: ".")),
                  let week = number(maxDigits: 1), (1...5).contains(week), take(UInt8(ascii: ".")),
                  let weekday = number(maxDigits: 1), (0...6).contains(weekday)
            else { return nil }
            day = .weekdayOfMonth(month: month, week: week, weekday: weekday)
        } else {
            guard let number = number(maxDigits: 3), (0...365).contains(number) else { return nil }
            day = .zeroBasedDayOfYear(number)
        }
        guard take(UInt8(ascii: "/")) else { return TransitionRule(day: day) }
        guard let time = time(maxHours: 167) else { return nil }
        return TransitionRule(day: day, time: time)
    }

    private mutating func number(maxDigits: Int) -> Int? {
        var value = 0
        var digits = 0
        while index < bytes.count, digits < maxDigits, bytes[index] >= 48, bytes[index] <= 57 {
            value = value * 10 + Int(bytes[index] - 48)
            digits += 1
            index += 1
        }
        return digits == 0 ? nil : value
    }

    private func isLetter(_ byte: UInt8) -> Bool {
        (65...90).contains(byte) || (97...122).contains(byte)
    }

    private func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLetter(byte) || (48...57).contains(byte)
    }
}
