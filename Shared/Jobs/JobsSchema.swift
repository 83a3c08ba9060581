import Store

/// The tables Jobs owns: `jobs`, the durable queue (`JobQueue`) with its lease columns.
/// Registered in `Catalog.migrations`; append new steps, never edit a released one.
/// Ids are `<module>.<what>` for new steps (the released ones keep the names, and the version
/// numbers, that databases already record); a new step goes at the end of the list.
package enum JobsSchema {
    package static let migrations: [Migration] = [
        Migration("jobs", legacyVersion: 3, """
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
        // The host and process id of a lease's worker, so a worker on the same host can tell the
        // holder is gone (killed) and take its jobs over at once instead of at the lease's end.
        Migration("job_lease_holder", legacyVersion: 8, """
            ALTER TABLE jobs ADD COLUMN lease_host TEXT;
            ALTER TABLE jobs ADD COLUMN lease_pid BIGINT;
            """),
        // What a claim reads, in the order it takes them: queued jobs by due time, and running
        // jobs by lease end (claims on a table of finished jobs then touch only these rows).
        Migration("jobs.claim_indexes", """
            CREATE INDEX jobs_queued ON jobs (run_after, id) WHERE status = 'queued';
            CREATE INDEX jobs_leased ON jobs (lease_expires_at, id) WHERE status = 'running';
            """),
    ]
}
