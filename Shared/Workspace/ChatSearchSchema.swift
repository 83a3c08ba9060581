import Store

/// The full-text indexes of the workspace, kept by triggers in the same transaction as the rows
/// they index (a conversation is searchable by words the moment `ConversationStore.save`
/// commits, and a deleted one, through the cascade to its chunks, is gone from every index):
///
/// - `workspace_chunks_words`: chunk text, `porter unicode61 remove_diacritics 2` (BM25 over
///   words: "planning" finds "planned", "cafe" finds "café");
/// - `workspace_chunks_trigrams`: chunk text, `trigram` (parts of words, queries of 3+
///   characters; case-insensitive);
/// - `workspace_titles`: conversation titles, `unicode61 remove_diacritics 2` without stemming
///   (whole phrase, then all words). Chosen over `LIKE`: LIKE is neither diacritic-insensitive
///   nor indexed (a scan of every title per search), and over a trigram index: titles are
///   matched as words, and 1–2 letter words must still match.
///
/// The chunks' delete trigger also removes the chunk's vector (`retrieval_vectors` has no
/// foreign key to point at chunks), so deleting a conversation removes all its search hits.
/// The SQLite-specific query side lives in `ChatFullText` (the PostgreSQL port swaps both).
package enum ChatSearchSchema {
    package static let migrations: [Migration] = [fullText]

    static let fullText = Migration("workspace.search", """
        CREATE VIRTUAL TABLE workspace_chunks_words USING fts5(
            text, content = 'workspace_chunks', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE VIRTUAL TABLE workspace_chunks_trigrams USING fts5(
            text, content = 'workspace_chunks', content_rowid = 'id',
            tokenize = 'trigram'
        );
        CREATE TRIGGER workspace_chunks_search_insert AFTER INSERT ON workspace_chunks BEGIN
            INSERT INTO workspace_chunks_words (rowid, text) VALUES (new.id, new.text);
            INSERT INTO workspace_chunks_trigrams (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER workspace_chunks_search_delete AFTER DELETE ON workspace_chunks BEGIN
            INSERT INTO workspace_chunks_words (workspace_chunks_words, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO workspace_chunks_trigrams (workspace_chunks_trigrams, rowid, text) VALUES ('delete', old.id, old.text);
            DELETE FROM retrieval_vectors WHERE collection = 'workspace.chunks' AND item_id = old.id;
        END;
        CREATE TRIGGER workspace_chunks_search_update AFTER UPDATE OF text ON workspace_chunks BEGIN
            INSERT INTO workspace_chunks_words (workspace_chunks_words, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO workspace_chunks_trigrams (workspace_chunks_trigrams, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO workspace_chunks_words (rowid, text) VALUES (new.id, new.text);
            INSERT INTO workspace_chunks_trigrams (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE VIRTUAL TABLE workspace_titles USING fts5(
            title, content = 'workspace_conversations', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER workspace_titles_insert AFTER INSERT ON workspace_conversations BEGIN
            INSERT INTO workspace_titles (rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER workspace_titles_delete AFTER DELETE ON workspace_conversations BEGIN
            INSERT INTO workspace_titles (workspace_titles, rowid, title) VALUES ('delete', old.id, old.title);
        END;
        CREATE TRIGGER workspace_titles_update AFTER UPDATE OF title ON workspace_conversations BEGIN
            INSERT INTO workspace_titles (workspace_titles, rowid, title) VALUES ('delete', old.id, old.title);
            INSERT INTO workspace_titles (rowid, title) VALUES (new.id, new.title);
        END;
        """)
}
