import Core
import FoundationEssentials

extension ICSFeed {
    /// A series (or a single event) within the window, overrides applied.
    static func expand(_ master: ICSComponent, uid: String, overrides: [ICSComponent], window: Window,
                       resolver: inout ZoneResolver) throws -> [CalendarEvent] {
        let fields = try Self.fields(master)
        let rules = master.all("RRULE").compactMap { RecurrenceRule($0.value) }
        let rdates = master.all("RDATE").flatMap { property in
            property.listValues.compactMap { ICSDateTime($0, tzid: property.parameter("TZID"), isDate: property.parameter("VALUE")?.uppercased() == "DATE") }
        }
        if rules.isEmpty && rdates.isEmpty {
            guard let event = try single(master, uid: uid, window: window, resolver: &resolver, seriesID: nil) else { return [] }
            return [event]
        }
        let zone = resolver.rules(for: fields.start)
        // Wall-clock bounds of the window, generous by a day either side for zone offsets.
        let windowEndLocal = window.end + 86_400 * 2
        var starts = Set<Int64>()
        for rule in rules {
            var untilLocal: Int64?
            if let until = rule.until {
                switch until {
                case .utc(let instant): untilLocal = instant + Int64(zone.offset(atUTC: instant))
                case .date(let day): untilLocal = day + 86_399
                default: untilLocal = until.localSeconds
                }
            }
            for local in rule.expand(start: fields.start.localSeconds, windowEnd: windowEndLocal, untilLocal: untilLocal,
                                     limit: instanceLimit) {
                starts.insert(local)
            }
        }
        if rules.isEmpty { starts.insert(fields.start.localSeconds) }
        for rdate in rdates {
            // An RDATE in another clock is placed by its instant.
            let local = resolver.utc(rdate) + Int64(zone.offset(atUTC: resolver.utc(rdate)))
            starts.insert(fields.start.isDate || rdate.sameKind(as: fields.start) ? rdate.localSeconds : local)
        }
        var excluded = Set<Int64>()
        var excludedDays = Set<Int64>()
        for property in master.all("EXDATE") {
            for value in property.listValues {
                guard let date = ICSDateTime(value, tzid: property.parameter("TZID"), isDate: property.parameter("VALUE")?.uppercased() == "DATE") else { continue }
                if date.isDate { excludedDays.insert(CalendarEvent.floorDivide(date.localSeconds, 86_400)) } else { excluded.insert(resolver.utc(date)) }
            }
        }
        var byOriginalStart: [Int64: ICSComponent] = [:]
        for override in overrides {
            guard let property = override.first("RECURRENCE-ID"), let original = ICSDateTime(property) else { continue }
            byOriginalStart[resolver.utc(original.inheritingZone(of: fields.start))] = override
        }
        let exactLength = try resolver.exactLength(fields)
        var events: [CalendarEvent] = []
        var usedOverrides = Set<Int64>()
        for local in starts.sorted() {
            let instance = fields.start.with(localSeconds: local)
            let originalUTC = resolver.utc(instance)
            if excluded.contains(originalUTC) || excludedDays.contains(CalendarEvent.floorDivide(local, 86_400)) { continue }
            let id = CalendarEvent.instanceID(series: uid, originalStart: originalUTC)
            if let override = byOriginalStart[originalUTC] {
                usedOverrides.insert(originalUTC)
                if var event = try single(override, uid: id, window: window, resolver: &resolver, seriesID: uid) {
                    if fields.isCancelled || window.cancelAll { event.isCancelled = true }
                    events.append(event)
                }
                continue
            }
            let endUTC: Int64 = switch fields.length {
            case .wallClock(let length): resolver.utc(instance.with(localSeconds: local + length))
            default: originalUTC + exactLength
            }
            guard window.overlaps(start: originalUTC, end: endUTC) else { continue }
            events.append(CalendarEvent(id: id, title: fields.title, description: fields.description, location: fields.location,
                                        start: Date(timeIntervalSince1970: Double(originalUTC)),
                                        end: Date(timeIntervalSince1970: Double(endUTC)), isAllDay: fields.start.isDate,
                                        attendees: fields.attendees, isCancelled: fields.isCancelled || window.cancelAll, seriesID: uid))
        }
        // Overrides that move an instance the rule no longer produces (or one beyond its window).
        for (original, override) in byOriginalStart where !usedOverrides.contains(original) && !excluded.contains(original) {
            let id = CalendarEvent.instanceID(series: uid, originalStart: original)
            if var event = try single(override, uid: id, window: window, resolver: &resolver, seriesID: uid) {
                if fields.isCancelled || window.cancelAll { event.isCancelled = true }
                events.append(event)
            }
        }
        return events
    }

    /// One event as it stands (no recurrence), or nil when it lies outside the window.
    static func single(_ component: ICSComponent, uid: String, window: Window, resolver: inout ZoneResolver,
                       seriesID: String?) throws -> CalendarEvent? {
        let fields = try Self.fields(component)
        let start = resolver.utc(fields.start)
        let end: Int64 = switch fields.length {
        case .wallClock(let length): resolver.utc(fields.start.with(localSeconds: fields.start.localSeconds + length))
        case .exact(let length): start + length
        case .until(let value): max(start, resolver.utc(value))
        }
        guard window.overlaps(start: start, end: end) else { return nil }
        return CalendarEvent(id: uid, title: fields.title, description: fields.description, location: fields.location,
                             start: Date(timeIntervalSince1970: Double(start)), end: Date(timeIntervalSince1970: Double(end)),
                             isAllDay: fields.start.isDate, attendees: fields.attendees,
                             isCancelled: fields.isCancelled || window.cancelAll, seriesID: seriesID)
    }
}

extension ICSDateTime {
    func sameKind(as other: ICSDateTime) -> Bool {
        switch (self, other) {
        case (.utc, .utc), (.floating, .floating), (.date, .date): true
        case (.zoned(_, let a), .zoned(_, let b)): a == b
        default: false
        }
    }

    /// A RECURRENCE-ID written without a zone takes the series' zone.
    func inheritingZone(of start: ICSDateTime) -> ICSDateTime {
        if case .floating(let local) = self, case .zoned(_, let zone) = start { return .zoned(local: local, zone: zone) }
        return self
    }
}
