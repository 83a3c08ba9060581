import Core
import Store

/// Full-text search on either backend, the one place that knows both: an SQLite FTS5 table with
/// BM25 ranking, or on PostgreSQL a view of the same name over the indexed table (`rowid`, the
/// item id, and `document`: a `tsvector` with a GIN index for words, the lowered text with a
/// `pg_trgm` GIN index for trigrams; `FullTextSearch.postgresView` writes it) ranked by
/// `ts_rank_cd` (words) or by the number of terms found plus trigram similarity (trigrams).
///
/// User text never reaches a query language as written: it becomes a list of terms (a bounded
/// number, each of bounded length, at least `minimumTermLength` characters: a trigram index
/// cannot match shorter ones), each quoted for FTS5 (`"…"`) or for `to_tsquery` (`'…'`), or a
/// `LIKE` pattern with `%`, `_` and `\` escaped, so operators, quotes, parentheses, column filters
/// and stray `*` in a query are just words or nothing, and no input can cause a syntax error.
/// `search(text:)` ORs the terms; callers with another shape (a phrase, all words, word
/// prefixes, a substring) say so with a `Query`.
package struct FullTextSearch: Sendable {
    /// How the index cuts text, which decides the PostgreSQL side (SQLite's is in the FTS5 table).
    package enum Tokens: Sendable {
        /// Stemmed words, diacritics removed (`porter unicode61 remove_diacritics 2`; `english`).
        case stemmedWords
        /// Words as written, case and diacritics folded (`unicode61 remove_diacritics 2`; `simple`).
        case words
        /// Parts of words, case-insensitive (`trigram`; `pg_trgm`).
        case trigrams

        /// The text search configuration of a words index.
        var configuration: String { self == .stemmedWords ? "english" : "simple" }
    }

    /// What to look for, made of terms from `terms` (never raw user text as syntax).
    package enum Query: Sendable {
        /// Items holding any of the terms.
        case any([String])
        /// Items holding all of the terms, anywhere.
        case all([String])
        /// Items holding the terms in this order, next to each other.
        case phrase([String])
        /// Items holding, for each term, a word that starts with it.
        case prefixes([String])
        /// Items holding the text as written (trigram indexes; case-insensitive).
        case substring(String)

        var isEmpty: Bool {
            switch self {
            case .any(let terms), .all(let terms), .phrase(let terms), .prefixes(let terms): terms.isEmpty
            case .substring(let text): text.isEmpty
            }
        }
    }

    /// The FTS5 table on SQLite, the view on PostgreSQL (code-given, never user input); its
    /// `rowid` is the item id, which is the column a caller's `SQLFilter` names.
    package let table: String
    /// Shorter words of a query are left out.
    package let minimumTermLength: Int
    package let tokens: Tokens

    package static let maximumTerms = 32
    package static let maximumTermLength = 64

    package init(table: String, minimumTermLength: Int = 1, tokens: Tokens = .stemmedWords) {
        self.table = table
        self.minimumTermLength = minimumTermLength
        self.tokens = tokens
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

    /// A term as a `tsquery` lexeme (quotes doubled, backslashes escaped): never syntax.
    static func lexeme(_ term: String) -> String {
        "'" + term.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
    }

    /// The FTS5 MATCH expression for user text (its terms OR-ed), or nil when it holds no word.
    package static func matchExpression(_ text: String, minimumTermLength: Int = 1, maximumTerms: Int = maximumTerms,
                                        maximumTermLength: Int = maximumTermLength) -> String? {
        let terms = terms(text, minimumLength: minimumTermLength, maximumTerms: maximumTerms, maximumTermLength: maximumTermLength)
        return terms.isEmpty ? nil : terms.map(quoted).joined(separator: " OR ")
    }

    /// A hit: the item and its relevance, higher is better (FTS5's `bm25()` negated on SQLite,
    /// `ts_rank_cd` or the trigram score on PostgreSQL; the two scales are not comparable).
    package struct Hit: Sendable, Equatable {
        package var id: Int
        package var bm25: Double
    }

    /// The best `limit` items matching `text` (any of its terms), restricted by `filter` (on
    /// `rowid`), best first.
    package func search(_ sql: any SQLExecutor, text: String, filter: SQLFilter? = nil, limit: Int) throws -> [Hit] {
        try search(sql, .any(Self.terms(text, minimumLength: minimumTermLength)), filter: filter, limit: limit)
    }

    /// The best `limit` items matching `query`, restricted by `filter` (on `rowid`), best first.
    package func search(_ sql: any SQLExecutor, _ query: Query, filter: SQLFilter? = nil, limit: Int) throws -> [Hit] {
        guard limit > 0, let match = match(query, dialect: sql.dialect) else { return [] }
        var statement = "SELECT rowid AS id, \(match.score.sql) AS rank FROM \(table) WHERE \(match.condition.sql)"
        var arguments: [any SQLBindable] = match.score.arguments + match.condition.arguments
        if let filter {
            statement += " AND (\(filter.sql))"
            arguments += filter.arguments
        }
        // FTS5's bm25() is lower for better matches; the PostgreSQL scores are higher.
        statement += sql.dialect == .sqlite ? " ORDER BY rank, rowid LIMIT ?" : " ORDER BY rank DESC, rowid LIMIT ?"
        arguments.append(limit)
        return try sql.query(statement, arguments).map { row in
            let rank = row.optionalDouble("rank") ?? 0
            return Hit(id: try row.int("id"), bm25: sql.dialect == .sqlite ? -rank : rank)
        }
    }

    /// A condition on an item id (`column`): the item matches `query`. Nil when the query is empty.
    package func filter(_ query: Query, column: String, dialect: SQLDialect) -> SQLFilter? {
        guard let match = match(query, dialect: dialect) else { return nil }
        return SQLFilter("\(column) IN (SELECT rowid FROM \(table) WHERE \(match.condition.sql))", match.condition.arguments)
    }

    /// The WHERE condition on the index and the score of a row (higher is better on PostgreSQL,
    /// FTS5's bm25 on SQLite), nil for a query with nothing to look for.
    private func match(_ query: Query, dialect: SQLDialect) -> (condition: SQLFilter, score: SQLFilter)? {
        guard !query.isEmpty else { return nil }
        switch dialect {
        case .sqlite:
            return (SQLFilter("\(table) MATCH ?", [Self.ftsExpression(query)]), SQLFilter("bm25(\(table))"))
        case .postgresql:
            return tokens == .trigrams ? Self.trigramMatch(query) : wordMatch(query)
        }
    }

    /// The FTS5 MATCH expression of a query.
    static func ftsExpression(_ query: Query) -> String {
        switch query {
        case .any(let terms): terms.map(quoted).joined(separator: " OR ")
        case .all(let terms): terms.map(quoted).joined(separator: " AND ")
        case .phrase(let terms): quoted(terms.joined(separator: " "))
        case .prefixes(let terms): terms.map { quoted($0) + " *" }.joined(separator: " AND ")
        case .substring(let text): quoted(text)
        }
    }

    /// `document @@ tsquery`, ranked by `ts_rank_cd` (normalised by the document's length, as
    /// BM25 favours short documents). The tsquery is built from quoted lexemes (`to_tsquery`) or
    /// plain text (`phraseto_tsquery`), diacritics removed as in the indexed text.
    private func wordMatch(_ query: Query) -> (condition: SQLFilter, score: SQLFilter) {
        let configuration = tokens.configuration
        let tsquery: String
        let argument: String
        switch query {
        case .any(let terms):
            tsquery = "to_tsquery('\(configuration)', \(Self.fold("?")))"
            argument = terms.map(Self.lexeme).joined(separator: " | ")
        case .all(let terms):
            tsquery = "to_tsquery('\(configuration)', \(Self.fold("?")))"
            argument = terms.map(Self.lexeme).joined(separator: " & ")
        case .prefixes(let terms):
            tsquery = "to_tsquery('\(configuration)', \(Self.fold("?")))"
            argument = terms.map { Self.lexeme($0) + ":*" }.joined(separator: " & ")
        case .phrase(let terms):
            tsquery = "phraseto_tsquery('\(configuration)', \(Self.fold("?")))"
            argument = terms.joined(separator: " ")
        case .substring(let text):
            tsquery = "phraseto_tsquery('\(configuration)', \(Self.fold("?")))"
            argument = text
        }
        return (SQLFilter("document @@ \(tsquery)", [argument]), SQLFilter("ts_rank_cd(document, \(tsquery), 1)", [argument]))
    }

    /// `document LIKE` each term's pattern (the document is lowered text with a trigram index),
    /// scored by how many terms it holds plus its trigram similarity to them (under 1).
    private static func trigramMatch(_ query: Query) -> (condition: SQLFilter, score: SQLFilter) {
        let patterns: [String]
        var joiner = " OR "
        switch query {
        case .any(let terms): patterns = terms
        case .all(let terms), .prefixes(let terms): patterns = terms; joiner = " AND "
        case .phrase(let terms): patterns = [terms.joined(separator: " ")]
        case .substring(let text): patterns = [text]
        }
        let likes = patterns.map { LikePattern.containing($0.lowercased()) }
        let like = "document LIKE lower(CAST(? AS TEXT)) ESCAPE '\\'"
        let condition = SQLFilter("(" + Array(repeating: like, count: likes.count).joined(separator: joiner) + ")", likes)
        let found = Array(repeating: "(CASE WHEN \(like) THEN 1 ELSE 0 END)", count: likes.count).joined(separator: " + ")
        let score = SQLFilter("(\(found) + similarity(document, lower(CAST(? AS TEXT))))", likes + [patterns.joined(separator: " ")])
        return (condition, score)
    }

    /// PostgreSQL: `expression` with diacritics removed (canonical decomposition, then the
    /// combining marks dropped), as FTS5's `remove_diacritics 2` does; immutable, so it can be
    /// indexed. Needs no extension (`unaccent` would need one).
    package static func fold(_ expression: String) -> String {
        "regexp_replace(normalize(\(expression), NFD), '[\\u0300-\\u036f]', '', 'g')"
    }

    /// PostgreSQL: the `tsvector` of `expression` as a words index of `tokens` stores it.
    package static func postgresDocument(_ expression: String, tokens: Tokens) -> String {
        "to_tsvector('\(tokens.configuration)', \(fold(expression)))"
    }

    /// PostgreSQL: the lowered text a trigram index stores (`lower` in the database's own
    /// collation, which folds more than ASCII; the columns themselves are `COLLATE "C"`).
    package static func postgresTrigramText(_ column: String) -> String {
        "lower(\(column) COLLATE \"default\")"
    }
}
