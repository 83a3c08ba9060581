import Core
import FoundationEssentials

/// One meeting as every calendar provider reports it (ICS, Google Calendar, Composio), in UTC.
/// A recurring series becomes one event per instance, each with its own id.
package struct CalendarEvent: Sendable, Equatable, Codable {
    package struct Attendee: Sendable, Equatable, Codable {
        package var email: String
        package var name: String?
        /// `accepted`, `declined`, `tentative` or `needs_action`.
        package var response: String
        package var isOrganizer: Bool

        package init(email: String, name: String? = nil, response: String = "needs_action", isOrganizer: Bool = false) {
            self.email = email
            self.name = name
            self.response = response
            self.isOrganizer = isOrganizer
        }

        enum CodingKeys: String, CodingKey {
            case email, name, response
            case isOrganizer = "is_organizer"
        }
    }

    /// Unique per instance: the UID, plus `_` and the instance's original start for a recurring one.
    package var id: String
    package var title: String
    package var description: String?
    package var location: String?
    package var start: Date
    package var end: Date
    package var isAllDay: Bool
    package var attendees: [Attendee]
    package var isCancelled: Bool
    /// The series' id for an instance of a recurring event.
    package var seriesID: String?

    package init(id: String, title: String, description: String? = nil, location: String? = nil, start: Date, end: Date,
                 isAllDay: Bool = false, attendees: [Attendee] = [], isCancelled: Bool = false, seriesID: String? = nil) {
        self.id = id
        self.title = title
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.isAllDay = isAllDay
        self.attendees = attendees
        self.isCancelled = isCancelled
        self.seriesID = seriesID
    }

    enum CodingKeys: String, CodingKey {
        case id, title, description, location, start, end, attendees
        case isAllDay = "is_all_day"
        case isCancelled = "is_cancelled"
        case seriesID = "series_id"
    }

    /// The id of one instance of a series: `uid_20260105T090000Z` (the form Google uses).
    package static func instanceID(series: String, originalStart: Int64) -> String {
        let (year, month, day) = Timestamp.civil(fromDays: floorDivide(originalStart, 86_400))
        let seconds = originalStart - floorDivide(originalStart, 86_400) * 86_400
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(series)_\(year)\(two(month))\(two(day))T\(two(seconds / 3600))\(two(seconds % 3600 / 60))\(two(seconds % 60))Z"
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
