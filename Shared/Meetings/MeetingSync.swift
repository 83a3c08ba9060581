import Calendars
import Core
import FoundationEssentials
import Providers
import Store

/// Brings the `meetings` table in line with what the calendar says, idempotently: new events
/// with an external attendee are inserted as `new`, moved or renamed ones updated, cancelled
/// ones (and, from a complete feed, ones that vanished from the window) marked `cancelled`.
/// Polling the same data twice changes nothing.
package struct MeetingSync: Sendable {
    package struct Counts: Codable, Sendable, Equatable {
        package var fetched = 0
        package var new = 0
        package var updated = 0
        package var cancelled = 0
        package var skipped = 0
        package var newMeetingIDs: [Int] = []

        enum CodingKeys: String, CodingKey {
            case fetched, new, updated, cancelled, skipped
            case newMeetingIDs = "new_meeting_ids"
        }
    }

    let database: any Database
    let ownDomains: Set<String>

    package init(database: any Database, ownDomains: Set<String>) {
        self.database = database
        self.ownDomains = ownDomains
    }

    package func apply(_ fetch: CalendarFetch, windowStart: Date, windowEnd: Date, now: Date) throws -> Counts {
        var counts = Counts(fetched: fetch.events.count, skipped: fetch.skipped.count)
        try database.write { sql in
            var seen = Set<String>()
            for event in fetch.events {
                seen.insert(event.id)
                let existing = try sql.queryOne("SELECT id, status, title, start_at, end_at, attendees, location FROM meetings WHERE calendar_event_id = ?", event.id)
                let attribution = Attribution.of(event, ownDomains: ownDomains)
                if let existing {
                    let status = try existing.string("status")
                    if event.isCancelled {
                        if status != "cancelled" {
                            try sql.execute("UPDATE meetings SET status = 'cancelled', updated_at = ? WHERE id = ?", now, try existing.int("id"))
                            counts.cancelled += 1
                        }
                        continue
                    }
                    let attendees = try JSONValue(encoding: event.attendees)
                    let changed = try existing.string("title") != event.title || existing.optionalDate("start_at") != event.start
                        || existing.optionalDate("end_at") != event.end || (try existing.json("attendees")) != attendees
                        || existing.optionalString("location") != event.location
                    if changed || status == "cancelled" {
                        // A meeting that is back on the calendar starts over.
                        try sql.execute("""
                            UPDATE meetings SET title = ?, start_at = ?, end_at = ?, is_all_day = ?, location = ?, description = ?,
                                   attendees = ?, updated_at = ?, status = CASE WHEN status = 'cancelled' THEN 'new' ELSE status END
                            WHERE id = ?
                            """, event.title, event.start, event.end, event.isAllDay, event.location, event.description, attendees, now,
                                 try existing.int("id"))
                        counts.updated += 1
                    }
                    continue
                }
                guard !event.isCancelled else { continue }
                guard attribution.externalAttendee != nil else {
                    counts.skipped += 1
                    continue
                }
                let row = try sql.queryOne("""
                    INSERT INTO meetings (calendar_event_id, series_id, title, start_at, end_at, is_all_day, location, description, attendees,
                                          company, company_domain, role, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?) RETURNING id
                    """, event.id, event.seriesID, event.title, event.start, event.end, event.isAllDay, event.location, event.description,
                         try JSONValue(encoding: event.attendees), attribution.company, attribution.companyDomain, attribution.role, now, now)
                counts.new += 1
                if let id = row?.optionalInt("id") { counts.newMeetingIDs.append(id) }
            }
            if fetch.isComplete {
                // Deleted from the feed: every meeting of the window that it no longer lists.
                let rows = try sql.query("SELECT id, calendar_event_id FROM meetings WHERE start_at >= ? AND start_at < ? AND status <> 'cancelled'",
                                         windowStart, windowEnd)
                for row in rows where !seen.contains(try row.string("calendar_event_id")) {
                    try sql.execute("UPDATE meetings SET status = 'cancelled', updated_at = ? WHERE id = ?", now, try row.int("id"))
                    counts.cancelled += 1
                }
            }
        }
        return counts
    }

    /// The stored ETag and sync token of a source.
    package func syncState(_ source: String) throws -> (etag: String?, syncToken: String?) {
        try database.read { sql in
            let row = try sql.queryOne("SELECT etag, sync_token FROM calendar_sync WHERE source = ?", source)
            return (row?.optionalString("etag"), row?.optionalString("sync_token"))
        }
    }

    package func saveSyncState(_ source: String, etag: String?, syncToken: String?, now: Date) throws {
        try database.write { sql in
            try sql.execute("""
                INSERT INTO calendar_sync (source, etag, sync_token, polled_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, sync_token = excluded.sync_token, polled_at = excluded.polled_at
                """, source, etag, syncToken, now)
        }
    }
}
