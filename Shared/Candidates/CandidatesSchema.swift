import Store

/// The tables Candidates owns: `roles`, `candidates`, `uploads` and `upload_candidates`.
/// Registered in `Catalog.migrations`; append new steps, never edit a released one.
/// Ids are `<module>.<what>` for new steps (the released ones keep the names, and the version
/// numbers, that databases already record); a new step goes at the end of the list.
package enum CandidatesSchema {
    package static let migrations: [Migration] = [
        Migration("candidates", legacyVersion: 7, """
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
        Migration("candidates.upload_indexes", """
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
            """, postgres: candidatesUploadIndexesPostgreSQL),
    ]

    /// `candidates.upload_indexes` on PostgreSQL: the same end state as the SQLite rebuild without
    /// one (the rebuild would copy explicit ids into an identity column, whose sequence would then
    /// hand them out again), dropping the `candidates` step's inline UNIQUE constraints by the
    /// names PostgreSQL gives them. WITHOUT ROWID has no equivalent; the CHECKs' IN lists stay
    /// (the per-row cost is SQLite's). `CandidatesSchemaRulesTests` checks the rules hold.
    package static let candidatesUploadIndexesPostgreSQL = """
        ALTER TABLE candidates DROP CONSTRAINT candidates_room_name_key;
        ALTER TABLE candidates DROP CONSTRAINT candidates_role_id_email_key;
        ALTER TABLE candidates DROP CONSTRAINT candidates_role_id_linkedin_url_key;
        CREATE UNIQUE INDEX candidates_role_email ON candidates (role_id, email) WHERE email IS NOT NULL;
        CREATE UNIQUE INDEX candidates_role_linkedin ON candidates (role_id, linkedin_url) WHERE linkedin_url IS NOT NULL;
        CREATE UNIQUE INDEX candidates_room_name ON candidates (room_name) WHERE room_name IS NOT NULL;
        DROP INDEX candidates_ranked;
        CREATE INDEX candidates_ranked ON candidates (role_id, combined_score DESC, algo_score DESC NULLS LAST, id) WHERE combined_score IS NOT NULL;
        CREATE INDEX candidates_unidentified ON candidates (role_id, LOWER(name), LOWER(COALESCE(current_company, ''))) WHERE email IS NULL AND linkedin_url IS NULL;
        DROP INDEX upload_candidates_by_candidate;
        """
}
