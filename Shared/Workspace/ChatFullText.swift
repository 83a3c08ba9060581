import Core
import Retrieval
import Store

/// The full-text side of chat search in one place: the word index (stemmed, diacritics removed),
/// the trigram index (parts of words) and the title index (phrase, then all words) over what
/// `ChatSearchSchema` creates on either backend; `FullTextSearch` renders each query for FTS5 or
/// PostgreSQL. User text never reaches a query language as written: a bounded number of bounded
/// terms, each quoted, so `NEAR(`, `*`, `"`, `col:`, `&`, `|`, `!` are words or nothing.
package struct ChatFullText: Sendable {
    package static let words = FullTextSearch(table: "workspace_chunks_words")
    /// Trigrams cannot match text under 3 characters.
    package static let trigrams = FullTextSearch(table: "workspace_chunks_trigrams", minimumTermLength: 3, tokens: .trigrams)
    package static let titles = FullTextSearch(table: "workspace_titles", tokens: .words)
    package static let maximumTerms = FullTextSearch.maximumTerms

    /// A hit: a chunk (or conversation, for titles) and its relevance (higher is better: BM25 on
    /// SQLite, `ts_rank_cd` or the trigram score on PostgreSQL).
    package struct Hit: Sendable, Equatable {
        package var id: Int
        package var bm25: Double
    }

    /// Chunks by words, best first; `filter` on `rowid` (the chunk id).
    package static func wordHits(_ sql: any SQLExecutor, query: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        try words.search(sql, text: query, filter: filter, limit: limit).map(Hit.init)
    }

    /// The trigram MATCH expression (SQLite): each term of 3+ characters quoted (a substring
    /// match), OR-ed; nil when no term is long enough (trigrams cannot match shorter text).
    package static func trigramExpression(_ query: String) -> String? {
        FullTextSearch.matchExpression(query, minimumTermLength: trigrams.minimumTermLength)
    }

    /// Chunks containing parts of words, best first.
    package static func trigramHits(_ sql: any SQLExecutor, query: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        try trigrams.search(sql, text: query, filter: filter, limit: limit).map(Hit.init)
    }

    /// Chunks containing `text` as written (case-insensitive), e.g. a URL; text under 3
    /// characters matches nothing.
    package static func substringHits(_ sql: any SQLExecutor, text: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        guard text.count >= trigrams.minimumTermLength else { return [] }
        return try trigrams.search(sql, .substring(String(text.prefix(1_000))), filter: filter, limit: limit).map(Hit.init)
    }

    /// Conversations whose title holds the query's words as a phrase (`phrase`) or all of them
    /// in any order; `filter` on `rowid` (the conversation id).
    package static func titleHits(_ sql: any SQLExecutor, query: String, phrase: Bool, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        let terms = FullTextSearch.terms(query, distinct: false)
        guard !terms.isEmpty else { return [] }
        return try titles.search(sql, phrase ? .phrase(terms) : .all(terms), filter: filter, limit: limit).map(Hit.init)
    }

    /// A condition on a conversation's `id`: its title holds words starting with each of the
    /// query's words, case and diacritics folded by the title index ("uber", "über" and "Über"
    /// all find "Über"; `lower`/`LIKE` fold ASCII only). Nil when the query has no word.
    package static func titleWordsFilter(_ query: String, dialect: SQLDialect) -> SQLFilter? {
        titles.filter(.prefixes(FullTextSearch.terms(query, distinct: false)), column: "id", dialect: dialect)
    }

    static func quoted(_ term: String) -> String { FullTextSearch.quoted(term) }
}

extension ChatFullText.Hit {
    init(_ hit: FullTextSearch.Hit) { self.init(id: hit.id, bm25: hit.bm25) }
}
