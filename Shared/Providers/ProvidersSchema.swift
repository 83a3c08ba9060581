import Store

/// The tables Providers owns: `llm_calls`, the log every LLM call is recorded in (`LLMCallLog`)
/// and `llm-usage` reads. Registered in `Catalog.migrations`; append new steps, never edit a released one.
/// Ids are `<module>.<what>` for new steps (the released ones keep the names, and the version
/// numbers, that databases already record); a new step goes at the end of the list.
package enum ProvidersSchema {
    package static let migrations: [Migration] = [
        Migration("llm_calls", legacyVersion: 1, """
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
        // The workflow a call belongs to (`LLMClient.workflow(_:)`), so usage can be read by
        // workflow and step; NULL for calls outside a workflow.
        Migration("providers.llm_calls_workflow", """
            ALTER TABLE llm_calls ADD COLUMN workflow TEXT;
            CREATE INDEX llm_calls_by_workflow ON llm_calls (workflow, step, created_at);
            """),
    ]
}
