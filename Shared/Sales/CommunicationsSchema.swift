import Retrieval
import Store

/// The tables of past customer communications (entered or uploaded) and their searchable
/// chunks; part of `SalesSchema.migrations`. An uploaded file is one row of
/// `sales_communication_uploads`, unique by its key (see `uploadKeys`), so the same file twice is
/// one upload even when two arrive at once, and each row of it is stored once. Each communication is cut into chunks; the full-text index is an
/// external-content FTS5 table over the chunks, kept by triggers in the same transaction as the
/// rows (like `SolutionSearchSchema`); the chunks' vectors live in `retrieval_vectors` under the
/// collection `sales.communication_chunks` and may lag (a failed embedding leaves the words
/// searchable and a job fills the vectors in).
package enum CommunicationsSchema {
    package static let migrations: [Migration] = [communications, fullText, uploadKeys]

    static let communications = Migration("sales.communications", """
        CREATE TABLE sales_communication_uploads (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            file_name TEXT NOT NULL,
            file_type TEXT NOT NULL,
            byte_count INTEGER NOT NULL,
            communications INTEGER NOT NULL,
            errors TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
        CREATE TABLE sales_communications (
            id INTEGER PRIMARY KEY,
            prospect_id INTEGER REFERENCES sales_prospects (id),
            company_id INTEGER REFERENCES sales_companies (id),
            company_name TEXT,
            company_key TEXT,
            subject TEXT NOT NULL,
            content TEXT NOT NULL,
            sender TEXT,
            outcome TEXT,
            outcome_kind TEXT NOT NULL CHECK (outcome_kind IN ('win', 'loss', 'neutral', 'unknown')),
            communication_date TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('manual', 'upload')),
            upload_id INTEGER REFERENCES sales_communication_uploads (id),
            file_name TEXT,
            file_sha256 TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX sales_communications_by_prospect ON sales_communications (prospect_id, id);
        CREATE INDEX sales_communications_by_company ON sales_communications (company_key, id);
        CREATE INDEX sales_communications_by_outcome ON sales_communications (outcome_kind, id);
        CREATE INDEX sales_communications_by_upload ON sales_communications (upload_id);
        CREATE TABLE sales_communication_chunks (
            id INTEGER PRIMARY KEY,
            communication_id INTEGER NOT NULL REFERENCES sales_communications (id),
            position INTEGER NOT NULL,
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (communication_id, position)
        );
        """)

    static let fullText = Migration("sales.communication_search", sqliteFullText, postgres: postgresFullText)

    /// PostgreSQL: a stored generated `tsvector` of subject and text (`english`, diacritics
    /// removed) with a GIN index, and a view of the FTS5 table's name (`rowid`, `document`) that
    /// `FullTextSearch` queries.
    static let postgresFullText = """
        ALTER TABLE sales_communication_chunks ADD COLUMN search_words tsvector
            GENERATED ALWAYS AS (\(FullTextSearch.postgresDocument("subject || ' ' || text", tokens: .stemmedWords))) STORED;
        CREATE INDEX sales_communication_chunks_search_words ON sales_communication_chunks USING GIN (search_words);
        CREATE VIEW sales_communication_chunks_fts AS SELECT id AS rowid, search_words AS document FROM sales_communication_chunks;
        """

    static let sqliteFullText = """
        CREATE VIRTUAL TABLE sales_communication_chunks_fts USING fts5(
            subject, text,
            content = 'sales_communication_chunks', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER sales_communication_chunks_fts_insert AFTER INSERT ON sales_communication_chunks BEGIN
            INSERT INTO sales_communication_chunks_fts (rowid, subject, text) VALUES (new.id, new.subject, new.text);
        END;
        CREATE TRIGGER sales_communication_chunks_fts_delete AFTER DELETE ON sales_communication_chunks BEGIN
            INSERT INTO sales_communication_chunks_fts (sales_communication_chunks_fts, rowid, subject, text)
            VALUES ('delete', old.id, old.subject, old.text);
        END;
        CREATE TRIGGER sales_communication_chunks_fts_update AFTER UPDATE ON sales_communication_chunks BEGIN
            INSERT INTO sales_communication_chunks_fts (sales_communication_chunks_fts, rowid, subject, text)
            VALUES ('delete', old.id, old.subject, old.text);
            INSERT INTO sales_communication_chunks_fts (rowid, subject, text) VALUES (new.id, new.subject, new.text);
        END;
        """

    /// An upload is the file's bytes with the values given with it: the column `sha256` (unique
    /// since the first step, kept to spare a rebuild of the referenced table) now holds that key,
    /// which is the file's SHA-256 alone when no value was given (so older uploads keep theirs),
    /// and `file_sha256` the file's hash. A communication from an upload knows its row (the CSV
    /// line, 1 for a single document), unique per upload: sending a file again stores the rows
    /// skipped before (a prospect created since) and never a row twice. Older rows have no row
    /// number; an upload holding them is not completed.
    static let uploadKeys = Migration("sales.communication_upload_rows", """
        ALTER TABLE sales_communication_uploads ADD COLUMN file_sha256 TEXT;
        UPDATE sales_communication_uploads SET file_sha256 = sha256;
        ALTER TABLE sales_communications ADD COLUMN upload_row INTEGER;
        CREATE UNIQUE INDEX sales_communications_upload_row ON sales_communications (upload_id, upload_row);
        """)
}
