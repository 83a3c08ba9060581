import Core
import Providers
import Runtime

/// `POST /llm/check`: one structured LLM round trip through the selected provider (a brief of
/// the given text), to check that keys, base URL, model and structured output work. The call is
/// recorded in `llm_calls` like any other.
package struct LLMCheckHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        package var text: String?
        package init(text: String? = nil) { self.text = text }
    }

    package struct Output: Codable, Sendable {
        var provider: String
        var brief: BriefTask.Output
        var llm: LLMUsageSummary
    }

    package static let maxTextCharacters = 50_000

    package static let sampleText = """
        Call with Dana Reyes, VP Operations at Northwind Logistics. Their dispatch team still plans routes \
        in spreadsheets, and late deliveries rose 12% this quarter, which worries the board. Dana liked the \
        live-tracking demo and agreed that automated rerouting could cut overtime. Procurement needs a security \
        review before any pilot. We will send the SOC 2 report by Friday and schedule a pilot scoping call with \
        their IT lead next week.
        """

    package static let manifest = FunctionManifest(
        name: "llm-check",
        summary: "Runs one structured LLM call (a brief of the given text) through the selected provider and reports it.",
        routes: [Route("POST", "/llm/check")],
        input: Schema.object([
            "text": Schema.string("Text to brief (default: a built-in sample of meeting notes)", maxLength: maxTextCharacters),
        ], required: []),
        output: Schema.object([
            "provider": Schema.string("openai, anthropic or offline"),
            "brief": BriefTask.outputSchema,
            "llm": LLMUsageSummary.schema,
        ]),
        timeoutSeconds: 120
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let text = input.text?.trimmingWhitespace() ?? Self.sampleText
        if text.isEmpty { throw BundleError.validation(field: "text", "must not be empty") }
        if text.count > Self.maxTextCharacters {
            throw BundleError.validation(field: "text", "must have at most \(Self.maxTextCharacters) characters")
        }
        let result = try await context.llm().run(BriefTask(text: text), deadline: context.deadline)
        return Output(provider: result.provider, brief: result.output, llm: result.usage)
    }
}
