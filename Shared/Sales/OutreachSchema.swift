import Store

/// The table of outreach drafts (one per succeeded outreach run, `run_id` unique so a retried
/// success stores it once); part of `SalesSchema.migrations`. `event_id` is set on invitations
/// written for an event; `suggested_solutions`, `context_used` and `warnings` hold JSON text.
package enum OutreachSchema {
    package static let migrations: [Migration] = [drafts, matchRun]

    static let drafts = Migration("sales.outreach_drafts", draftsSQL, postgres: postgresDrafts)

    /// PostgreSQL: the table as translated, then the reference from `sales_event_matches.draft_id`
    /// that `EventsSchema.postgresMatches` could not declare before this table existed.
    static let postgresDrafts = (try? PostgresDDL.translate(draftsSQL, migration: "sales.outreach_drafts")).map { $0 + """
        ;
        ALTER TABLE sales_event_matches ADD CONSTRAINT sales_event_matches_draft_id_fkey
            FOREIGN KEY (draft_id) REFERENCES sales_outreach_drafts (id) ON DELETE SET NULL;
        """ }

    static let draftsSQL = """
        CREATE TABLE sales_outreach_drafts (
            id INTEGER PRIMARY KEY,
            prospect_id INTEGER NOT NULL REFERENCES sales_prospects (id),
            event_id INTEGER REFERENCES sales_events (id),
            run_id INTEGER UNIQUE,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            suggested_solutions TEXT NOT NULL DEFAULT '[]',
            context_used TEXT NOT NULL DEFAULT '{}',
            warnings TEXT NOT NULL DEFAULT '[]',
            without_research INTEGER NOT NULL DEFAULT 0,
            edited_at TEXT,
            sent_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX sales_outreach_drafts_by_prospect ON sales_outreach_drafts (prospect_id, id);
        CREATE INDEX sales_outreach_drafts_by_event ON sales_outreach_drafts (event_id, id);
        """

    /// The event match run whose invitations step drafted the row (NULL for drafts an outreach
    /// request wrote): a succeeded match run removes the unsent, unedited ones it did not keep,
    /// including those of a failed run it did not resume.
    static let matchRun = Migration("sales.outreach_drafts_match_run", """
        ALTER TABLE sales_outreach_drafts ADD COLUMN match_run_id INTEGER;
        """)
}
