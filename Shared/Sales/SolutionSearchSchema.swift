import Retrieval
import Store

/// The tables of the solution search index; part of `SalesSchema.migrations`. The full-text index
/// is an external-content FTS5 table over `sales_solutions` (name, description, use cases,
/// keywords; Porter stemming so "databases" finds "database"), kept by triggers in the same
/// transaction as the row, so it can never drift from the catalogue. The vectors live in
/// `retrieval_vectors` (collection `sales.solutions`); each row also keeps the hash of its search
/// text and of the text its vector was made from, so a vector of older text is found through an
/// index instead of hashing the whole catalogue on every search.
package enum SolutionSearchSchema {
    package static let migrations: [Migration] = [fullText, searchHash]

    static let fullText = Migration("sales.solution_search", sqliteFullText, postgres: postgresFullText)

    /// PostgreSQL: an expression GIN index on the four columns' `english` `tsvector` (the
    /// catalogue is small and read with `SELECT *`: no stored column) and a view of the FTS5
    /// table's name (`rowid`, `document`) that `FullTextSearch` queries.
    static let postgresFullText = """
        CREATE INDEX sales_solutions_search_words ON sales_solutions USING GIN ((\(document)));
        CREATE VIEW sales_solutions_fts AS SELECT id AS rowid, \(document) AS document FROM sales_solutions;
        """

    static let document = FullTextSearch.postgresDocument("name || ' ' || description || ' ' || use_cases || ' ' || keywords",
                                                           tokens: .stemmedWords)

    static let sqliteFullText = """
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
        """

    /// `search_hash`: the hash of the row's search text, written with the row; `embedded_hash`:
    /// the hash of the text its vector was made from, written with the vector. A row where they
    /// differ has a vector of old text; the partial index finds those without a scan. Rows
    /// written before this (or by hand) have neither and are judged by `SolutionVectors.sync`.
    static let searchHash = Migration("sales.solution_search_hash", """
        ALTER TABLE sales_solutions ADD COLUMN search_hash TEXT;
        ALTER TABLE sales_solutions ADD COLUMN embedded_hash TEXT;
        CREATE INDEX sales_solutions_embedded_stale ON sales_solutions (id) WHERE embedded_hash <> search_hash;
        """)
}
