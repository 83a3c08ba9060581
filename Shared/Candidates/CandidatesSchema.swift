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
    ]
}
