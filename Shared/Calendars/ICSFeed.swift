import Core
import FoundationEssentials

/// Turns an iCalendar feed into the meetings of a time window: time zones resolved (IANA names,
/// Windows names, the feed's own VTIMEZONE definitions, floating times in `X-WR-TIMEZONE`),
/// recurring series expanded into instances (RRULE, RDATE, EXDATE) with RECURRENCE-ID overrides
/// applied, and cancellations marked. A broken event is skipped with its reason; the rest import.
package struct ICSFeed: Sendable {
    package struct Skipped: Sendable, Equatable, Codable {
        package var uid: String?
        package var reason: String

        package init(uid: String?, reason: String) {
            self.uid = uid
            self.reason = reason
        }
    }

    package struct Result: Sendable {
        package var events: [CalendarEvent]
        package var skipped: [Skipped]
        /// Problems that did not stop an event (an unknown time zone read as the calendar's).
        package var warnings: [String]
    }

    /// Instances further out than this are not generated, whatever the window.
    static let instanceLimit = 2_000

    package static func events(from text: String, start windowStart: Date, end windowEnd: Date,
                               zones: ZoneLookup = .system) -> Result {
        let roots = ICSParser.parse(text)
        var result = Result(events: [], skipped: [], warnings: [])
        for calendar in roots where calendar.name == "VCALENDAR" {
            var resolver = ZoneResolver(calendar: calendar, lookup: zones)
            let cancelAll = calendar.first("METHOD")?.value.trimmingWhitespace().uppercased() == "CANCEL"
            let events = calendar.children("VEVENT")
            var overrides: [String: [ICSComponent]] = [:]
            var masters: [ICSComponent] = []
            for event in events {
                if event.first("RECURRENCE-ID") != nil, let uid = event.first("UID")?.text.trimmingWhitespace(), !uid.isEmpty {
                    overrides[uid, default: []].append(event)
                } else {
                    masters.append(event)
                }
            }
            var window = Window(start: Int64(windowStart.timeIntervalSince1970.rounded(.down)),
                                end: Int64(windowEnd.timeIntervalSince1970.rounded(.up)))
            window.cancelAll = cancelAll
            var seenMasters = Set<String>()
            for master in masters {
                let uid = master.first("UID")?.text.trimmingWhitespace()
                do {
                    let uid = try uid.flatMap { $0.isEmpty ? nil : $0 } ?? Self.fallbackUID(master)
                    seenMasters.insert(uid)
                    result.events += try expand(master, uid: uid, overrides: overrides[uid] ?? [], window: window, resolver: &resolver)
                } catch let error as BundleError {
                    result.skipped.append(Skipped(uid: uid, reason: error.message))
                } catch {
                    result.skipped.append(Skipped(uid: uid, reason: "unreadable event"))
                }
            }
            // Overrides whose series is not in the feed (some servers publish only the changed instance).
            for (uid, orphans) in overrides where !seenMasters.contains(uid) {
                for orphan in orphans {
                    do {
                        if let event = try single(orphan, uid: uid, window: window, resolver: &resolver, seriesID: uid) {
                            result.events.append(event)
                        }
                    } catch let error as BundleError {
                        result.skipped.append(Skipped(uid: uid, reason: error.message))
                    } catch {
                        result.skipped.append(Skipped(uid: uid, reason: "unreadable event"))
                    }
                }
            }
            result.warnings += resolver.warnings
        }
        result.events.sort { ($0.start, $0.id) < ($1.start, $1.id) }
        return result
    }

    struct Window {
        var start: Int64
        var end: Int64
        var cancelAll = false

        func overlaps(start: Int64, end: Int64) -> Bool {
            end > self.start && start < self.end || (start == end && start >= self.start && start < self.end)
        }
    }

    /// How long each instance lasts.
    enum Length {
        /// Added to the instance's wall-clock start (DTEND in the same clock, all-day lengths).
        case wallClock(Int64)
        /// Seconds of real time (DURATION with hours, or no end).
        case exact(Int64)
        /// DTEND in another clock than DTSTART: the master's real length, found once zones resolve.
        case until(ICSDateTime)
    }

    /// The event's own fields, for a master or an override.
    struct Fields {
        var start: ICSDateTime
        var length: Length
        var title: String
        var description: String?
        var location: String?
        var attendees: [CalendarEvent.Attendee]
        var isCancelled: Bool
    }

    static func fields(_ event: ICSComponent) throws -> Fields {
        guard let startProperty = event.first("DTSTART") else { throw BundleError(.validationFailed, "the event has no DTSTART") }
        guard let start = ICSDateTime(startProperty) else {
            throw BundleError(.validationFailed, "DTSTART \"\(startProperty.value.prefix(40))\" is not a date or date-time")
        }
        let length: Length
        if let endProperty = event.first("DTEND") {
            guard let end = ICSDateTime(endProperty) else {
                throw BundleError(.validationFailed, "DTEND \"\(endProperty.value.prefix(40))\" is not a date or date-time")
            }
            length = sameClock(start, end) ? .wallClock(max(0, end.localSeconds - start.localSeconds)) : .until(end)
        } else if let duration = event.first("DURATION").flatMap({ ICSDuration.seconds($0.value) }) {
            // Whole days are nominal (a day is a calendar day across a DST change); hours are exact.
            length = duration % 86_400 == 0 ? .wallClock(max(0, duration)) : .exact(max(0, duration))
        } else {
            length = start.isDate ? .wallClock(86_400) : .exact(0)
        }
        return Fields(start: start, length: length,
                      title: event.first("SUMMARY")?.text.trimmingWhitespace() ?? "",
                      description: event.first("DESCRIPTION")?.text,
                      location: event.first("LOCATION")?.text,
                      attendees: attendees(event),
                      isCancelled: event.first("STATUS")?.value.trimmingWhitespace().uppercased() == "CANCELLED")
    }

    private static func sameClock(_ a: ICSDateTime, _ b: ICSDateTime) -> Bool {
        switch (a, b) {
        case (.zoned(_, let x), .zoned(_, let y)): x == y
        case (.floating, .floating), (.date, .date), (.utc, .utc), (.date, .floating), (.floating, .date): true
        default: false
        }
    }

    static func attendees(_ event: ICSComponent) -> [CalendarEvent.Attendee] {
        var list: [CalendarEvent.Attendee] = []
        func add(_ property: ICSProperty, organizer: Bool) {
            var address = property.value.trimmingWhitespace()
            if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst(7)) }
            if let email = property.parameter("EMAIL"), !email.isEmpty { address = email }
            address = (PercentDecoding.decode(address) ?? address).trimmingWhitespace().lowercased()
            guard address.contains("@"), !address.contains(" ") else { return }
            let name = property.parameter("CN").map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
            let response: String = switch property.parameter("PARTSTAT")?.uppercased() {
            case "ACCEPTED": "accepted"
            case "DECLINED": "declined"
            case "TENTATIVE": "tentative"
            default: organizer ? "accepted" : "needs_action"
            }
            if let index = list.firstIndex(where: { $0.email == address }) {
                if organizer { list[index].isOrganizer = true }
                if list[index].name == nil { list[index].name = name }
                if !organizer { list[index].response = response }
            } else {
                list.append(CalendarEvent.Attendee(email: address, name: name, response: response, isOrganizer: organizer))
            }
        }
        if let organizer = event.first("ORGANIZER") { add(organizer, organizer: true) }
        for attendee in event.all("ATTENDEE") { add(attendee, organizer: false) }
        return list
    }

    static func fallbackUID(_ event: ICSComponent) throws -> String {
        guard let start = event.first("DTSTART")?.value else { throw BundleError(.validationFailed, "the event has no UID and no DTSTART") }
        let summary = event.first("SUMMARY")?.value ?? ""
        return "ics-" + SHA256.hex(SHA256.hash(start + "\u{1F}" + summary)).prefix(24)
    }
}

/// Percent-decoding for `mailto:` addresses some producers escape.
enum PercentDecoding {
    static func decode(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
