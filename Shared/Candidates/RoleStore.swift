import Core
import FoundationEssentials
import Store

/// Roles in the shared database. Changing how a role scores marks its candidates for
/// rescoring, so a ranking never mixes scores computed under two versions of the role.
package struct RoleStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package func role(_ id: Int) throws -> Role? {
        try database.read { sql in try sql.queryOne("SELECT * FROM roles WHERE id = ?", id).map(Role.init(row:)) }
    }

    /// Creates the role with this id or replaces its definition; `created` says which,
    /// `rescoring` how many candidates this marked, `judgesDifferently` whether what decides the
    /// scores changed (skills, years, industries, title or description).
    package func put(_ id: Int, _ definition: RoleDefinition, now: Date)
        throws -> (role: Role, created: Bool, rescoring: Int, judgesDifferently: Bool) {
        try database.write { sql in
            let before = try sql.queryOne("SELECT * FROM roles WHERE id = ?", id).map(Role.init(row:))
            let row = try sql.queryOne("""
                INSERT INTO roles (id, title, description, required_skills, preferred_skills, min_years, industries, weight_algo, weight_ai,
                                   tiers, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description,
                    required_skills = excluded.required_skills, preferred_skills = excluded.preferred_skills, min_years = excluded.min_years,
                    industries = excluded.industries, weight_algo = excluded.weight_algo, weight_ai = excluded.weight_ai,
                    tiers = excluded.tiers, updated_at = excluded.updated_at
                RETURNING *
                """, id, definition.title, definition.description, JSONValue.strings(definition.requiredSkills),
                     JSONValue.strings(definition.preferredSkills), definition.minYears, JSONValue.strings(definition.industries),
                     definition.weights.algo, definition.weights.ai, try JSONValue(encoding: definition.tiers), now, now)
            guard let row else { throw BundleError(.internal, "the role was not stored") }
            var role = try Role(row: row)
            var rescoring = 0
            if let before, !role.judgesLike(before) || before.weights != role.weights || before.tiers != role.tiers {
                // A scoring run under way stores nothing computed under the old role.
                try sql.execute("UPDATE roles SET revision = revision + 1 WHERE id = ?", id)
                role.revision += 1
            }
            if let before, !role.judgesLike(before) {
                rescoring = try sql.execute("UPDATE candidates SET needs_scoring = 1 WHERE role_id = ? AND needs_scoring = 0", id)
            } else if let before, before.weights != role.weights || before.tiers != role.tiers {
                if before.weights.ai == 0 && role.weights.ai > 0 {
                    rescoring = try sql.execute("UPDATE candidates SET ai_status = 'pending' WHERE role_id = ? AND ai_status = 'skipped'", id)
                }
                try CandidateStore(database: database).recombine(role: role, sql: sql)
            }
            return (role, before == nil, rescoring, before.map { !role.judgesLike($0) } ?? false)
        }
    }

    /// Takes (or renews) the role's scoring lease for `owner` until `until`: one scoring run per
    /// role at a time, so two runs never pay for the same assessments. false when another owner
    /// holds an unexpired lease.
    package func leaseScoring(_ id: Int, owner: String, until: Date, now: Date) throws -> Bool {
        try database.write { sql in
            try sql.execute("""
                UPDATE roles SET scoring_owner = ?, scoring_until = ?
                WHERE id = ? AND (scoring_owner IS NULL OR scoring_owner = ? OR scoring_until < ?)
                """, owner, until, id, owner, now) == 1
        }
    }

    package func releaseScoring(_ id: Int, owner: String) throws {
        try database.write { sql in
            try sql.execute("UPDATE roles SET scoring_owner = NULL, scoring_until = NULL WHERE id = ? AND scoring_owner = ?", id, owner)
        }
    }

    /// The role uploads use when they name none: created on first use.
    package func defaultRole(now: Date) throws -> Role {
        try database.write { sql in
            if let row = try sql.queryOne("SELECT * FROM roles WHERE is_default = 1 ORDER BY id LIMIT 1") { return try Role(row: row) }
            let definition = RoleDefinition.fallback
            // The id is chosen here, not generated: `put` stores roles under ids its callers name,
            // which PostgreSQL's identity sequence never learns of, so a generated id could collide.
            let row = try sql.queryOne("""
                INSERT INTO roles (id, title, description, weight_algo, weight_ai, tiers, is_default, created_at, updated_at)
                SELECT COALESCE(MAX(id), 0) + 1, ?, CAST(? AS TEXT), ?, ?, ?, 1, ?, ? FROM roles RETURNING *
                """, definition.title, definition.description, definition.weights.algo, definition.weights.ai,
                     try JSONValue(encoding: definition.tiers), now, now)
            guard let row else { throw BundleError(.internal, "the default role was not stored") }
            return try Role(row: row)
        }
    }
}
