import Core

/// Where zone names are looked up: the system's zoneinfo by default; tests may inject their own.
package struct ZoneLookup: Sendable {
    package var rules: @Sendable (String) -> ZoneRules?

    package init(rules: @escaping @Sendable (String) -> ZoneRules?) {
        self.rules = rules
    }

    package static let system = ZoneLookup { TimeZoneDatabase.rules(named: $0) }
}

/// Resolves the zones one calendar uses: a TZID by the zone database (IANA and Windows names), else
/// by the calendar's own VTIMEZONE, else the calendar's zone with a warning; floating times and
/// all-day dates in `X-WR-TIMEZONE` (UTC when the calendar names none).
struct ZoneResolver {
    let lookup: ZoneLookup
    let definitions: [String: ICSComponent]
    let calendarZone: ZoneRules
    private var cache: [String: ZoneRules] = [:]
    private(set) var warnings: [String] = []

    init(calendar: ICSComponent, lookup: ZoneLookup) {
        self.lookup = lookup
        var definitions: [String: ICSComponent] = [:]
        for zone in calendar.children("VTIMEZONE") {
            if let id = zone.first("TZID")?.value.trimmingWhitespace() { definitions[id] = zone }
        }
        self.definitions = definitions
        let named = calendar.first("X-WR-TIMEZONE")?.text.trimmingWhitespace()
        calendarZone = named.flatMap { lookup.rules($0) ?? definitions[$0].flatMap(VTimeZone.rules) } ?? .utc
    }

    mutating func rules(named name: String) -> ZoneRules {
        if let cached = cache[name] { return cached }
        let rules: ZoneRules
        if let found = lookup.rules(name) ?? definitions[name].flatMap(VTimeZone.rules) {
            rules = found
        } else {
            warnings.append("unknown time zone \"\(name.prefix(60))\": read in the calendar's zone \(calendarZone.identifier)")
            rules = calendarZone
        }
        cache[name] = rules
        return rules
    }

    mutating func rules(for value: ICSDateTime) -> ZoneRules {
        switch value {
        case .zoned(_, let zone): rules(named: zone)
        case .utc: .utc
        case .floating, .date: calendarZone
        }
    }

    mutating func utc(_ value: ICSDateTime) -> Int64 {
        switch value {
        case .utc(let instant): instant
        case .zoned(let local, let zone): rules(named: zone).utc(fromLocal: local)
        case .floating(let local), .date(let local): calendarZone.utc(fromLocal: local)
        }
    }

    /// The real length of an event whose end is in another clock, or of an exact duration.
    mutating func exactLength(_ fields: ICSFeed.Fields) throws -> Int64 {
        switch fields.length {
        case .exact(let seconds): seconds
        case .wallClock(let seconds): seconds
        case .until(let end): max(0, utc(end) - utc(fields.start))
        }
    }
}
