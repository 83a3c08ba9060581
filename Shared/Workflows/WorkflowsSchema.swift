import Store

/// The tables of recorded workflows (`workflow_runs`, `workflow_steps`), generic over what a
/// workflow does: Sales research today, outreach and event matching later. Registered at the end
/// of `Catalog.migrations`; append new steps, never edit a released one.
package enum WorkflowsSchema {
    package static let migrations: [Migration] = [core]

    /// At most one queued or running run per workflow and subject, as a constraint (a partial
    /// unique index), so two requests racing for one subject get one run. A run is claimed by a
    /// compare-and-set on `status` and `lease_until`; steps are unique per run and name.
    static let core = Migration("workflows.core", """
        CREATE TABLE workflow_runs (
            id INTEGER PRIMARY KEY,
            workflow TEXT NOT NULL,
            subject TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
            input TEXT NOT NULL DEFAULT '{}',
            result TEXT,
            failed_step TEXT,
            error TEXT,
            resumed_from_run_id INTEGER REFERENCES workflow_runs (id),
            job_id INTEGER,
            lease_owner TEXT,
            lease_until TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT
        );
        CREATE INDEX workflow_runs_by_subject ON workflow_runs (workflow, subject, id);
        CREATE UNIQUE INDEX workflow_runs_one_active ON workflow_runs (workflow, subject) WHERE status IN ('queued', 'running');
        CREATE TABLE workflow_steps (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES workflow_runs (id),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'reused')),
            attempts INTEGER NOT NULL DEFAULT 0,
            input_summary TEXT,
            output TEXT,
            error TEXT,
            llm_calls INTEGER NOT NULL DEFAULT 0,
            reused_from_run_id INTEGER REFERENCES workflow_runs (id),
            started_at TEXT,
            finished_at TEXT,
            duration_ms INTEGER,
            UNIQUE (run_id, name)
        );
        """)
}
