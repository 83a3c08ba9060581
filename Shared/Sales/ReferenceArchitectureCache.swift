import Core
import FoundationEssentials
import Store

/// Reference-architecture answers kept in the database for a day, so the same question (asked
/// again, by a colleague, or by every research of prospects with the same needs) does not ask
/// the MCP server and the web search again. Keyed by the query's words (case and spacing
/// ignored), the industry, the limit and the providers that answered, so a change of server or
/// search provider is a new question.
package struct ReferenceArchitectureCache: Sendable {
    package static let lifetime: TimeInterval = 24 * 3600
    private let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// What an answer is stored under: the normalised parts, and their SHA-256 as the key.
    package struct Key: Sendable, Equatable {
        package var query: String
        package var industry: String
        package var limit: Int
        /// The providers by name (`mcp,web`) for people reading the table.
        package var providers: String
        package var hash: String

        /// `identities` name each provider precisely (the MCP server's key, the search provider),
        /// and only their hash is stored: a server URL may carry a key in its query.
        package init(_ query: ArchitectureQuery, providers: [String], identities: [String]) {
            self.query = Self.normalise(query.text)
            industry = Self.normalise(query.industry ?? "")
            limit = query.limit
            self.providers = providers.joined(separator: ",")
            hash = SHA256.hex(SHA256.hash([self.query, industry, String(limit), identities.joined(separator: "\u{1}")].joined(separator: "\u{0}")))
        }

        /// Lower-cased words joined by single spaces.
        package static func normalise(_ text: String) -> String {
            text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
    }

    /// The stored answer while it is fresh, marked `cached`.
    package func lookup(_ key: Key, now: Date) throws -> ArchitectureSearchAnswer? {
        let row = try database.read { sql in
            try sql.queryOne("SELECT answer FROM sales_architecture_cache WHERE cache_key = ? AND expires_at > ?", key.hash, now)
        }
        guard let row, var answer = try? row.decode("answer", as: ArchitectureSearchAnswer.self) else { return nil }
        answer.cached = true
        return answer
    }

    /// Stores (or refreshes) the answer for a day from `now`, and deletes the answers that have
    /// expired in the same write: anyone may ask (a public GET, up to 500 characters a query), so
    /// what is no longer served must not stay.
    package func store(_ answer: ArchitectureSearchAnswer, key: Key, now: Date) throws {
        var stored = answer
        stored.cached = false
        let text = try JSONValue(encoding: stored).jsonText
        try database.write { sql in
            try sql.execute("DELETE FROM sales_architecture_cache WHERE expires_at <= ?", now)
            try sql.execute("""
                INSERT INTO sales_architecture_cache (cache_key, query, industry, result_limit, providers, answer, fetched_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (cache_key)
                DO UPDATE SET answer = excluded.answer, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at
                """, key.hash, key.query, key.industry, key.limit, key.providers, text, now, now.addingTimeInterval(Self.lifetime))
        }
    }
}
