import Core
import Retrieval
import Store

/// The SQLite FTS5 side of chat search, in one place so the PostgreSQL port (issue 19) swaps one
/// type: the word index (BM25, stemmed, diacritics removed), the trigram index (parts of words)
/// and the title index (phrase, then all words) over the tables `ChatSearchSchema` creates. User
/// text never reaches FTS5 syntax as written: every term is a quoted string (quotes doubled), a
/// bounded number of bounded terms, so `NEAR(`, `*`, `"`, `col:` are words or nothing.
package struct ChatFullText: Sendable {
    package static let words = FullTextSearch(table: "workspace_chunks_words")
    /// Trigrams cannot match text under 3 characters.
    package static let trigrams = FullTextSearch(table: "workspace_chunks_trigrams", minimumTermLength: 3)
    package static let titles = FullTextSearch(table: "workspace_titles")
    package static let maximumTerms = FullTextSearch.maximumTerms

    /// A hit: a chunk (or conversation, for titles) and its BM25 relevance (higher is better).
    package struct Hit: Sendable, Equatable {
        package var id: Int
        package var bm25: Double
    }

    /// Chunks by words, BM25; `filter` on `rowid` (the chunk id).
    package static func wordHits(_ sql: any SQLExecutor, query: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        try words.search(sql, text: query, filter: filter, limit: limit).map(Hit.init)
    }

    /// The trigram MATCH expression: each term of 3+ characters quoted (a substring match), OR-ed;
    /// nil when no term is long enough (trigrams cannot match shorter text).
    package static func trigramExpression(_ query: String) -> String? {
        FullTextSearch.matchExpression(query, minimumTermLength: trigrams.minimumTermLength)
    }

    /// Chunks containing parts of words, BM25 over trigrams.
    package static func trigramHits(_ sql: any SQLExecutor, query: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        try trigrams.search(sql, text: query, filter: filter, limit: limit).map(Hit.init)
    }

    /// Chunks containing `text` as written (case-insensitive), e.g. a URL; text under 3
    /// characters matches nothing.
    package static func substringHits(_ sql: any SQLExecutor, text: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        guard text.count >= trigrams.minimumTermLength else { return [] }
        return try trigrams.search(sql, match: quoted(String(text.prefix(1_000))), filter: filter, limit: limit).map(Hit.init)
    }

    /// Conversations whose title holds the query's words as a phrase (`phrase`) or all of them
    /// in any order; `filter` on `rowid` (the conversation id).
    package static func titleHits(_ sql: any SQLExecutor, query: String, phrase: Bool, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        let terms = FullTextSearch.terms(query, distinct: false)
        guard !terms.isEmpty else { return [] }
        let match = phrase ? quoted(terms.joined(separator: " ")) : terms.map(quoted).joined(separator: " AND ")
        return try titles.search(sql, match: match, filter: filter, limit: limit).map(Hit.init)
    }

    /// A condition on a conversation's `id`: its title holds words starting with each of the
    /// query's words, case and diacritics folded by the title index ("uber", "über" and "Über"
    /// all find "Über"; SQLite's `lower`/`LIKE` fold ASCII only). Nil when the query has no word.
    package static func titleWordsFilter(_ query: String) -> SQLFilter? {
        let terms = FullTextSearch.terms(query, distinct: false)
        guard !terms.isEmpty else { return nil }
        let match = terms.map { quoted($0) + " *" }.joined(separator: " AND ")
        return SQLFilter("id IN (SELECT rowid FROM \(titles.table) WHERE \(titles.table) MATCH ?)", [match])
    }

    static func quoted(_ term: String) -> String { FullTextSearch.quoted(term) }
}

extension ChatFullText.Hit {
    init(_ hit: FullTextSearch.Hit) { self.init(id: hit.id, bm25: hit.bm25) }
}
