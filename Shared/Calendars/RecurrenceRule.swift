import Core

/// An RRULE (RFC 5545 3.3.10): FREQ, INTERVAL, COUNT, UNTIL, BYDAY (with ordinals), BYMONTHDAY,
/// BYMONTH, BYSETPOS and WKST. Expansion works on wall-clock seconds, so an event at 09:00 in
/// Berlin stays at 09:00 across daylight-saving changes; the caller turns each instance into UTC.
package struct RecurrenceRule: Sendable, Equatable {
    package enum Frequency: String, Sendable { case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY" }

    package var frequency: Frequency
    package var interval = 1
    package var count: Int?
    package var until: ICSDateTime?
    /// (ordinal, weekday) with weekday 0 = Monday … 6 = Sunday; ordinal 0 means every such weekday.
    package var byDay: [(ordinal: Int, weekday: Int)] = []
    package var byMonthDay: [Int] = []
    package var byMonth: [Int] = []
    package var bySetPosition: [Int] = []
    package var weekStart = 0

    package static func == (lhs: RecurrenceRule, rhs: RecurrenceRule) -> Bool {
        lhs.frequency == rhs.frequency && lhs.interval == rhs.interval && lhs.count == rhs.count && lhs.until == rhs.until
            && lhs.byDay.map { [$0.ordinal, $0.weekday] } == rhs.byDay.map { [$0.ordinal, $0.weekday] }
            && lhs.byMonthDay == rhs.byMonthDay && lhs.byMonth == rhs.byMonth && lhs.bySetPosition == rhs.bySetPosition
    }

    static let weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    /// Parses `FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20260301T000000Z`; nil for a rule we cannot follow
    /// (then only the first instance is kept). Frequencies below a day are refused: a calendar of
    /// meetings has none, and they would explode the window.
    package init?(_ text: String) {
        var frequency: Frequency?
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace().uppercased() }
            guard pair.count == 2 else { continue }
            let (key, value) = (pair[0], pair[1])
            let list = value.split(separator: ",").map(String.init)
            switch key {
            case "FREQ": frequency = Frequency(rawValue: value)
            case "INTERVAL": interval = max(1, Int(value) ?? 1)
            case "COUNT": count = Int(value).map { max(0, $0) }
            case "UNTIL": until = ICSDateTime(value, tzid: nil)
            case "BYDAY":
                for item in list {
                    let code = String(item.suffix(2))
                    guard let weekday = Self.weekdays.firstIndex(of: code) else { return nil }
                    let ordinalText = item.dropLast(2)
                    guard let ordinal = ordinalText.isEmpty ? 0 : Int(String(ordinalText.filter { $0 != "+" })) else { return nil }
                    byDay.append((ordinal, weekday))
                }
            case "BYMONTHDAY": byMonthDay = list.compactMap { Int($0) }.filter { $0 != 0 && abs($0) <= 31 }
            case "BYMONTH": byMonth = list.compactMap { Int($0) }.filter { (1...12).contains($0) }
            case "BYSETPOS": bySetPosition = list.compactMap { Int($0) }.filter { $0 != 0 }
            case "WKST": weekStart = Self.weekdays.firstIndex(of: value) ?? 0
            default: continue
            }
        }
        guard let frequency else { return nil }
        self.frequency = frequency
    }

    /// Instance starts (wall-clock seconds) from `start` up to `windowEnd` (exclusive), the first
    /// being `start` itself. `untilLocal` is UNTIL in the same wall clock (the caller converts a
    /// UTC UNTIL). At most `limit` instances.
    package func expand(start: Int64, windowEnd: Int64, untilLocal: Int64?, limit: Int = 1000) -> [Int64] {
        let timeOfDay = ((start % 86_400) + 86_400) % 86_400
        let startDay = (start - timeOfDay) / 86_400
        let (startYear, startMonth, startDate) = Timestamp.civil(fromDays: startDay)
        var instances: [Int64] = []
        var produced = 0
        var period = 0
        // Enough periods to cover any window a poll asks for, bounded against hostile rules.
        while period < 50_000 {
            var days: [Int64]
            switch frequency {
            case .daily:
                days = [startDay + Int64(period * interval)]
            case .weekly:
                let weekStartDay = startDay - Int64((weekday(startDay) - weekStart + 7) % 7) + Int64(period * interval * 7)
                let wanted = byDay.isEmpty ? [weekday(startDay)] : byDay.map(\.weekday)
                days = (0..<7).map { weekStartDay + Int64($0) }.filter { wanted.contains(weekday($0)) }
            case .monthly:
                let monthIndex = (startYear * 12 + startMonth - 1) + Int64(period * interval)
                days = daysInMonth(year: monthIndex / 12, month: monthIndex % 12 + 1, defaultDay: startDate)
            case .yearly:
                let year = startYear + Int64(period * interval)
                let months = byMonth.isEmpty ? [Int(startMonth)] : byMonth
                days = months.sorted().flatMap { daysInMonth(year: year, month: Int64($0), defaultDay: startDate, yearly: true) }
            }
            days = days.filter { day in
                let (_, month, date) = Timestamp.civil(fromDays: day)
                if !byMonth.isEmpty && !byMonth.contains(Int(month)) { return false }
                if frequency == .daily {
                    if !byMonthDay.isEmpty && !matchesMonthDay(day, date: date, month: month) { return false }
                    if !byDay.isEmpty && !byDay.contains(where: { $0.weekday == weekday(day) }) { return false }
                }
                return true
            }
            days.sort()
            if !bySetPosition.isEmpty {
                days = bySetPosition.compactMap { position in
                    let index = position > 0 ? position - 1 : days.count + position
                    return days.indices.contains(index) ? days[index] : nil
                }.sorted()
            }
            for day in days {
                let instance = day * 86_400 + timeOfDay
                if instance < start { continue }
                if let untilLocal, instance > untilLocal { return instances }
                if let count, produced >= count { return instances }
                if instance >= windowEnd { return instances }
                produced += 1
                instances.append(instance)
                if instances.count >= limit { return instances }
            }
            period += 1
        }
        return instances
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    private func weekday(_ day: Int64) -> Int { Int(((day % 7) + 7 + 3) % 7) }

    private func matchesMonthDay(_ day: Int64, date: Int64, month: Int64) -> Bool {
        let (year, _, _) = Timestamp.civil(fromDays: day)
        let length = Timestamp.daysIn(month: month, year: year)
        return byMonthDay.contains { $0 > 0 ? Int64($0) == date : length + Int64($0) + 1 == date }
    }

    /// The candidate days of one month for MONTHLY and YEARLY rules.
    private func daysInMonth(year: Int64, month: Int64, defaultDay: Int64, yearly: Bool = false) -> [Int64] {
        let length = Timestamp.daysIn(month: month, year: year)
        let first = Timestamp.days(fromCivil: year, month, 1)
        var byMonthDayDays: [Int64]?
        if !byMonthDay.isEmpty {
            byMonthDayDays = byMonthDay.compactMap { value in
                let date = value > 0 ? Int64(value) : length + Int64(value) + 1
                return (1...length).contains(date) ? first + date - 1 : nil
            }
        }
        var byDayDays: [Int64]?
        if !byDay.isEmpty {
            var result: [Int64] = []
            for (ordinal, wanted) in byDay {
                let matching = (0..<length).map { first + $0 }.filter { weekday($0) == wanted }
                if ordinal == 0 {
                    result += matching
                } else {
                    let index = ordinal > 0 ? ordinal - 1 : matching.count + ordinal
                    if matching.indices.contains(index) { result.append(matching[index]) }
                }
            }
            byDayDays = result
        }
        switch (byMonthDayDays, byDayDays) {
        case let (dates?, days?): return dates.filter { days.contains($0) }
        case let (dates?, nil): return dates
        case let (nil, days?): return days
        case (nil, nil):
            // A yearly rule with BYMONTH but no day keeps the start's day of month.
            return defaultDay <= length ? [first + defaultDay - 1] : []
        }
    }
}
