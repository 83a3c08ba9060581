import Core
import FoundationEssentials
import Store

/// The provider and model a person chose per prompt type (`llm_defaults`, `PUT
/// /api/llm-defaults/{type}`). A type without a row runs on the bundle's provider (`llm()`).
/// One row per type (the primary key), written with one upsert, so racing writers leave the last
/// choice and never two.
package struct LLMDefaults: Sendable {
    package struct Choice: Sendable, Equatable {
        package var promptType: String
        package var provider: String
        package var model: String
        package var updatedBy: String?
        package var updatedAt: String
    }

    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package func choice(for promptType: String) throws -> Choice? {
        try database.read { sql in
            try sql.queryOne("SELECT * FROM llm_defaults WHERE prompt_type = ?", promptType).map(Self.choice)
        }
    }

    /// Stores the choice (replacing any earlier one) and answers it as stored.
    package func set(_ promptType: String, provider: String, model: String, by: String?, now: Date) throws -> Choice {
        try database.write { sql in
            guard let row = try sql.queryOne("""
                INSERT INTO llm_defaults (prompt_type, provider, model, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (prompt_type) DO UPDATE SET provider = excluded.provider, model = excluded.model,
                    updated_by = excluded.updated_by, updated_at = excluded.updated_at
                RETURNING *
                """, promptType, provider, model, by, now) else {
                throw BundleError(.internal, "the LLM default was not stored")
            }
            return try Self.choice(row)
        }
    }

    private static func choice(_ row: Row) throws -> Choice {
        Choice(promptType: try row.string("prompt_type"), provider: try row.string("provider"), model: try row.string("model"),
               updatedBy: row.optionalString("updated_by"), updatedAt: try row.string("updated_at"))
    }
}
