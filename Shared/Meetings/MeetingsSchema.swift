import Store

/// The tables Meetings owns: `meetings`, `calendar_sync` and `steering_profiles`.
/// Registered in `Catalog.migrations`; append new steps, never edit a released one.
/// Ids are `<module>.<what>` for new steps (the released ones keep the names, and the version
/// numbers, that databases already record); a new step goes at the end of the list.
package enum MeetingsSchema {
    package static let migrations: [Migration] = [
        Migration("meetings", legacyVersion: 4, """
            CREATE TABLE meetings (
                id INTEGER PRIMARY KEY,
                calendar_event_id TEXT NOT NULL UNIQUE,
                series_id TEXT,
                title TEXT NOT NULL,
                start_at TEXT NOT NULL,
                end_at TEXT NOT NULL,
                is_all_day INTEGER NOT NULL DEFAULT 0,
                location TEXT,
                description TEXT,
                attendees TEXT NOT NULL,
                company TEXT,
                company_domain TEXT,
                role TEXT,
                status TEXT NOT NULL CHECK (status IN ('new', 'enriching', 'enriched', 'drafted', 'feedback_given', 'cancelled', 'error')),
                enrichment TEXT,
                insights TEXT,
                hooks TEXT,
                competitors TEXT,
                pre_meeting_draft TEXT,
                follow_up_draft TEXT,
                draft_ids TEXT,
                notion_page_id TEXT,
                feedback_score INTEGER,
                feedback_notes TEXT,
                steering_version INTEGER,
                error TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX meetings_by_start ON meetings (start_at);
            CREATE INDEX meetings_by_status ON meetings (status, start_at);
            CREATE TABLE calendar_sync (
                source TEXT PRIMARY KEY,
                etag TEXT,
                sync_token TEXT,
                polled_at TEXT NOT NULL
            );
            """),
        Migration("steering_profiles", legacyVersion: 5, """
            CREATE TABLE steering_profiles (
                version INTEGER PRIMARY KEY,
                profile TEXT NOT NULL,
                source TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            """),
    ]
}
