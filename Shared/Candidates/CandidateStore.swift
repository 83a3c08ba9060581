import Core
import FoundationEssentials
import Store

/// Candidates and uploads in the shared database.
package struct CandidateStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package func candidate(_ id: Int) throws -> Candidate? {
        try database.read { sql in try sql.queryOne("SELECT * FROM candidates WHERE id = ?", id).map(Candidate.init(row:)) }
    }

    /// Ranked by combined score (unscored last), then algorithmic score, then id, so equal
    /// scores keep one order across pages.
    package func list(roleID: Int?, tier: String?, limit: Int, offset: Int) throws -> (candidates: [Candidate], total: Int) {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let roleID { conditions.append("role_id = ?"); arguments.append(roleID) }
        if let tier { conditions.append("tier = ?"); arguments.append(tier) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.read { sql in
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM candidates \(filter)", arguments)?.int("n") ?? 0
            let rows = try sql.query("""
                SELECT * FROM candidates \(filter)
                ORDER BY CASE WHEN combined_score IS NULL THEN 1 ELSE 0 END, combined_score DESC, COALESCE(algo_score, -1) DESC, id
                LIMIT ? OFFSET ?
                """, arguments + [limit, offset])
            return (try rows.map(Candidate.init(row:)), total)
        }
    }

    /// Applies an edit. A change to anything scoring reads marks the candidate for rescoring; an
    /// email or LinkedIn URL another candidate of the role has is a conflict.
    package func edit(_ id: Int, _ edit: CandidateEdit, now: Date) throws -> Candidate {
        try database.write { sql in
            guard let row = try sql.queryOne("SELECT * FROM candidates WHERE id = ?", id) else {
                throw BundleError(.notFound, "no candidate with id \(id)")
            }
            let roleID = try row.int("role_id")
            let known = try CandidateProfile(row: row)
            let profile = edit.apply(to: known)
            for (column, value) in [("email", profile.email), ("linkedin_url", profile.linkedinURL)] {
                guard let value, let owner = try sql.queryOne("SELECT id FROM candidates WHERE role_id = ? AND \(column) = ? AND id <> ?",
                                                              roleID, value, id)?.int("id") else { continue }
                throw BundleError(.conflict, "candidate \(owner) of this role already has \(column) \(value)",
                                  details: [ErrorDetail(field: column, problem: "belongs to candidate \(owner)")])
            }
            if profile != known {
                try update(id, profile: profile, rescore: profile.differsInScoredFields(from: known), sql: sql, now: now)
            }
            var assignments = ["updated_at = ?"]
            var values: [any SQLBindable] = [now]
            for (column, value) in edit.interviewColumns {
                assignments.append("\(column) = ?")
                values.append(value)
            }
            if assignments.count > 1 {
                try sql.execute("UPDATE candidates SET \(assignments.joined(separator: ", ")) WHERE id = ?", values + [id])
            }
            guard let updated = try sql.queryOne("SELECT * FROM candidates WHERE id = ?", id) else {
                throw BundleError(.internal, "the candidate disappeared")
            }
            return try Candidate(row: updated)
        }
    }
}
