import Store

/// The tables of past customer communications (entered or uploaded) and their searchable
/// chunks; part of `SalesSchema.migrations`. An uploaded file is one row of
/// `sales_communication_uploads`, unique by its SHA-256, so the same file twice is one upload
/// even when two arrive at once. Each communication is cut into chunks; the full-text index is an
/// external-content FTS5 table over the chunks, kept by triggers in the same transaction as the
/// rows (like `SolutionSearchSchema`); the chunks' vectors live in `retrieval_vectors` under the
/// collection `sales.communication_chunks` and may lag (a failed embedding leaves the words
/// searchable and a job fills the vectors in).
package enum CommunicationsSchema {
    package static let migrations: [Migration] = [communications, fullText]

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

    static let fullText = Migration("sales.communication_search", """
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
        """)
}
