import Core

/// A calendar's own VTIMEZONE definition (Outlook and Exchange feeds name zones such as
/// "W. Europe Standard Time" or "Customized Time Zone" and define them inline): the newest
/// STANDARD and DAYLIGHT observances with their yearly rules become zone rules.
enum VTimeZone {
    static func rules(_ component: ICSComponent) -> ZoneRules? {
        let identifier = component.first("TZID")?.value.trimmingWhitespace() ?? "VTIMEZONE"
        guard let standard = newest(component.children("STANDARD")), let standardOffset = offset(standard) else { return nil }
        guard let daylight = newest(component.children("DAYLIGHT")), let daylightOffset = offset(daylight),
              daylight.first("RRULE") != nil, standard.first("RRULE") != nil,
              let start = transition(daylight), let end = transition(standard) else {
            return ZoneRules.fixed(offsetSeconds: standardOffset, identifier: identifier)
        }
        return ZoneRules(identifier: identifier, standardOffset: standardOffset, daylight: (daylightOffset, start, end))
    }

    /// The observance in force last (greatest DTSTART).
    private static func newest(_ observances: [ICSComponent]) -> ICSComponent? {
        observances.max { a, b in
            (a.first("DTSTART").flatMap(ICSDateTime.init)?.localSeconds ?? .min) < (b.first("DTSTART").flatMap(ICSDateTime.init)?.localSeconds ?? .min)
        }
    }

    /// `TZOFFSETTO:+0100` → 3600.
    static func offset(_ observance: ICSComponent) -> Int? {
        guard var text = observance.first("TZOFFSETTO")?.value.trimmingWhitespace(), let sign = text.first, sign == "+" || sign == "-" else { return nil }
        text.removeFirst()
        let digits = text.filter { $0 != ":" }
        guard digits.count == 4 || digits.count == 6, let hours = Int(digits.prefix(2)), let minutes = Int(digits.dropFirst(2).prefix(2)) else { return nil }
        let seconds = digits.count == 6 ? Int(digits.suffix(2)) ?? 0 : 0
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60 + seconds)
    }

    /// The yearly moment an observance starts: BYMONTH with an ordinal BYDAY (`-1SU`), or a
    /// BYMONTHDAY, at DTSTART's time of day.
    static func transition(_ observance: ICSComponent) -> TransitionRule? {
        guard let start = observance.first("DTSTART").flatMap(ICSDateTime.init),
              let rule = observance.first("RRULE").flatMap({ RecurrenceRule($0.value) }), rule.frequency == .yearly else { return nil }
        let timeOfDay = Int(((start.localSeconds % 86_400) + 86_400) % 86_400)
        let (_, startMonth, _) = Timestamp.civil(fromDays: CalendarEvent.floorDivide(start.localSeconds, 86_400))
        let month = rule.byMonth.first ?? Int(startMonth)
        if let day = rule.byDay.first {
            let week = day.ordinal < 0 ? max(day.ordinal, -5) : min(max(day.ordinal, 1), 5)
            // VTIMEZONE writes "the second Sunday" also as BYDAY=SU;BYMONTHDAY=8,9,…,14.
            if day.ordinal == 0, let first = rule.byMonthDay.filter({ $0 > 0 }).min() {
                return TransitionRule(day: .weekdayOnOrAfter(month: month, day: first, weekday: (day.weekday + 1) % 7), time: timeOfDay)
            }
            return TransitionRule(day: .weekdayOfMonth(month: month, week: week, weekday: (day.weekday + 1) % 7), time: timeOfDay)
        }
        if let date = rule.byMonthDay.first, date > 0 {
            return TransitionRule(day: .dayOfMonth(month: month, day: date), time: timeOfDay)
        }
        return nil
    }
}
