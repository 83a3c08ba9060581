import Core
import FoundationEssentials
import Store

/// Custom system prompts per type (`llm_prompts`): every one is kept; at most one per type is
/// active (a partial unique index), and none active means the type's built-in text. A new prompt
/// deactivates the old one in the same write transaction, so readers see one or the other; two
/// writers racing on PostgreSQL meet the index, and the later one deactivates the winner and tries
/// again (`create`).
package struct LLMPromptStore: Sendable {
    /// Longest system prompt accepted, in characters after trimming.
    package static let maxLength = 20_000

    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// The version recorded for a custom prompt.
    package static func version(id: Int) -> String { "custom-\(id)" }

    package func active(_ type: LLMPromptType) throws -> ActivePrompt {
        try database.read { sql in
            try sql.queryOne("SELECT * FROM llm_prompts WHERE prompt_type = ? AND is_active = 1", type.name).map(Self.prompt)
        } ?? .builtIn(type)
    }

    /// Stores `system` as the type's active prompt (the previous one kept, inactive). Row-level:
    /// the new row is inserted under the partial unique index (`ON CONFLICT … DO NOTHING`), so a
    /// writer that raced past the deactivation finds no row and no error, deactivates the one
    /// that won meanwhile and tries again: both writers succeed, the later one active.
    package func create(_ type: LLMPromptType, system: String, by: String?, now: Date) throws -> ActivePrompt {
        try database.concurrentWrite { sql in
            for _ in 0..<Self.attempts {
                _ = try sql.execute("UPDATE llm_prompts SET is_active = 0, deactivated_at = ? WHERE prompt_type = ? AND is_active = 1",
                                    now, type.name)
                if let row = try sql.queryOne("""
                    INSERT INTO llm_prompts (prompt_type, system_prompt, is_active, created_by, created_at) VALUES (?, ?, 1, ?, ?)
                    ON CONFLICT (prompt_type) WHERE is_active = 1 DO NOTHING RETURNING *
                    """, type.name, system, by, now) {
                    return try Self.prompt(row)
                }
            }
            throw BundleError(.unavailable, "the \(type.name) prompt is being changed by many requests at once; try again")
        }
    }

    /// How many times `create` tries: each miss means another writer's prompt became active in between.
    static let attempts = 16

    /// Deactivates the type's custom prompt (kept in the history); the built-in text applies again.
    @discardableResult
    package func revert(_ type: LLMPromptType, now: Date) throws -> Int {
        try database.write { sql in
            try sql.execute("UPDATE llm_prompts SET is_active = 0, deactivated_at = ? WHERE prompt_type = ? AND is_active = 1",
                            now, type.name)
        }
    }

    private static func prompt(_ row: Row) throws -> ActivePrompt {
        let id = try row.int("id")
        return ActivePrompt(type: try row.string("prompt_type"), system: try row.string("system_prompt"), version: version(id: id),
                            isCustom: true, id: id, createdBy: row.optionalString("created_by"), createdAt: try row.string("created_at"))
    }
}
