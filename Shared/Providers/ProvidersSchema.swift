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
        // The prompt version each call used (`LLMClient.prompt(version:)`, else the built-in
        // text's hash), so usage and outcomes can be read per prompt.
        Migration("providers.llm_calls_prompt_version", """
            ALTER TABLE llm_calls ADD COLUMN prompt_version TEXT;
            """),
        // The provider and model chosen per prompt type (`LLMDefaults`); a type without a row
        // uses the bundle's provider (`LLM_PROVIDER`).
        Migration("providers.llm_defaults", """
            CREATE TABLE llm_defaults (
                prompt_type TEXT PRIMARY KEY,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                updated_by TEXT,
                updated_at TEXT NOT NULL
            );
            """),
        // Custom system prompts per type (`LLMPrompts`): every one is kept; at most one per type
        // is active (a partial unique index, which SQLite and PostgreSQL both enforce); none
        // active means the built-in default.
        Migration("providers.llm_prompts", """
            CREATE TABLE llm_prompts (
                id INTEGER PRIMARY KEY,
                prompt_type TEXT NOT NULL,
                system_prompt TEXT NOT NULL,
                is_active INTEGER NOT NULL DEFAULT 1,
                created_by TEXT,
                created_at TEXT NOT NULL,
                deactivated_at TEXT
            );
            CREATE UNIQUE INDEX llm_prompts_one_active ON llm_prompts (prompt_type) WHERE is_active = 1;
            CREATE INDEX llm_prompts_by_type ON llm_prompts (prompt_type, id);
            """),
    ]
}
