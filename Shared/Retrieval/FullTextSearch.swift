import Core
import Store

/// Full-text search over an SQLite FTS5 table with BM25 ranking. User text never reaches FTS5's
/// query language as written: it becomes a list of quoted terms joined by OR (a bounded number,
/// each of bounded length), so operators, quotes, parentheses, column filters and stray `*` in
/// a query are just words or nothing, and no input can cause an FTS syntax error.
package struct FullTextSearch: Sendable {
    /// The FTS5 table (code-given, never user input); its rowid is the item id.
    package let table: String

    package static let maximumTerms = 32
    package static let maximumTermLength = 64

    package init(table: String) {
        self.table = table
    }

    /// The MATCH expression for user text, or nil when it holds no word.
    package static func matchExpression(_ text: String, maximumTerms: Int = maximumTerms, maximumTermLength: Int = maximumTermLength) -> String? {
        var terms: [String] = []
        var seen: Set<String> = []
        // Bounded input: only the head of a very long text is read.
        for word in Words.split(text.prefix(4_096)) {
            let term = String(word.lowercased().prefix(maximumTermLength))
            guard seen.insert(term).inserted else { continue }
            terms.append("\"" + term.replacing("\"", with: "\"\"") + "\"")
            if terms.count == maximumTerms { break }
        }
        return terms.isEmpty ? nil : terms.joined(separator: " OR ")
    }

    /// A hit: the item and its BM25 relevance (FTS5's `bm25()` negated, so higher is better).
    package struct Hit: Sendable, Equatable {
        package var id: Int
        package var bm25: Double
    }

    /// The best `limit` items matching `text`, restricted by `filter` (on `rowid`), best first.
    package func search(_ sql: any SQLExecutor, text: String, filter: SQLFilter? = nil, limit: Int) throws -> [Hit] {
        guard let match = Self.matchExpression(text), limit > 0 else { return [] }
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
