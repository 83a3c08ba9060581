import Store

/// The table of stored vectors, shared by every collection that searches by meaning (the sales
/// solution catalogue, later conversations). Narrow on purpose: a scan reads only ids and
/// vectors. One vector per item and collection; `model` says which space it lives in and
/// `content_hash` which text it came from, so unchanged text is never embedded twice and a model
/// change is visible. Registered at the end of `Catalog.migrations`.
package enum RetrievalSchema {
    package static let migrations: [Migration] = [vectors]

    static let vectors = Migration("retrieval.vectors", """
        CREATE TABLE retrieval_vectors (
            collection TEXT NOT NULL,
            item_id INTEGER NOT NULL,
            model TEXT NOT NULL,
            dimensions INTEGER NOT NULL,
            vector BLOB NOT NULL,
            content_hash TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (collection, item_id)
        );
        CREATE INDEX retrieval_vectors_by_model ON retrieval_vectors (collection, model);
        """)
}
