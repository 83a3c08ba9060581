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

    /// Totals for one UTC day (`YYYY-MM-DD`).
    package struct Day: Codable, Sendable, Hashable {
        package var day: String
        package var totals: Totals

        package static let schema: JSONValue = Schema.object([
            "day": Schema.string("A UTC day, YYYY-MM-DD"),
            "totals": Totals.schema,
        ])
    }

    /// Windows of at most this many days list every day (zeros included), so a chart has no gaps;
    /// longer windows list the days with calls only.
    package static let everyDayLimit = 400

    package var totals: Totals
    package var byFunction: [Group]
    package var byModel: [Group]
    /// Calls made inside a workflow, per workflow and step (most expensive first).
    package var byWorkflow: [Group]
    /// Per UTC day, oldest first.
    package var byDay: [Day]

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
            // Stored times are ISO-8601 UTC text on both backends: the day is its first ten characters.
            let days = try db.query("""
                SELECT SUBSTR(created_at, 1, 10) AS day, \(aggregates) FROM llm_calls WHERE \(filter)
                GROUP BY SUBSTR(created_at, 1, 10) ORDER BY day
                """, arguments)
            let recorded = try days.map { Day(day: try $0.string("day"), totals: try totals($0)) }
            return LLMUsageReport(
                totals: try total.map(totals) ?? totals(Row(columns: [], values: [])),
                byFunction: try functions.map { Group(function: try $0.string("function"), totals: try totals($0)) },
                byModel: try models.map { Group(provider: try $0.string("provider"), model: try $0.string("model"), totals: try totals($0)) },
                byWorkflow: try steps.map { Group(workflow: try $0.string("workflow"), step: try $0.string("step"), totals: try totals($0)) },
                byDay: everyDay(recorded, start: start, end: end))
        }
    }

    /// The recorded days with the days between them that had no calls, from the window's first day
    /// to the day holding its (exclusive) end; only the recorded ones for a window over `everyDayLimit` days.
    static func everyDay(_ recorded: [Day], start: Date, end: Date) -> [Day] {
        let first = (start.timeIntervalSince1970 / 86_400).rounded(.down)
        let last = ((end.timeIntervalSince1970 - 0.001) / 86_400).rounded(.down)
        guard last >= first, last - first < Double(everyDayLimit) else { return recorded }
        let byName = Dictionary(recorded.map { ($0.day, $0.totals) }, uniquingKeysWith: { first, _ in first })
        let zero = Totals(calls: 0, succeeded: 0, invalidOutput: 0, failed: 0, promptTokens: 0, completionTokens: 0, costUSD: 0,
                          unpricedCalls: 0, averageLatencyMs: 0)
        return (Int(first)...Int(last)).map { index in
            let day = Timestamp.formatDay(Date(timeIntervalSince1970: Double(index) * 86_400))
            return Day(day: day, totals: byName[day] ?? zero)
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
