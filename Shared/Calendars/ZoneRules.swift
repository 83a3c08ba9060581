import Core

/// A time zone's offsets from UTC over time. FoundationEssentials knows no named zones and full
/// Foundation would link ICU, so calendar times are resolved here: explicit transitions (from a
/// TZif file) and, after the last of them, an optional yearly rule (the file's POSIX TZ footer, or
/// what an iCalendar VTIMEZONE describes). Offsets count east-positive, in seconds.
package struct ZoneRules: Sendable, Equatable {
    package let identifier: String
    /// In force before the first transition, or always when there are neither transitions nor a yearly rule.
    let initialOffset: Int
    /// UTC instants (seconds since 1970), strictly ascending, each changing the offset to `offsets[i]`.
    let transitions: [Int64]
    let offsets: [Int]
    /// Applies after the last transition, or at all times when there are none.
    let yearly: YearlyRule?

    init(identifier: String, initialOffset: Int, transitions: [Int64] = [], offsets: [Int] = [], yearly: YearlyRule? = nil) {
        self.identifier = identifier
        self.initialOffset = initialOffset
        self.transitions = transitions
        self.offsets = offsets
        self.yearly = yearly
    }

    /// Yearly rules, as a POSIX TZ string or an iCalendar VTIMEZONE describe them: a standard offset
    /// and optionally a daylight offset with its start and end rules.
    package init(identifier: String, standardOffset: Int, daylight: (offset: Int, start: TransitionRule, end: TransitionRule)?) {
        self.init(identifier: identifier, initialOffset: standardOffset, yearly: daylight.map {
            YearlyRule(standardOffset: standardOffset, daylightOffset: $0.offset, start: $0.start, end: $0.end)
        })
    }

    package static func fixed(offsetSeconds: Int, identifier: String) -> ZoneRules {
        ZoneRules(identifier: identifier, initialOffset: offsetSeconds)
    }

    package static let utc = ZoneRules.fixed(offsetSeconds: 0, identifier: "UTC")

    /// Offset from UTC in seconds in force at a UTC instant (seconds since 1970).
    package func offset(atUTC seconds: Int64) -> Int {
        guard let last = transitions.last else { return yearly?.offset(atUTC: seconds) ?? initialOffset }
        if seconds > last, let yearly { return yearly.offset(atUTC: seconds) }
        let passed = transitionCount(atOrBefore: seconds)
        return passed == 0 ? initialOffset : offsets[passed - 1]
    }

    /// The UTC instant of a local wall-clock time given as seconds since 1970 as if the local time
    /// were UTC. In a gap (spring forward) the time moves forward by the gap's length (02:30 becomes
    /// 03:30 local), as RFC 5545 3.3.5 says; in an overlap (fall back) the first occurrence is taken.
    package func utc(fromLocal local: Int64) -> Int64 {
        // Offsets stay within ±26 hours (RFC 8536 3.2), so the answer lies within this window of
        // `local`; walk the offset segments in it and take the first that holds `local`.
        let window: Int64 = 27 * 3600
        guard local > Int64.min / 2, local < Int64.max / 2 else { return local }
        var start = local - window
        var offset = offset(atUTC: start)
        var previous: Int?
        for _ in 0..<64 {
            let next = nextTransition(after: start)
            let candidate = local - Int64(offset)
            if candidate >= start, candidate < next ?? Int64.max { return candidate }
            // Past the transition at `start` in the old offset, before it in the new: a gap.
            if let previous, candidate < start, local - Int64(previous) >= start { return local - Int64(previous) }
            guard let next, next <= local + window else { break }
            previous = offset
            start = next
            offset = self.offset(atUTC: next)
        }
        return local - Int64(self.offset(atUTC: local - Int64(self.offset(atUTC: local))))
    }

    /// The first instant after `seconds` at which the offset may change.
    func nextTransition(after seconds: Int64) -> Int64? {
        let passed = transitionCount(atOrBefore: seconds)
        if passed < transitions.count { return transitions[passed] }
        return yearly?.nextTransition(after: seconds)
    }

    /// How many transitions lie at or before `seconds` (binary search).
    private func transitionCount(atOrBefore seconds: Int64) -> Int {
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= seconds { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// A yearly transition: month 1-12, week 1-5 (5 = last) or -1 = last, weekday 0 = Sunday ... 6, or
/// a fixed day of month; time of day in seconds (local, in the offset before the transition).
package struct TransitionRule: Sendable, Equatable {
    package enum Day: Sendable, Equatable {
        /// POSIX `Mm.w.d` and RRULE `BYMONTH=m;BYDAY=wSU`: the w-th weekday of the month; 5 means
        /// the last, negative weeks count from the end (-1 = last).
        case weekdayOfMonth(month: Int, week: Int, weekday: Int)
        /// The first weekday on or after a day of the month: how some VTIMEZONEs write "second
        /// Sunday" (`BYDAY=SU;BYMONTHDAY=8,9,10,11,12,13,14`).
        case weekdayOnOrAfter(month: Int, day: Int, weekday: Int)
        /// A fixed date every year.
        case dayOfMonth(month: Int, day: Int)
        /// POSIX `Jn`: day 1-365, February 29 never counted.
        case julianNoLeap(Int)
        /// POSIX `n`: day 0-365, February 29 counted in leap years.
        case zeroBasedDayOfYear(Int)
    }

    package let day: Day
    /// Seconds after local midnight; RFC 8536 allows -167 to 167 hours.
    package let time: Int

    /// `time` is clamped to RFC 8536's ±167 hours.
    package init(day: Day, time: Int = 7200) {
        self.day = day
        self.time = min(max(time, -167 * 3600), 167 * 3600)
    }

    package static func weekday(month: Int, week: Int, weekday: Int, time: Int = 7200) -> TransitionRule {
        TransitionRule(day: .weekdayOfMonth(month: month, week: week, weekday: weekday), time: time)
    }

    /// The transition's local time in `year`, as seconds since 1970 as if local time were UTC.
    func localSeconds(inYear year: Int64) -> Int64 {
        dayNumber(inYear: year) * 86_400 + Int64(time)
    }

    /// Out-of-range fields (which the parsers reject) are clamped rather than trapping.
    private func dayNumber(inYear year: Int64) -> Int64 {
        func weekday(of day: Int64) -> Int64 { modulo(day + 4, 7) }  // 1970-01-01 was a Thursday
        func clamp(_ value: Int, _ range: ClosedRange<Int>) -> Int64 { Int64(min(max(value, range.lowerBound), range.upperBound)) }
        let january1 = Timestamp.days(fromCivil: year, 1, 1)
        switch day {
        case let .weekdayOfMonth(month, week, wanted):
            let month = clamp(month, 1...12), week = clamp(week, -5...5), wanted = clamp(wanted, -7...7)
            let first = Timestamp.days(fromCivil: year, month, 1)
            let length = Timestamp.daysIn(month: month, year: year)
            if week >= 0 {
                var day = first + modulo(wanted - weekday(of: first), 7) + 7 * (max(week, 1) - 1)
                while day >= first + length { day -= 7 }
                return day
            }
            let last = first + length - 1
            var day = last - modulo(weekday(of: last) - wanted, 7) + 7 * (week + 1)
            while day < first { day += 7 }
            return day
        case let .weekdayOnOrAfter(month, dayOfMonth, wanted):
            let day = Timestamp.days(fromCivil: year, clamp(month, 1...12), clamp(dayOfMonth, 1...31))
            return day + modulo(clamp(wanted, -7...7) - weekday(of: day), 7)
        case let .dayOfMonth(month, dayOfMonth):
            return Timestamp.days(fromCivil: year, clamp(month, 1...12), clamp(dayOfMonth, 1...31))
        case let .julianNoLeap(number):
            let number = clamp(number, 1...365)
            let leap = Timestamp.daysIn(month: 2, year: year) == 29
            return january1 + number - 1 + (leap && number >= 60 ? 1 : 0)
        case let .zeroBasedDayOfYear(number):
            return january1 + clamp(number, 0...365)
        }
    }
}

/// Daylight saving time as a yearly pattern: standard time, switching to daylight time at `start`
/// (given in standard time) and back at `end` (given in daylight time).
struct YearlyRule: Sendable, Equatable {
    let standardOffset: Int
    let daylightOffset: Int
    let start: TransitionRule
    let end: TransitionRule

    func offset(atUTC seconds: Int64) -> Int {
        transitions(around: seconds).last { $0.at <= seconds }?.offset ?? standardOffset
    }

    func nextTransition(after seconds: Int64) -> Int64? {
        transitions(around: seconds).first { $0.at > seconds }?.at
    }

    /// The transitions of the instant's year, two years before and one after, in order. Generated
    /// year by year, so when one year's end meets the next year's start (daylight time all year,
    /// `J1/0,J365/25`) the start stays last and wins.
    private func transitions(around seconds: Int64) -> [(at: Int64, offset: Int)] {
        let year = min(max(Timestamp.civil(fromDays: floorDivide(seconds, 86_400)).0, -1_000_000), 1_000_000)
        var list: [(at: Int64, offset: Int)] = []
        for each in (year - 2)...(year + 1) {
            list.append((start.localSeconds(inYear: each) - Int64(standardOffset), daylightOffset))
            list.append((end.localSeconds(inYear: each) - Int64(daylightOffset), standardOffset))
        }
        return list.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
    }
}

func modulo(_ value: Int64, _ divisor: Int64) -> Int64 {
    let remainder = value % divisor
    return remainder < 0 ? remainder + divisor : remainder
}

func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    value / divisor - (value % divisor < 0 ? 1 : 0)
}
