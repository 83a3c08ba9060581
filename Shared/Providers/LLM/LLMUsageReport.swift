import Core
import FoundationEssentials
import Store

/// Aggregates of `llm_calls` over a time range `[start, end)`.
package struct LLMUsageReport: Sendable {
    package struct Totals: Codable, Sendable, Hashable {
        package var calls: Int
        package var succeeded: Int
        package var invalidOutput: Int
        package var failed: Int
        package var promptTokens: Int
        package var completionTokens: Int
        package var costUSD: Double
        /// Calls whose model has no price: their cost is not in `cost_usd`.
        package var unpricedCalls: Int
        package var averageLatencyMs: Int

        enum CodingKeys: String, CodingKey {
            case calls, succeeded, failed
            case invalidOutput = "invalid_output"
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case costUSD = "cost_usd"
            case unpricedCalls = "unpriced_calls"
            case averageLatencyMs = "avg_latency_ms"
        }

        package static let schema: JSONValue = Schema.object([
            "calls": Schema.integer(minimum: 0),
            "succeeded": Schema.integer(minimum: 0),
            "invalid_output": Schema.integer("Answers that failed validation", minimum: 0),
            "failed": Schema.integer("Calls that got no usable answer (errors, timeouts)", minimum: 0),
            "prompt_tokens": Schema.integer(minimum: 0),
            "completion_tokens": Schema.integer(minimum: 0),
            "cost_usd": Schema.number("Estimated; excludes unpriced calls", minimum: 0),
            "unpriced_calls": Schema.integer(minimum: 0),
            "avg_latency_ms": Schema.integer(minimum: 0),
        ])
    }

    /// Totals for one function, or for one provider and model.
    package struct Group: Codable, Sendable, Hashable {
        package var function: String?
        package var provider: String?
        package var model: String?
        package var totals: Totals

        package static let schema: JSONValue = Schema.object([
            "function": Schema.nullable(Schema.string("Set in by_function")),
            "provider": Schema.nullable(Schema.string("Set in by_model")),
            "model": Schema.nullable(Schema.string("Set in by_model")),
            "totals": Totals.schema,
        ])
    }

    package var totals: Totals
    package var byFunction: [Group]
    package var byModel: [Group]

    private static let aggregates = """
        COUNT(*) AS calls,
        COALESCE(SUM(outcome = 'succeeded'), 0) AS succeeded,
        COALESCE(SUM(outcome = 'invalid_output'), 0) AS invalid_output,
        COALESCE(SUM(outcome = 'failed'), 0) AS failed,
        COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
        COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
        COALESCE(SUM(cost_usd), 0) AS cost_usd,
        COALESCE(SUM(cost_usd IS NULL), 0) AS unpriced_calls,
        COALESCE(AVG(latency_ms), 0) AS avg_latency_ms
        """

    package static func load(from database: any Database, start: Date, end: Date, function: String?) throws -> LLMUsageReport {
        var filter = "created_at >= ? AND created_at < ?"
        var arguments: [any SQLBindable] = [start, end]
        if let function {
            filter += " AND function = ?"
            arguments.append(function)
        }
        return try database.read { db in
            let total = try db.queryOne("SELECT \(aggregates) FROM llm_calls WHERE \(filter)", arguments)
            let functions = try db.query("""
                SELECT function, \(aggregates) FROM llm_calls WHERE \(filter)
                GROUP BY function ORDER BY cost_usd DESC, calls DESC, function
                """, arguments)
            let models = try db.query("""
                SELECT provider, model, \(aggregates) FROM llm_calls WHERE \(filter)
                GROUP BY provider, model ORDER BY cost_usd DESC, calls DESC, provider, model
                """, arguments)
            return LLMUsageReport(
                totals: try total.map(totals) ?? totals(Row(columns: [], values: [])),
                byFunction: try functions.map { Group(function: try $0.string("function"), totals: try totals($0)) },
                byModel: try models.map { Group(provider: try $0.string("provider"), model: try $0.string("model"), totals: try totals($0)) })
        }
    }

    private static func totals(_ row: Row) throws -> Totals {
        Totals(calls: row.optionalInt("calls") ?? 0, succeeded: row.optionalInt("succeeded") ?? 0,
               invalidOutput: row.optionalInt("invalid_output") ?? 0, failed: row.optionalInt("failed") ?? 0,
               promptTokens: row.optionalInt("prompt_tokens") ?? 0, completionTokens: row.optionalInt("completion_tokens") ?? 0,
               costUSD: ((row.optionalDouble("cost_usd") ?? 0) * 1_000_000).rounded() / 1_000_000,
               unpricedCalls: row.optionalInt("unpriced_calls") ?? 0,
               averageLatencyMs: Int((row.optionalDouble("avg_latency_ms") ?? 0).rounded()))
    }
}
