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
    package static let maximumTerms = FullTextSearch.maximumTerms

    /// A hit: a chunk (or conversation, for titles) and its BM25 relevance (higher is better).
    package struct Hit: Sendable, Equatable {
        package var id: Int
        package var bm25: Double
    }

    /// Chunks by words, BM25; `filter` on `rowid` (the chunk id).
    package static func wordHits(_ sql: any SQLExecutor, query: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        try words.search(sql, text: query, filter: filter, limit: limit).map { Hit(id: $0.id, bm25: $0.bm25) }
    }

    /// The trigram MATCH expression: each term of 3+ characters quoted (a substring match), OR-ed;
    /// nil when no term is long enough (trigrams cannot match shorter text).
    package static func trigramExpression(_ query: String) -> String? {
        var terms: [String] = []
        var seen: Set<String> = []
        for word in Words.split(query.prefix(4_096)) where word.count >= 3 {
            let term = String(word.lowercased().prefix(FullTextSearch.maximumTermLength))
            guard seen.insert(term).inserted else { continue }
            terms.append(quoted(term))
            if terms.count == maximumTerms { break }
        }
        return terms.isEmpty ? nil : terms.joined(separator: " OR ")
    }

    /// Chunks containing parts of words, BM25 over trigrams.
    package static func trigramHits(_ sql: any SQLExecutor, query: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        guard let match = trigramExpression(query) else { return [] }
        return try matching(sql, table: "workspace_chunks_trigrams", match: match, filter: filter, limit: limit)
    }

    /// Chunks containing `text` as written (case-insensitive), e.g. a URL; text under 3
    /// characters matches nothing.
    package static func substringHits(_ sql: any SQLExecutor, text: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        guard text.count >= 3 else { return [] }
        return try matching(sql, table: "workspace_chunks_trigrams", match: quoted(String(text.prefix(1_000))), filter: filter, limit: limit)
    }

    /// Conversations whose title holds the query's words as a phrase (`phrase`) or all of them
    /// in any order; `filter` on `rowid` (the conversation id).
    package static func titleHits(_ sql: any SQLExecutor, query: String, phrase: Bool, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        var terms: [String] = []
        for word in Words.split(query.prefix(4_096)) {
            terms.append(String(word.lowercased().prefix(FullTextSearch.maximumTermLength)))
            if terms.count == maximumTerms { break }
        }
        guard !terms.isEmpty else { return [] }
        let match = phrase ? quoted(terms.joined(separator: " ")) : terms.map(quoted).joined(separator: " AND ")
        return try matching(sql, table: "workspace_titles", match: match, filter: filter, limit: limit)
    }

    /// A condition on a conversation's `id`: its title holds words starting with each of the
    /// query's words, case and diacritics folded by the title index ("uber", "über" and "Über"
    /// all find "Über"; SQLite's `lower`/`LIKE` fold ASCII only). Nil when the query has no word.
    package static func titleWordsFilter(_ query: String) -> SQLFilter? {
        var terms: [String] = []
        for word in Words.split(query.prefix(4_096)) {
            terms.append(quoted(String(word.lowercased().prefix(FullTextSearch.maximumTermLength))) + " *")
            if terms.count == maximumTerms { break }
        }
        guard !terms.isEmpty else { return nil }
        return SQLFilter("id IN (SELECT rowid FROM workspace_titles WHERE workspace_titles MATCH ?)", [terms.joined(separator: " AND ")])
    }

    static func quoted(_ term: String) -> String { "\"" + term.replacing("\"", with: "\"\"") + "\"" }

    private static func matching(_ sql: any SQLExecutor, table: String, match: String, filter: SQLFilter?, limit: Int) throws -> [Hit] {
        guard limit > 0 else { return [] }
        var statement = "SELECT rowid AS id, bm25(\(table)) AS rank FROM \(table) WHERE \(table) MATCH ?"
        var arguments: [any SQLBindable] = [match]
        if let filter {
            statement += " AND (\(filter.sql))"
            arguments += filter.arguments
        }
        statement += " ORDER BY rank, rowid LIMIT ?"
        arguments.append(limit)
        return try sql.query(statement, arguments).map { Hit(id: try $0.int("id"), bm25: -($0.optionalDouble("rank") ?? 0)) }
    }
}
