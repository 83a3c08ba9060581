import Store

/// The tables Interviews owns: `users`, `campaigns`, `conversations`, `messages`,
/// `outreach_queue`, `message_status_events` and `outreach_pace`. Registered in `Catalog.migrations`; append new
/// steps, never edit a released one.
/// Ids are `<module>.<what>` for new steps (the released ones keep the names, and the version
/// numbers, that databases already record); a new step goes at the end of the list.
package enum InterviewsSchema {
    package static let migrations: [Migration] = [
        Migration("interviews", legacyVersion: 6, """
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
        // The outreach pace per calendar minute (`OutreachSender.claim`): one counter row per
        // minute, reserved with a conditional upsert, so runs on several hosts share the rate.
        // `granted` is what the last reservation got (read back by it with RETURNING).
        Migration("interviews.outreach_pace", """
            CREATE TABLE outreach_pace (
                minute TEXT PRIMARY KEY,
                used INTEGER NOT NULL,
                granted INTEGER NOT NULL DEFAULT 0
            );
            """),
    ]
}
