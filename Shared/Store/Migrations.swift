/// The bundle's schema, in order. Append new steps; never edit a released one.
package enum Migrations {
    package static let all: [Migration] = [
        Migration(1, "llm_calls", """
            CREATE TABLE llm_calls (
                id INTEGER PRIMARY KEY,
                created_at TEXT NOT NULL,
                request_id TEXT,
                function TEXT NOT NULL,
                step TEXT NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                attempt INTEGER NOT NULL DEFAULT 1,
                prompt_tokens INTEGER,
                completion_tokens INTEGER,
                cost_usd REAL,
                latency_ms INTEGER NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'invalid_output', 'failed')),
                error TEXT
            );
            CREATE INDEX llm_calls_by_time ON llm_calls (created_at);
            CREATE INDEX llm_calls_by_function ON llm_calls (function, created_at);
            """),
        Migration(2, "api_keys", """
            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            );
            CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
            """),
        Migration(3, "jobs", """
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY,
                function TEXT NOT NULL,
                input TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
                idempotency_key TEXT UNIQUE,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                timeout_s REAL NOT NULL,
                run_after TEXT NOT NULL,
                lease_owner TEXT,
                lease_expires_at TEXT,
                progress INTEGER NOT NULL DEFAULT 0,
                progress_message TEXT,
                result TEXT,
                error TEXT,
                exit_code INTEGER,
                duration_ms INTEGER,
                principal TEXT,
                request_id TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                started_at TEXT,
                finished_at TEXT
            );
            CREATE INDEX jobs_due ON jobs (status, run_after);
            CREATE INDEX jobs_by_function ON jobs (function, id);
            """),
        Migration(4, "meetings", """
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
        Migration(5, "steering_profiles", """
            CREATE TABLE steering_profiles (
                version INTEGER PRIMARY KEY,
                profile TEXT NOT NULL,
                source TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            """),
    ]

    package static var latestVersion: Int { all.map(\.version).max() ?? 0 }
}
