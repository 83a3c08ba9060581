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

    /// Totals for one function, for one provider and model, or for one workflow step.
    package struct Group: Codable, Sendable, Hashable {
        package var function: String?
        package var provider: String?
        package var model: String?
        package var workflow: String?
        package var step: String?
        package var totals: Totals

        package init(function: String? = nil, provider: String? = nil, model: String? = nil, workflow: String? = nil, step: String? = nil,
                     totals: Totals) {
            self.function = function
            self.provider = provider
            self.model = model
            self.workflow = workflow
            self.step = step
            self.totals = totals
        }

        package static let schema: JSONValue = Schema.object([
            "function": Schema.nullable(Schema.string("Set in by_function")),
            "provider": Schema.nullable(Schema.string("Set in by_model")),
            "model": Schema.nullable(Schema.string("Set in by_model")),
            "workflow": Schema.nullable(Schema.string("Set in by_workflow (calls made in a workflow)")),
            "step": Schema.nullable(Schema.string("Set in by_workflow: the workflow's step")),
            "totals": Totals.schema,
        ])
    }

    package var totals: Totals
    package var byFunction: [Group]
    package var byModel: [Group]
    /// Calls made inside a workflow, per workflow and step (most expensive first).
    package var byWorkflow: [Group]

    private static let aggregates = """
        COUNT(*) AS calls,
        COUNT(*) FILTER (WHERE outcome = 'succeeded') AS succeeded,
        COUNT(*) FILTER (WHERE outcome = 'invalid_output') AS invalid_output,
        COUNT(*) FILTER (WHERE outcome = 'failed') AS failed,
        COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
        COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
        COALESCE(SUM(cost_usd), 0) AS cost_usd,
        COUNT(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        COALESCE(AVG(latency_ms), 0) AS avg_latency_ms
        """

    package static func load(from database: any Database, start: Date, end: Date, function: String?,
                             workflow: String? = nil) throws -> LLMUsageReport {
        var filter = "created_at >= ? AND created_at < ?"
        var arguments: [any SQLBindable] = [start, end]
        if let function {
            filter += " AND function = ?"
            arguments.append(function)
        }
        if let workflow {
            filter += " AND workflow = ?"
            arguments.append(workflow)
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
            let steps = try db.query("""
                SELECT workflow, step, \(aggregates) FROM llm_calls WHERE \(filter) AND workflow IS NOT NULL
                GROUP BY workflow, step ORDER BY cost_usd DESC, calls DESC, workflow, step
                """, arguments)
            return LLMUsageReport(
                totals: try total.map(totals) ?? totals(Row(columns: [], values: [])),
                byFunction: try functions.map { Group(function: try $0.string("function"), totals: try totals($0)) },
                byModel: try models.map { Group(provider: try $0.string("provider"), model: try $0.string("model"), totals: try totals($0)) },
                byWorkflow: try steps.map { Group(workflow: try $0.string("workflow"), step: try $0.string("step"), totals: try totals($0)) })
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
