import Core
import FoundationEssentials
import Store

/// What a successful research run changes on the record: a new prospect becomes `researched`
/// (one further along keeps its status), and the company's tech_stack and pain_points gain what
/// the research found with evidence (what was there stays). Written through the SQL handle of
/// the transaction that marks the run succeeded, so the two are stored together.
package enum ResearchOutcome {
    /// How often the company merge is tried again when another writer changed the row between
    /// the read and the compare-and-set.
    static let mergeAttempts = 5

    package static func record(_ findings: ResearchFindings, prospectID: Int, sql: any SQLExecutor, now: Date) throws {
        try sql.execute("UPDATE sales_prospects SET status = 'researched', updated_at = ? WHERE id = ? AND status = 'new'", now, prospectID)
        for _ in 0..<mergeAttempts {
            guard let row = try sql.queryOne("""
                SELECT c.id, c.tech_stack, c.pain_points, c.updated_at FROM sales_companies c
                JOIN sales_prospects p ON p.company_id = c.id WHERE p.id = ?
                """, prospectID) else { return }
            let stack = merged(ResearchContext.list(row.optionalString("tech_stack")), findings.technologies.map(\.name))
            let pains = merged(ResearchContext.list(row.optionalString("pain_points")), findings.painPoints.map(\.pain))
            // Compare-and-set on the lists and updated_at read: a writer that changed the row
            // meanwhile makes this update miss, and the merge is made again over its lists.
            let changed = try sql.execute("""
                UPDATE sales_companies SET tech_stack = ?, pain_points = ?, updated_at = ?
                WHERE id = ? AND updated_at = ? AND tech_stack IS NOT DISTINCT FROM ? AND pain_points IS NOT DISTINCT FROM ?
                """, JSONValue.array(stack.map(JSONValue.string)), JSONValue.array(pains.map(JSONValue.string)), now,
                try row.int("id"), try row.string("updated_at"), row.optionalString("tech_stack"), row.optionalString("pain_points"))
            if changed == 1 { return }
        }
        throw BundleError(.unavailable, "the company of prospect \(prospectID) kept changing while research merged its findings; retry")
    }

    /// The stored list followed by the new items it lacks (compared without case), at most 30.
    static func merged(_ stored: [String], _ found: [String]) -> [String] {
        var seen = Set(stored.map { $0.lowercased() })
        return Array((stored + found.filter { seen.insert($0.lowercased()).inserted }).prefix(30))
    }
}
