import Store

/// The tables of prospect CSV imports; part of `SalesSchema.migrations`.
package enum ProspectImportSchema {
    package static let migrations: [Migration] = [imports]

    /// One row per distinct file (by SHA-256 of its bytes): the same file sent twice is one
    /// import, and the second answer is the first one's result. Written in the transaction that
    /// stores the rows, so an import is all there or not there at all. A prospect's `import_id`
    /// is the import that created it (NULL when made through the API): how an import tells the
    /// rows it created from the ones it updated.
    static let imports = Migration("sales.prospect_imports", """
        CREATE TABLE sales_prospect_imports (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            file_name TEXT,
            delimiter TEXT NOT NULL,
            columns TEXT NOT NULL DEFAULT '{}',
            rows INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            companies_created INTEGER NOT NULL DEFAULT 0,
            errors TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        );
        ALTER TABLE sales_prospects ADD COLUMN import_id INTEGER REFERENCES sales_prospect_imports (id);
        """)
}
