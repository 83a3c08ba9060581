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
        Migration(6, "interviews", """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                phone TEXT NOT NULL UNIQUE,
                profile_name TEXT,
                opted_out_at TEXT,
                opt_out_reason TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE campaigns (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                brief TEXT NOT NULL,
                fields TEXT NOT NULL,
                phones TEXT NOT NULL,
                opening_message TEXT,
                max_turns INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'completed')),
                idempotency_key TEXT UNIQUE,
                input_hash TEXT NOT NULL,
                launched_at TEXT,
                completed_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE conversations (
                id INTEGER PRIMARY KEY,
                campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
                user_id INTEGER NOT NULL REFERENCES users (id),
                status TEXT NOT NULL CHECK (status IN ('pending', 'outreach_sent', 'active', 'completed', 'abandoned', 'failed')),
                extracted TEXT NOT NULL DEFAULT '{}',
                agent_state TEXT NOT NULL DEFAULT '{}',
                turns INTEGER NOT NULL DEFAULT 0,
                end_reason TEXT,
                processing_owner TEXT,
                processing_until TEXT,
                last_inbound_at TEXT,
                last_outbound_at TEXT,
                ended_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (campaign_id, user_id)
            );
            CREATE INDEX conversations_by_campaign ON conversations (campaign_id, status);
            CREATE INDEX conversations_by_user ON conversations (user_id, status);
            CREATE TABLE messages (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER REFERENCES conversations (id),
                user_id INTEGER REFERENCES users (id),
                direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
                kind TEXT NOT NULL,
                body TEXT NOT NULL,
                from_number TEXT,
                to_number TEXT,
                provider TEXT,
                provider_sid TEXT UNIQUE,
                in_reply_to INTEGER UNIQUE REFERENCES messages (id),
                status TEXT NOT NULL,
                error_code TEXT,
                error_message TEXT,
                payload TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                sent_at TEXT,
                delivered_at TEXT
            );
            CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
            CREATE INDEX messages_pending ON messages (conversation_id, direction, status);
            CREATE TABLE outreach_queue (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL UNIQUE REFERENCES conversations (id),
                scheduled_at TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'sending', 'sent', 'failed', 'cancelled')),
                attempts INTEGER NOT NULL DEFAULT 0,
                claimed_at TEXT,
                lease_until TEXT,
                last_error TEXT,
                message_id INTEGER REFERENCES messages (id),
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE message_status_events (
                id INTEGER PRIMARY KEY,
                provider_sid TEXT NOT NULL,
                status TEXT NOT NULL,
                error_code TEXT,
                error_message TEXT,
                received_at TEXT NOT NULL
            );
            CREATE INDEX message_status_events_by_sid ON message_status_events (provider_sid);
            CREATE INDEX outreach_due ON outreach_queue (status, scheduled_at);
            CREATE INDEX outreach_claims ON outreach_queue (claimed_at);
            """),
    ]

    package static var latestVersion: Int { all.map(\.version).max() ?? 0 }
}
