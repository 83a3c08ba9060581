import Store

/// The tables of events and of the prospects matched to them; part of `SalesSchema.migrations`.
/// List fields (`target_industries`, `target_roles`, `aws_solutions_featured`) hold JSON text,
/// named as the original system named them.
package enum EventsSchema {
    package static let migrations: [Migration] = [events, matches, scores]

    static let events = Migration("sales.events", """
        CREATE TABLE sales_events (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            event_type TEXT NOT NULL,
            event_date TEXT NOT NULL,
            location TEXT,
            target_industries TEXT NOT NULL DEFAULT '[]',
            target_roles TEXT NOT NULL DEFAULT '[]',
            aws_solutions_featured TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX sales_events_by_date ON sales_events (event_date, id);
        """)

    /// One row per prospect an `event_match` run considered, written in the run's success
    /// transaction (the rows of the event's earlier runs are replaced then): its score and
    /// reason, `selected` (ranked, with the invitation drafted, kept or failed), `over_limit`
    /// (at or above the threshold, outside the top `max_matches`), `below_threshold`, or
    /// `skipped` with why (a failed scoring call). Unique per run and
    /// prospect; `draft_id` is cleared if the draft is ever deleted.
    static let matches = Migration("sales.event_matches", """
        CREATE TABLE sales_event_matches (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES sales_events (id),
            run_id INTEGER NOT NULL,
            prospect_id INTEGER NOT NULL REFERENCES sales_prospects (id),
            status TEXT NOT NULL CHECK (status IN ('selected', 'over_limit', 'below_threshold', 'skipped')),
            rank INTEGER,
            score INTEGER,
            similarity DOUBLE PRECISION NOT NULL DEFAULT 0,
            reason TEXT,
            skip_reason TEXT,
            draft_id INTEGER REFERENCES sales_outreach_drafts (id) ON DELETE SET NULL,
            invitation_status TEXT,
            invitation_error TEXT,
            outreach_run_id INTEGER,
            created_at TEXT NOT NULL,
            UNIQUE (run_id, prospect_id)
        );
        CREATE INDEX sales_event_matches_by_event ON sales_event_matches (event_id, run_id, rank);
        """, postgresEdits: [.replace(draftReference, with: "")])

    /// PostgreSQL refuses a reference to a table that does not exist yet: there the drafts' step
    /// adds it (`OutreachSchema.drafts`).
    static let draftReference = "REFERENCES sales_outreach_drafts (id) ON DELETE SET NULL"

    /// Each relevance score as its call returns, so a deadline or a crash keeps what was paid
    /// for: a retried step (same run) or a resumed run (its `resumed_from_run_id` chain, same
    /// settings) reads these first and calls the LLM only for the rest. Unique per run and
    /// prospect; an event's rows are removed when one of its match runs succeeds (its result
    /// holds the scores from then on).
    static let scores = Migration("sales.event_match_scores", """
        CREATE TABLE sales_event_match_scores (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES sales_events (id),
            run_id INTEGER NOT NULL,
            prospect_id INTEGER NOT NULL REFERENCES sales_prospects (id),
            score INTEGER NOT NULL,
            reason TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (run_id, prospect_id)
        );
        CREATE INDEX sales_event_match_scores_by_event ON sales_event_match_scores (event_id, run_id);
        """)
}
