import Core
import Store

/// Full-text search over an SQLite FTS5 table with BM25 ranking. User text never reaches FTS5's
/// query language as written: it becomes a list of quoted terms (a bounded number, each of
/// bounded length, at least `minimumTermLength` characters: a trigram index cannot match
/// shorter ones), so operators, quotes, parentheses, column filters and stray `*` in a query are
/// just words or nothing, and no input can cause an FTS syntax error. `search(text:)` ORs the
/// terms; callers with another shape (a phrase, all words, word prefixes) build it from `terms`
/// and `quoted` and run it with `search(match:)`.
package struct FullTextSearch: Sendable {
    /// The FTS5 table (code-given, never user input); its rowid is the item id.
    package let table: String
    /// Shorter words of a query are left out.
    package let minimumTermLength: Int

    package static let maximumTerms = 32
    package static let maximumTermLength = 64

    package init(table: String, minimumTermLength: Int = 1) {
        self.table = table
        self.minimumTermLength = minimumTermLength
    }

    /// The query's words, lowercased, cut to `maximumTermLength`, at least `minimumLength` long,
    /// at most `maximumTerms` (only the head of a very long text is read); repeats dropped unless
    /// `distinct` is false (a phrase keeps them).
    package static func terms(_ text: String, minimumLength: Int = 1, distinct: Bool = true, maximumTerms: Int = maximumTerms,
                              maximumTermLength: Int = maximumTermLength) -> [String] {
        var terms: [String] = []
        var seen: Set<String> = []
        for word in Words.split(text.prefix(4_096)) where word.count >= minimumLength {
            let term = String(word.lowercased().prefix(maximumTermLength))
            guard !distinct || seen.insert(term).inserted else { continue }
            terms.append(term)
            if terms.count == maximumTerms { break }
        }
        return terms
    }

    /// A term as an FTS5 string (double quotes doubled): matched as written, never as syntax.
    package static func quoted(_ term: String) -> String { "\"" + term.replacing("\"", with: "\"\"") + "\"" }

    /// The MATCH expression for user text (its terms OR-ed), or nil when it holds no word.
    package static func matchExpression(_ text: String, minimumTermLength: Int = 1, maximumTerms: Int = maximumTerms,
                                        maximumTermLength: Int = maximumTermLength) -> String? {
        let terms = terms(text, minimumLength: minimumTermLength, maximumTerms: maximumTerms, maximumTermLength: maximumTermLength)
        return terms.isEmpty ? nil : terms.map(quoted).joined(separator: " OR ")
    }

    /// A hit: the item and its BM25 relevance (FTS5's `bm25()` negated, so higher is better).
    package struct Hit: Sendable, Equatable {
        package var id: Int
        package var bm25: Double
    }

    /// The best `limit` items matching `text` (any of its terms), restricted by `filter` (on
    /// `rowid`), best first.
    package func search(_ sql: any SQLExecutor, text: String, filter: SQLFilter? = nil, limit: Int) throws -> [Hit] {
        guard let match = Self.matchExpression(text, minimumTermLength: minimumTermLength) else { return [] }
        return try search(sql, match: match, filter: filter, limit: limit)
    }

    /// The same for a MATCH expression built from `terms` and `quoted` (never from raw user text).
    package func search(_ sql: any SQLExecutor, match: String, filter: SQLFilter? = nil, limit: Int) throws -> [Hit] {
        guard limit > 0 else { return [] }
        var statement = "SELECT rowid AS id, bm25(\(table)) AS rank FROM \(table) WHERE \(table) MATCH ?"
        var arguments: [any SQLBindable] = [match]
        if let filter {
            statement += " AND (\(filter.sql))"
            arguments += filter.arguments
        }
        statement += " ORDER BY rank, rowid LIMIT ?"
        arguments.append(limit)
        return try sql.query(statement, arguments).map { row in
            Hit(id: try row.int("id"), bm25: -(row.optionalDouble("rank") ?? 0))
        }
    }
}
