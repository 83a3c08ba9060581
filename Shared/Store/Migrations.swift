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
        Migration(7, "candidates", """
            CREATE TABLE roles (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                description TEXT,
                required_skills TEXT NOT NULL DEFAULT '[]',
                preferred_skills TEXT NOT NULL DEFAULT '[]',
                min_years REAL NOT NULL DEFAULT 0,
                industries TEXT NOT NULL DEFAULT '[]',
                weight_algo REAL NOT NULL,
                weight_ai REAL NOT NULL,
                tiers TEXT NOT NULL,
                is_default INTEGER NOT NULL DEFAULT 0,
                revision INTEGER NOT NULL DEFAULT 1,
                scoring_owner TEXT,
                scoring_until TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE candidates (
                id INTEGER PRIMARY KEY,
                role_id INTEGER NOT NULL REFERENCES roles (id),
                name TEXT NOT NULL,
                email TEXT,
                linkedin_url TEXT,
                phone TEXT,
                location TEXT,
                current_title TEXT,
                current_company TEXT,
                years_experience REAL,
                years_raw TEXT,
                industries TEXT NOT NULL DEFAULT '[]',
                skills TEXT NOT NULL DEFAULT '[]',
                education TEXT,
                bio TEXT,
                history TEXT NOT NULL DEFAULT '[]',
                tenure_months REAL,
                extra TEXT NOT NULL DEFAULT '{}',
                algo_score REAL,
                ai_score REAL,
                combined_score REAL,
                tier TEXT,
                breakdown TEXT,
                ai_rationale TEXT,
                ai_status TEXT NOT NULL DEFAULT 'pending' CHECK (ai_status IN ('pending', 'scored', 'failed', 'skipped')),
                ai_provider TEXT,
                ai_error TEXT,
                missing_required TEXT NOT NULL DEFAULT '[]',
                missing_preferred TEXT NOT NULL DEFAULT '[]',
                red_flags TEXT NOT NULL DEFAULT '[]',
                completeness INTEGER,
                needs_scoring INTEGER NOT NULL DEFAULT 1,
                extracted_at TEXT,
                scored_at TEXT,
                interview_status TEXT NOT NULL DEFAULT 'not_scheduled'
                    CHECK (interview_status IN ('not_scheduled', 'briefing', 'in_progress', 'completed')),
                room_provider TEXT,
                room_name TEXT UNIQUE,
                room_url TEXT,
                room_expires_at TEXT,
                briefing TEXT,
                interview_score REAL,
                recommendation TEXT,
                notes TEXT,
                source TEXT NOT NULL CHECK (source IN ('csv_upload', 'manual')),
                profile_version INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (role_id, email),
                UNIQUE (role_id, linkedin_url)
            );
            CREATE INDEX candidates_ranked ON candidates (role_id, combined_score DESC, id);
            CREATE INDEX candidates_to_score ON candidates (role_id, needs_scoring);
            CREATE TABLE uploads (
                id INTEGER PRIMARY KEY,
                role_id INTEGER NOT NULL REFERENCES roles (id),
                file_name TEXT,
                content_sha256 TEXT NOT NULL,
                delimiter TEXT NOT NULL,
                columns TEXT NOT NULL,
                rows INTEGER NOT NULL,
                accepted INTEGER NOT NULL,
                created_candidates INTEGER NOT NULL,
                updated_candidates INTEGER NOT NULL,
                rejected TEXT NOT NULL,
                duplicates TEXT NOT NULL,
                warnings TEXT NOT NULL DEFAULT '[]',
                job_id INTEGER REFERENCES jobs (id),
                created_at TEXT NOT NULL,
                UNIQUE (role_id, content_sha256)
            );
            CREATE TABLE upload_candidates (
                upload_id INTEGER NOT NULL REFERENCES uploads (id),
                candidate_id INTEGER NOT NULL REFERENCES candidates (id),
                line INTEGER NOT NULL,
                PRIMARY KEY (upload_id, candidate_id)
            );
            CREATE INDEX upload_candidates_by_candidate ON upload_candidates (candidate_id);
            """),
        // The host and process id of a lease's worker, so a worker on the same host can tell the
        // holder is gone (killed) and take its jobs over at once instead of at the lease's end.
        Migration(8, "job_lease_holder", """
            ALTER TABLE jobs ADD COLUMN lease_host TEXT;
            ALTER TABLE jobs ADD COLUMN lease_pid BIGINT;
            """),
        // An upload's inserts and lookups, made cheaper (issue 12, "Speed"):
        // upload_candidates references candidates, so its rows are parked first (a plain table with no
        // foreign key), candidates is rebuilt (SQLite cannot drop the inline room_name UNIQUE otherwise),
        // and upload_candidates is recreated WITHOUT ROWID and refilled, every row checked again against
        // candidates by its foreign key. Uniqueness of (role_id, email), (role_id, linkedin_url) and room_name
        // becomes partial unique indexes (the same rule: NULLs never conflicted), so rows without them are not indexed.
        // `candidates_ranked` becomes partial and ordered as the re-tiering query reads it, the
        // unused `upload_candidates_by_candidate` goes, `upload_candidates` is WITHOUT ROWID, and
        // `candidates_unidentified` serves the name-and-company match of rows with neither email
        // nor LinkedIn URL (10,000 such rows took 9 s scanning every anonymous row per row).
        // The CHECKs compare with OR instead of IN (the same rule, NULL passing as before): SQLite
        // builds and clears a temporary table for an IN list on every row a CHECK tests, which was
        // 40% of the time SQLite spent inserting an upload's candidates.
        // Any future `ON CONFLICT (role_id, email)` on candidates must repeat `WHERE email IS NOT NULL`.
        // PostgreSQL reaches the same end state without a rebuild: `candidatesUploadIndexesPostgreSQL`.
        Migration(9, "candidates_upload_indexes", """
            CREATE TABLE upload_candidates_parked AS SELECT upload_id, candidate_id, line FROM upload_candidates;
            DROP TABLE upload_candidates;
            CREATE TABLE candidates_rebuilt (
                id INTEGER PRIMARY KEY,
                role_id INTEGER NOT NULL REFERENCES roles (id),
                name TEXT NOT NULL,
                email TEXT,
                linkedin_url TEXT,
                phone TEXT,
                location TEXT,
                current_title TEXT,
                current_company TEXT,
                years_experience REAL,
                years_raw TEXT,
                industries TEXT NOT NULL DEFAULT '[]',
                skills TEXT NOT NULL DEFAULT '[]',
                education TEXT,
                bio TEXT,
                history TEXT NOT NULL DEFAULT '[]',
                tenure_months REAL,
                extra TEXT NOT NULL DEFAULT '{}',
                algo_score REAL,
                ai_score REAL,
                combined_score REAL,
                tier TEXT,
                breakdown TEXT,
                ai_rationale TEXT,
                ai_status TEXT NOT NULL DEFAULT 'pending' CHECK (ai_status = 'pending' OR ai_status = 'scored' OR ai_status = 'failed' OR ai_status = 'skipped'),
                ai_provider TEXT,
                ai_error TEXT,
                missing_required TEXT NOT NULL DEFAULT '[]',
                missing_preferred TEXT NOT NULL DEFAULT '[]',
                red_flags TEXT NOT NULL DEFAULT '[]',
                completeness INTEGER,
                needs_scoring INTEGER NOT NULL DEFAULT 1,
                extracted_at TEXT,
                scored_at TEXT,
                interview_status TEXT NOT NULL DEFAULT 'not_scheduled'
                    CHECK (interview_status = 'not_scheduled' OR interview_status = 'briefing' OR interview_status = 'in_progress'
                        OR interview_status = 'completed'),
                room_provider TEXT,
                room_name TEXT,
                room_url TEXT,
                room_expires_at TEXT,
                briefing TEXT,
                interview_score REAL,
                recommendation TEXT,
                notes TEXT,
                source TEXT NOT NULL CHECK (source = 'csv_upload' OR source = 'manual'),
                profile_version INTEGER NOT NULL DEFAULT 1,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            INSERT INTO candidates_rebuilt (
                id, role_id, name, email, linkedin_url, phone, location, current_title, current_company, years_experience,
                years_raw, industries, skills, education, bio, history, tenure_months, extra, algo_score, ai_score,
                combined_score, tier, breakdown, ai_rationale, ai_status, ai_provider, ai_error, missing_required,
                missing_preferred, red_flags, completeness, needs_scoring, extracted_at, scored_at, interview_status,
                room_provider, room_name, room_url, room_expires_at, briefing, interview_score, recommendation, notes,
                source, profile_version, created_at, updated_at)
            SELECT
                id, role_id, name, email, linkedin_url, phone, location, current_title, current_company, years_experience,
                years_raw, industries, skills, education, bio, history, tenure_months, extra, algo_score, ai_score,
                combined_score, tier, breakdown, ai_rationale, ai_status, ai_provider, ai_error, missing_required,
                missing_preferred, red_flags, completeness, needs_scoring, extracted_at, scored_at, interview_status,
                room_provider, room_name, room_url, room_expires_at, briefing, interview_score, recommendation, notes,
                source, profile_version, created_at, updated_at
            FROM candidates ORDER BY id;
            DROP TABLE candidates;
            ALTER TABLE candidates_rebuilt RENAME TO candidates;
            CREATE UNIQUE INDEX candidates_role_email ON candidates (role_id, email) WHERE email IS NOT NULL;
            CREATE UNIQUE INDEX candidates_role_linkedin ON candidates (role_id, linkedin_url) WHERE linkedin_url IS NOT NULL;
            CREATE UNIQUE INDEX candidates_room_name ON candidates (room_name) WHERE room_name IS NOT NULL;
            CREATE INDEX candidates_ranked ON candidates (role_id, combined_score DESC, algo_score DESC, id) WHERE combined_score IS NOT NULL;
            CREATE INDEX candidates_to_score ON candidates (role_id, needs_scoring);
            CREATE INDEX candidates_unidentified ON candidates (role_id, LOWER(name), LOWER(COALESCE(current_company, ''))) WHERE email IS NULL AND linkedin_url IS NULL;
            CREATE TABLE upload_candidates (
                upload_id INTEGER NOT NULL REFERENCES uploads (id),
                candidate_id INTEGER NOT NULL REFERENCES candidates (id),
                line INTEGER NOT NULL,
                PRIMARY KEY (upload_id, candidate_id)
            ) WITHOUT ROWID;
            INSERT INTO upload_candidates (upload_id, candidate_id, line)
            SELECT upload_id, candidate_id, line FROM upload_candidates_parked ORDER BY upload_id, candidate_id;
            DROP TABLE upload_candidates_parked;
            """),
    ]

    /// Migration 9 for a PostgreSQL backend (none exists yet; kept here so its author starts from
    /// the tested statements): the same end state as the SQLite rebuild, dropping migration 7's
    /// inline UNIQUE constraints by the names PostgreSQL gives them. WITHOUT ROWID has no equivalent.
    package static let candidatesUploadIndexesPostgreSQL = """
        -- Migration 9 for PostgreSQL (same end state; no rebuild needed: constraints and indexes are dropped by name).
        -- Default constraint names are those PostgreSQL gives migration 7's inline UNIQUEs.
        ALTER TABLE candidates DROP CONSTRAINT candidates_room_name_key;
        ALTER TABLE candidates DROP CONSTRAINT candidates_role_id_email_key;
        ALTER TABLE candidates DROP CONSTRAINT candidates_role_id_linkedin_url_key;
        CREATE UNIQUE INDEX candidates_role_email ON candidates (role_id, email) WHERE email IS NOT NULL;
        CREATE UNIQUE INDEX candidates_role_linkedin ON candidates (role_id, linkedin_url) WHERE linkedin_url IS NOT NULL;
        CREATE UNIQUE INDEX candidates_room_name ON candidates (room_name) WHERE room_name IS NOT NULL;
        DROP INDEX candidates_ranked;
        CREATE INDEX candidates_ranked ON candidates (role_id, combined_score DESC, algo_score DESC, id) WHERE combined_score IS NOT NULL;
        CREATE INDEX candidates_unidentified ON candidates (role_id, LOWER(name), LOWER(COALESCE(current_company, ''))) WHERE email IS NULL AND linkedin_url IS NULL;
        DROP INDEX upload_candidates_by_candidate;
        """

    package static var latestVersion: Int { all.map(\.version).max() ?? 0 }
}
