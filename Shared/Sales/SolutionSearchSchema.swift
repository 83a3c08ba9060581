import Store

/// The tables of the solution search index; part of `SalesSchema.migrations`. The full-text index
/// is an external-content FTS5 table over `sales_solutions` (name, description, use cases,
/// keywords; Porter stemming so "databases" finds "database"), kept by triggers in the same
/// transaction as the row, so it can never drift from the catalogue. The vectors live in
/// `retrieval_vectors` (collection `sales.solutions`); `search_hash` is the content hash of the
/// text a solution's vector must represent, written with the row, so a vector of older text is
/// found by one join instead of hashing the whole catalogue on every search.
package enum SolutionSearchSchema {
    package static let migrations: [Migration] = [fullText, searchHash]

    static let fullText = Migration("sales.solution_search", """
        CREATE VIRTUAL TABLE sales_solutions_fts USING fts5(
            name, description, use_cases, keywords,
            content = 'sales_solutions', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        INSERT INTO sales_solutions_fts (rowid, name, description, use_cases, keywords)
            SELECT id, name, description, use_cases, keywords FROM sales_solutions;
        CREATE TRIGGER sales_solutions_fts_insert AFTER INSERT ON sales_solutions BEGIN
            INSERT INTO sales_solutions_fts (rowid, name, description, use_cases, keywords)
            VALUES (new.id, new.name, new.description, new.use_cases, new.keywords);
        END;
        CREATE TRIGGER sales_solutions_fts_delete AFTER DELETE ON sales_solutions BEGIN
            INSERT INTO sales_solutions_fts (sales_solutions_fts, rowid, name, description, use_cases, keywords)
            VALUES ('delete', old.id, old.name, old.description, old.use_cases, old.keywords);
        END;
        CREATE TRIGGER sales_solutions_fts_update AFTER UPDATE ON sales_solutions BEGIN
            INSERT INTO sales_solutions_fts (sales_solutions_fts, rowid, name, description, use_cases, keywords)
            VALUES ('delete', old.id, old.name, old.description, old.use_cases, old.keywords);
            INSERT INTO sales_solutions_fts (rowid, name, description, use_cases, keywords)
            VALUES (new.id, new.name, new.description, new.use_cases, new.keywords);
        END;
        """)

    /// NULL for rows written before it (or by hand): such a row is checked by `SolutionVectors.sync`
    /// (which hashes its text), not counted as changed by search.
    static let searchHash = Migration("sales.solution_search_hash", """
        ALTER TABLE sales_solutions ADD COLUMN search_hash TEXT;
        """)
}
