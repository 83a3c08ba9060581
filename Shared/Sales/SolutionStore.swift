import Core
import FoundationEssentials
import Retrieval
import Store

/// The catalogue in `sales_solutions`: listing with filters, adding one, upserting the CSV.
/// The full-text index follows every change through its triggers; vectors are kept by
/// `SolutionVectors`.
package struct SolutionStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// The filters of list and search, as SQL over `sales_solutions`. Industry matches like the
    /// original system: the solution's industries contain it (case-insensitive), or "all" or
    /// "cross-industry".
    package struct Filter: Sendable {
        package var category: String?
        package var industry: String?

        package init(category: String? = nil, industry: String? = nil) {
            self.category = category.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0.trimmingWhitespace() }
            self.industry = industry.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0.trimmingWhitespace() }
        }

        package var isEmpty: Bool { category == nil && industry == nil }

        /// Conditions on `sales_solutions` columns, joined by AND (nil when there are none).
        package var condition: SQLFilter? {
            var parts: [String] = []
            var arguments: [any SQLBindable] = []
            if let category {
                parts.append("LOWER(category) = LOWER(?)")
                arguments.append(category)
            }
            if let industry {
                // The JSON array holds quoted strings: matching `"industry"` matches a whole entry.
                parts.append(#"(LOWER(industries) LIKE ? ESCAPE '\' OR LOWER(industries) LIKE '%"all"%' OR LOWER(industries) LIKE '%"cross-industry"%')"#)
                arguments.append(LikePattern.containing(JSONValue.string(industry.lowercased()).jsonText))
            }
            return parts.isEmpty ? nil : SQLFilter(parts.joined(separator: " AND "), arguments)
        }

        /// The same as a condition on another table's id column (`item_id`, `rowid`).
        package func restricting(_ column: String) -> SQLFilter? {
            condition.map { SQLFilter("\(column) IN (SELECT id FROM sales_solutions WHERE \($0.sql))", $0.arguments) }
        }
    }

    package func list(_ filter: Filter, limit: Int, offset: Int) throws -> (solutions: [Solution], total: Int) {
        try database.read { sql in
            let condition = filter.condition
            let clause = condition.map { " WHERE " + $0.sql } ?? ""
            let arguments = condition?.arguments ?? []
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM sales_solutions" + clause, arguments)?.int("n") ?? 0
            let rows = try sql.query("SELECT * FROM sales_solutions" + clause + " ORDER BY category, name, id LIMIT ? OFFSET ?",
                                     arguments + [limit, offset])
            return (try rows.map(Solution.init(row:)), total)
        }
    }

    package func solutions(_ ids: [Int]) throws -> [Int: Solution] {
        guard !ids.isEmpty else { return [:] }
        return try database.read { sql in
            var found: [Int: Solution] = [:]
            var start = 0
            while start < ids.count {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                for row in try sql.query("SELECT * FROM sales_solutions WHERE id IN (\(marks))", chunk) {
                    let solution = try Solution(row: row)
                    found[solution.id] = solution
                }
                start += chunk.count
            }
            return found
        }
    }

    /// Every solution as an item to embed.
    package func embeddingItems() throws -> [VectorIndex.Item] {
        try database.read { sql in
            try sql.query("SELECT id, name, description, use_cases, keywords FROM sales_solutions ORDER BY id").map { row in
                let useCases = try row.json("use_cases").arrayValue?.compactMap(\.stringValue) ?? []
                let keywords = try row.json("keywords").arrayValue?.compactMap(\.stringValue) ?? []
                return VectorIndex.Item(id: try row.int("id"), text: SolutionDraft.searchText(
                    name: try row.string("name"), description: try row.string("description"), useCases: useCases, keywords: keywords))
            }
        }
    }

    package func count(source: String? = nil) throws -> Int {
        try database.read { sql in
            if let source { return try sql.queryOne("SELECT COUNT(*) AS n FROM sales_solutions WHERE source = ?", source)?.int("n") ?? 0 }
            return try sql.queryOne("SELECT COUNT(*) AS n FROM sales_solutions")?.int("n") ?? 0
        }
    }

    /// Adds one solution (source `api`), inside the transaction that stores its vector (so the
    /// row says its vector is of its text); a name already taken (case-insensitively the same row
    /// is not assumed: names are unique as written) is a conflict.
    package func create(_ draft: SolutionDraft, now: Date, in sql: any SQLExecutor) throws -> Solution {
        let row = try sql.queryOne("""
            INSERT INTO sales_solutions (name, category, description, use_cases, industries, keywords, pricing_model, docs_url, search_hash,
                embedded_hash, source, last_updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'api', ?) ON CONFLICT (name) DO NOTHING RETURNING *
            """, Self.arguments(draft) + [VectorIndex.contentHash(draft.searchText), now])
        guard let row else {
            throw BundleError(.conflict, "a solution named \"\(draft.name)\" already exists",
                              details: [ErrorDetail(field: "name", problem: "already taken")])
        }
        return try Solution(row: row)
    }

    /// What an upsert of the catalogue did.
    package struct UpsertSummary: Codable, Sendable, Equatable {
        package var added = 0
        package var updated = 0
        package var unchanged = 0
    }

    /// Inserts new catalogue rows and updates changed ones (by name), in one transaction; rows
    /// added through the API are left alone. Safe when several processes load at once: the name
    /// is a constraint and each row is claimed with `ON CONFLICT`.
    package func upsertCatalogue(_ drafts: [SolutionDraft], now: Date) throws -> UpsertSummary {
        try database.write { sql in
            var summary = UpsertSummary()
            for draft in drafts {
                let inserted = try sql.queryOne("""
                    INSERT INTO sales_solutions (name, category, description, use_cases, industries, keywords, pricing_model, docs_url, search_hash, source, last_updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'catalogue', ?) ON CONFLICT (name) DO NOTHING RETURNING id
                    """, Self.arguments(draft) + [now])
                if inserted != nil { summary.added += 1; continue }
                let changed = try sql.execute("""
                    UPDATE sales_solutions SET category = ?, description = ?, use_cases = ?, industries = ?, keywords = ?,
                        pricing_model = ?, docs_url = ?, search_hash = ?, last_updated = ?
                    WHERE name = ? AND source = 'catalogue' AND (category <> ? OR description <> ? OR use_cases <> ? OR industries <> ?
                        OR keywords <> ? OR pricing_model <> ? OR COALESCE(docs_url, '') <> ?)
                    """, [draft.category, draft.description, Self.json(draft.useCases), Self.json(draft.industries), Self.json(draft.keywords),
                          draft.pricingModel, draft.docsURL, VectorIndex.contentHash(draft.searchText), now, draft.name, draft.category, draft.description, Self.json(draft.useCases),
                          Self.json(draft.industries), Self.json(draft.keywords), draft.pricingModel, draft.docsURL ?? ""] as [any SQLBindable])
                if changed > 0 { summary.updated += 1 } else { summary.unchanged += 1 }
            }
            return summary
        }
    }

    private static func json(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }

    private static func arguments(_ draft: SolutionDraft) -> [any SQLBindable] {
        [draft.name, draft.category, draft.description, json(draft.useCases), json(draft.industries), json(draft.keywords),
         draft.pricingModel, draft.docsURL, VectorIndex.contentHash(draft.searchText)]
    }
}
