import Retrieval
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
/// The query side, for both backends, lives in `ChatFullText` (through `FullTextSearch`).
///
/// PostgreSQL (`postgres:`): the same names are views over the indexed tables, each with
/// `rowid` (the id) and `document`, so the query side and its filters are the same text:
/// `workspace_chunks_words` reads a stored generated `tsvector` column (`english`, diacritics
/// removed) with a GIN index; `workspace_chunks_trigrams` the lowered text with a `pg_trgm` GIN
/// index (the extension is trusted: created here when missing by a role that may create in the
/// database, else it must already be there); `workspace_titles` an expression GIN index on the
/// title's `simple` `tsvector` (titles are short: no stored column). Generated columns and
/// expression indexes can never drift from their rows, so no triggers keep them; one PL/pgSQL
/// trigger removes a deleted chunk's vector, as the SQLite delete trigger does.
package enum ChatSearchSchema {
    package static let migrations: [Migration] = [fullText]

    static let fullText = Migration("workspace.search", sqliteFullText, postgres: postgresFullText)

    static let postgresFullText = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        ALTER TABLE workspace_chunks ADD COLUMN search_words tsvector
            GENERATED ALWAYS AS (\(FullTextSearch.postgresDocument("text", tokens: .stemmedWords))) STORED;
        CREATE INDEX workspace_chunks_search_words ON workspace_chunks USING GIN (search_words);
        CREATE VIEW workspace_chunks_words AS SELECT id AS rowid, search_words AS document FROM workspace_chunks;
        CREATE INDEX workspace_chunks_search_trigrams ON workspace_chunks
            USING GIN ((\(FullTextSearch.postgresTrigramText("text"))) gin_trgm_ops);
        CREATE VIEW workspace_chunks_trigrams AS
            SELECT id AS rowid, \(FullTextSearch.postgresTrigramText("text")) AS document FROM workspace_chunks;
        CREATE INDEX workspace_conversations_search_titles ON workspace_conversations
            USING GIN ((\(FullTextSearch.postgresDocument("title", tokens: .words))));
        CREATE VIEW workspace_titles AS
            SELECT id AS rowid, \(FullTextSearch.postgresDocument("title", tokens: .words)) AS document FROM workspace_conversations;
        CREATE FUNCTION workspace_chunks_drop_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM retrieval_vectors WHERE collection = 'workspace.chunks' AND item_id = OLD.id;
            RETURN OLD;
        END
        $$;
        CREATE TRIGGER workspace_chunks_search_delete AFTER DELETE ON workspace_chunks
            FOR EACH ROW EXECUTE FUNCTION workspace_chunks_drop_vector();
        """

    static let sqliteFullText = """
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
        """
}
