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
    ]

    package static var latestVersion: Int { all.map(\.version).max() ?? 0 }
}
