import Store

/// The tables of events and of the prospects matched to them; part of `SalesSchema.migrations`.
/// List fields (`target_industries`, `target_roles`, `aws_solutions_featured`) hold JSON text,
/// named as the original system named them.
package enum EventsSchema {
    package static let migrations: [Migration] = [events]

    static let events = Migration("sales.events", """
        CREATE TABLE sales_events (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            event_type TEXT NOT NULL,
            event_date TEXT NOT NULL,
            location TEXT,
            target_industries TEXT NOT NULL DEFAULT '[]',
            target_roles TEXT NOT NULL DEFAULT '[]',
            aws_solutions_featured TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX sales_events_by_date ON sales_events (event_date, id);
        """)
}
