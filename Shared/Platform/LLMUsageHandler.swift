import Core
import FoundationEssentials
import Providers
import Runtime
import Store

/// `GET /metrics/llm-usage`: calls, tokens, estimated cost and latency of recorded LLM calls in a
/// time range (default: the last 30 days), in total and per function, per model, per workflow
/// step and per day. Also `GET /api/v1/metrics/llm-usage`, where the sales assistant's users know it.
package struct LLMUsageHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var startDate: String?
        var endDate: String?
        var function: String?
        var workflow: String?

        enum CodingKeys: String, CodingKey {
            case startDate = "start_date"
            case endDate = "end_date"
            case function, workflow
        }
    }

    package struct Output: Codable, Sendable {
        var start: String
        var end: String
        var function: String?
        var workflow: String?
        var totals: LLMUsageReport.Totals
        var byFunction: [LLMUsageReport.Group]
        var byModel: [LLMUsageReport.Group]
        var byWorkflow: [LLMUsageReport.Group]
        var byDay: [LLMUsageReport.Day]

        enum CodingKeys: String, CodingKey {
            case start, end, function, workflow, totals
            case byFunction = "by_function"
            case byModel = "by_model"
            case byWorkflow = "by_workflow"
            case byDay = "by_day"
        }
    }

    package static let manifest = FunctionManifest(
        name: "llm-usage",
        summary: "Totals of recorded LLM calls (tokens, estimated cost, latency, outcomes) per function, model and workflow step.",
        routes: [Route("GET", "/metrics/llm-usage"), .alias("/api/v1/metrics/llm-usage", of: Route("GET", "/metrics/llm-usage"))],
        input: Schema.object([
            "start_date": Schema.string("Start, inclusive: YYYY-MM-DD or an ISO-8601 time. Default: 30 days before end_date."),
            "end_date": Schema.string("End: YYYY-MM-DD (the whole day is included) or an ISO-8601 time. Default: now."),
            "function": Schema.string("Only calls made by this function"),
            "workflow": Schema.string("Only calls made in this workflow (e.g. research)", maxLength: 100),
        ], required: []),
        output: Schema.object([
            "start": Schema.string(format: "date-time"),
            "end": Schema.string(format: "date-time"),
            "function": Schema.nullable(Schema.string()),
            "workflow": Schema.nullable(Schema.string()),
            "totals": LLMUsageReport.Totals.schema,
            "by_function": Schema.array(LLMUsageReport.Group.schema),
            "by_model": Schema.array(LLMUsageReport.Group.schema),
            "by_workflow": Schema.array(LLMUsageReport.Group.schema, "Calls made in a workflow, per workflow and step"),
            "by_day": Schema.array(LLMUsageReport.Day.schema,
                                   "Per UTC day, oldest first: every day of a window up to \(LLMUsageReport.everyDayLimit) days (zeros included), else the days with calls"),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let now = context.clock.now()
        var problems: [ErrorDetail] = []
        // The default end is just past now, so a call recorded this very millisecond counts.
        let end = Self.bound(input.endDate, field: "end_date", endOfDay: true, problems: &problems) ?? now.addingTimeInterval(0.001)
        let start = Self.bound(input.startDate, field: "start_date", endOfDay: false, problems: &problems)
            ?? end.addingTimeInterval(-30 * 86_400)
        if problems.isEmpty, start > end {
            problems.append(ErrorDetail(field: "start_date", problem: "must not be after end_date"))
        }
        if !problems.isEmpty { throw BundleError.validation(problems) }

        let report = try LLMUsageReport.load(from: try context.database(), start: start, end: end, function: input.function,
                                          workflow: input.workflow)
        return Output(start: Timestamp.format(start), end: Timestamp.format(end), function: input.function, workflow: input.workflow,
                      totals: report.totals, byFunction: report.byFunction, byModel: report.byModel, byWorkflow: report.byWorkflow, byDay: report.byDay)
    }

    /// A day means its start for `start_date` and the start of the next day for `end_date`.
    private static func bound(_ text: String?, field: String, endOfDay: Bool, problems: inout [ErrorDetail]) -> Date? {
        guard let text = text?.trimmingWhitespace(), !text.isEmpty else { return nil }
        guard let date = Timestamp.parse(text) else {
            problems.append(ErrorDetail(field: field, problem: "must be a date (YYYY-MM-DD) or an ISO-8601 time, got \"\(text.prefix(40))\""))
            return nil
        }
        return endOfDay && text.count == 10 ? date.addingTimeInterval(86_400) : date
    }
}
