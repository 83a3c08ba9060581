import Core
import FoundationEssentials
import Store

/// Stores and reads events: one insert returning the row, pages of upcoming (from today, UTC,
/// soonest first) or past (latest first) events, or all of them by date.
package struct EventStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package func create(_ fields: EventFields, now: Date) throws -> SalesEvent {
        try database.write { sql in
            guard let row = try sql.queryOne("""
                INSERT INTO sales_events (title, description, event_type, event_date, location, target_industries, target_roles,
                                          aws_solutions_featured, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING \(SalesEvent.columns)
                """, fields.title, fields.description, fields.eventType, fields.eventDate, fields.location,
                Self.json(fields.targetIndustries), Self.json(fields.targetRoles), Self.json(fields.featuredSolutions), now, now) else {
                throw BundleError(.internal, "storing the event returned no row")
            }
            return try SalesEvent(row: row)
        }
    }

    /// Which events a list shows.
    package enum When: String, Sendable, CaseIterable {
        case upcoming, past, all
    }

    package func list(_ when: When, today: String, limit: Int, offset: Int) throws -> (events: [SalesEvent], total: Int) {
        // Days and date-times compare as text: "2026-05-14" sorts before "2026-05-14T09:00:00Z".
        let (condition, arguments, order): (String, [any SQLBindable], String) = switch when {
        case .upcoming: ("event_date >= ?", [today], "event_date ASC, id ASC")
        case .past: ("event_date < ?", [today], "event_date DESC, id DESC")
        case .all: ("1 = 1", [], "event_date ASC, id ASC")
        }
        return try database.read { sql in
            let events = try sql.query("SELECT \(SalesEvent.selectColumns) WHERE \(condition) ORDER BY \(order) LIMIT ? OFFSET ?",
                                       arguments + [limit, offset]).map(SalesEvent.init(row:))
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM sales_events WHERE \(condition)", arguments)?.int("n") ?? 0
            return (events, total)
        }
    }

    static func json(_ items: [String]) -> JSONValue { .array(items.map(JSONValue.string)) }
}
