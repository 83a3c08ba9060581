import Core
import FoundationEssentials

/// A new event's fields as `create-event` receives them, checked and cleaned before anything is
/// stored: text trimmed, `event_date` an ISO date (kept as the day) or date-time (stored in UTC),
/// lists taken as arrays or as one text split on semicolons, pipes, commas or lines, each item
/// trimmed and kept once (compared without case). Every problem is reported by field at once.
package struct EventFields: Sendable, Equatable {
    package var title: String
    package var description: String
    package var eventType: String
    package var eventDate: String
    package var location: String?
    package var targetIndustries: [String]
    package var targetRoles: [String]
    package var featuredSolutions: [String]

    static let maxItems = 50
    static let maxItemLength = 200

    /// Checks raw values; throws `validation_failed` naming every field that is wrong.
    package init(title: String, description: String, eventType: String, eventDate: String, location: String?,
                 targetIndustries: JSONValue?, targetRoles: JSONValue?, featuredSolutions: JSONValue?) throws {
        var problems: [ErrorDetail] = []
        func text(_ value: String, _ field: String, max: Int) -> String {
            let cleaned = value.trimmingWhitespace()
            if cleaned.isEmpty { problems.append(ErrorDetail(field: field, problem: "must not be blank")) }
            if cleaned.count > max { problems.append(ErrorDetail(field: field, problem: "must be at most \(max) characters")) }
            return cleaned
        }
        self.title = text(title, "title", max: 300)
        self.description = text(description, "description", max: 10_000)
        self.eventType = text(eventType, "event_type", max: 100)
        let date = eventDate.trimmingWhitespace()
        if let day = Self.day(date) {
            self.eventDate = day
        } else if date.count > 10, let instant = Timestamp.parse(date) {
            self.eventDate = Timestamp.format(instant)
        } else {
            self.eventDate = date
            problems.append(ErrorDetail(field: "event_date",
                                        problem: "must be an ISO date (2026-05-14) or date-time (2026-05-14T09:00:00Z), got \"\(date.prefix(40))\""))
        }
        let place = location?.trimmingWhitespace()
        if let place, place.count > 300 { problems.append(ErrorDetail(field: "location", problem: "must be at most 300 characters")) }
        self.location = place?.isEmpty == false ? place : nil
        func list(_ value: JSONValue?, _ field: String) -> [String] {
            let items = Self.items(value)
            if items.count > Self.maxItems { problems.append(ErrorDetail(field: field, problem: "must have at most \(Self.maxItems) items")) }
            if items.contains(where: { $0.count > Self.maxItemLength }) {
                problems.append(ErrorDetail(field: field, problem: "items must be at most \(Self.maxItemLength) characters"))
            }
            return items
        }
        self.targetIndustries = list(targetIndustries, "target_industries")
        self.targetRoles = list(targetRoles, "target_roles")
        self.featuredSolutions = list(featuredSolutions, "aws_solutions_featured")
        if !problems.isEmpty { throw BundleError.validation(problems) }
    }

    /// `YYYY-MM-DD` when the text is exactly a valid day.
    static func day(_ text: String) -> String? {
        guard text.utf8.count == 10, let parsed = Timestamp.parse(text) else { return nil }
        return Timestamp.formatDay(parsed)
    }

    /// The items of a list field, trimmed, non-empty, each once (compared without case).
    static func items(_ value: JSONValue?) -> [String] {
        let raw: [String] = switch value {
        case .array(let items)?: items.compactMap(\.stringValue)
        case .string(let text)?: text.split(whereSeparator: { ";|,\n".contains($0) }).map(String.init)
        default: []
        }
        var seen = Set<String>()
        return raw.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }
}
