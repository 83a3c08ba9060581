import Core
import FoundationEssentials
import Store

/// Tier-2 answers kept in the database for a day, per solution, usage pattern and server, so a
/// second research of the same prospect (or a colleague's) does not ask the MCP server again,
/// and a server that is down still leaves the last answer usable.
package struct EnrichmentCache: Sendable {
    package static let lifetime: TimeInterval = 24 * 3600
    private let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// The key of a usage pattern: SHA-256 of its words, lower-cased, so spacing and case do not
    /// split the cache.
    package static func patternHash(_ usagePattern: String) -> String {
        SHA256.hex(SHA256.hash(usagePattern.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")))
    }

    /// The stored enrichment, marked `cached`; only a fresh one unless `includingExpired`.
    package func lookup(solution: String, patternHash: String, server: String, now: Date,
                        includingExpired: Bool = false) throws -> SolutionEnrichment? {
        let row = try database.read { sql in
            try sql.queryOne("""
                SELECT enrichment FROM sales_enrichment_cache
                WHERE solution_name = ? AND pattern_hash = ? AND server = ? AND (expires_at > ? OR ? = 1)
                """, solution, patternHash, server, now, includingExpired)
        }
        guard let row, var enrichment = try? row.decode("enrichment", as: SolutionEnrichment.self) else { return nil }
        enrichment.cached = true
        return enrichment
    }

    package func store(_ enrichment: SolutionEnrichment, patternHash: String, server: String, now: Date) throws {
        var stored = enrichment
        stored.cached = false
        let text = try JSONValue(encoding: stored).jsonText
        try database.write { sql in
            try sql.execute("""
                INSERT INTO sales_enrichment_cache (solution_name, pattern_hash, server, enrichment, fetched_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (solution_name, pattern_hash, server)
                DO UPDATE SET enrichment = excluded.enrichment, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at
                """, enrichment.solutionName, patternHash, server, text, now, now.addingTimeInterval(Self.lifetime))
        }
    }
}
