import Core
import FoundationEssentials
import Store

/// What a successful research run changes on the record: a new prospect becomes `researched`
/// (one further along keeps its status), and the company's tech_stack and pain_points gain what
/// the research found with evidence (what was there stays).
enum ResearchOutcome {
    static func record(_ findings: ResearchFindings, prospectID: Int, database: any Database, now: Date) throws {
        try database.write { sql in
            try sql.execute("UPDATE sales_prospects SET status = 'researched', updated_at = ? WHERE id = ? AND status = 'new'", now, prospectID)
            guard let row = try sql.queryOne("""
                SELECT c.id, c.tech_stack, c.pain_points FROM sales_companies c JOIN sales_prospects p ON p.company_id = c.id WHERE p.id = ?
                """, prospectID) else { return }
            let stack = merged(ResearchContext.list(row.optionalString("tech_stack")), findings.technologies.map(\.name))
            let pains = merged(ResearchContext.list(row.optionalString("pain_points")), findings.painPoints.map(\.pain))
            try sql.execute("UPDATE sales_companies SET tech_stack = ?, pain_points = ?, updated_at = ? WHERE id = ?",
                            JSONValue.array(stack.map(JSONValue.string)), JSONValue.array(pains.map(JSONValue.string)), now, try row.int("id"))
        }
    }

    /// The stored list followed by the new items it lacks (compared without case), at most 30.
    static func merged(_ stored: [String], _ found: [String]) -> [String] {
        var seen = Set(stored.map { $0.lowercased() })
        return Array((stored + found.filter { seen.insert($0.lowercased()).inserted }).prefix(30))
    }
}
