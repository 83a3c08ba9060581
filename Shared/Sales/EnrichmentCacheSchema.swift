import Store

/// The tables of the tier-2 (MCP) enrichment cache; part of `SalesSchema.migrations`.
package enum EnrichmentCacheSchema {
    package static let migrations: [Migration] = [cache]

    /// One enrichment per solution, usage pattern (its SHA-256) and server, as JSON text, with
    /// when it was fetched and when it stops being fresh (ISO-8601 UTC text compares in order).
    static let cache = Migration("sales.enrichment_cache", """
        CREATE TABLE sales_enrichment_cache (
            solution_name TEXT NOT NULL,
            pattern_hash TEXT NOT NULL,
            server TEXT NOT NULL,
            enrichment TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            PRIMARY KEY (solution_name, pattern_hash, server)
        );
        CREATE INDEX sales_enrichment_cache_by_expiry ON sales_enrichment_cache (expires_at);
        """)
}
