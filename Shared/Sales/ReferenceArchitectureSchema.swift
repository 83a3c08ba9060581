import Store

/// The tables of the reference-architecture search cache; part of `SalesSchema.migrations`.
package enum ReferenceArchitectureSchema {
    package static let migrations: [Migration] = [cache]

    /// One answer per normalised query, industry, limit and set of providers that answered (the
    /// MCP server and the web search provider by identity), as JSON text, with when it was
    /// fetched and when it stops being fresh (ISO-8601 UTC text compares in order). `cache_key`
    /// is the SHA-256 of those four, so a long query or server URL never makes a long key.
    static let cache = Migration("sales.architecture_cache", """
        CREATE TABLE sales_architecture_cache (
            cache_key TEXT PRIMARY KEY,
            query TEXT NOT NULL,
            industry TEXT NOT NULL,
            result_limit INTEGER NOT NULL,
            providers TEXT NOT NULL,
            answer TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX sales_architecture_cache_by_expiry ON sales_architecture_cache (expires_at);
        """)
}
