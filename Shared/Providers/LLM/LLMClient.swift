import Core
import FoundationEssentials

/// Runs structured tasks: caps concurrency, calls the provider, checks the answer against the
/// schema, the Swift type and the task's own rules, asks once more with the problems listed when
/// it fails, and records every call. The one way functions talk to an LLM.
package struct LLMClient: Sendable {
    package let provider: any LLMProvider
    package let recorder: any LLMCallRecorder
    package let limiter: ConcurrencyLimiter
    package let prices: PriceTable
    package let function: String
    package let requestID: String?
    package let logger: Logger
    package let clock: BundleClock
    /// Configured secrets, taken out of a streamed answer once it is assembled (see `streamChat`).
    package let redactor: SecretRedactor
    /// The workflow recorded with each call (set with `workflow(_:)`); nil outside one.
    package private(set) var workflowName: String?
    /// The prompt version recorded with each call (set with `prompt(version:)`); nil records the
    /// built-in text's own version (`builtinPromptVersion`).
    package private(set) var promptVersion: String?

    package init(provider: any LLMProvider, recorder: any LLMCallRecorder, limiter: ConcurrencyLimiter = ConcurrencyLimiter(limit: 5),
                 prices: PriceTable = PriceTable(), function: String, requestID: String? = nil,
                 logger: Logger = .discarding, clock: BundleClock = .system, redactor: SecretRedactor = SecretRedactor(secrets: [])) {
        self.provider = provider
        self.recorder = recorder
        self.limiter = limiter
        self.prices = prices
        self.function = function
        self.requestID = requestID
        self.logger = logger
        self.clock = clock
        self.redactor = redactor
    }

    /// A copy whose calls are recorded under `name` (`try context.llm().workflow("research")`);
    /// each task's `step` names the step within it.
    package func workflow(_ name: String) -> LLMClient {
        var copy = self
        copy.workflowName = name
        return copy
    }

    /// A copy whose calls record `version` as the prompt version they used (a custom prompt's
    /// `custom-<id>`, a default's `default-<hash>`: see `LLMPrompts`).
    package func prompt(version: String) -> LLMClient {
        var copy = self
        copy.promptVersion = version
        return copy
    }

    /// The version recorded for a call made with no prompt version set: `builtin-` and the first
    /// 8 hex digits of the system text's SHA-256, so a changed text is a new version.
    package static func builtinPromptVersion(system: String) -> String {
        "builtin-" + SHA256.hex(Array(SHA256.hash(system).prefix(4)))
    }

    package func run<Task: StructuredTask>(_ task: Task, deadline: Deadline) async throws -> LLMResult<Task.Output> {
        try await limiter.run {
            try await runUnlimited(task, deadline: deadline)
        }
    }

    private func runUnlimited<Task: StructuredTask>(_ task: Task, deadline: Deadline) async throws -> LLMResult<Task.Output> {
        var messages = [LLMMessage(.user, task.prompt)]
        var totals = (prompt: 0, completion: 0, cost: Optional(0.0), latency: 0)
        var lastProblems: [ErrorDetail] = []
        for attempt in 1...2 {
            let request = LLMRequest(system: task.system, messages: messages, schemaName: task.schemaName, schema: task.schema,
                                     maxTokens: task.maxTokens, temperature: task.temperature,
                                     offlineAnswer: { (try? JSONValue(encoding: task.offlineAnswer())) ?? .null })
            let started = ContinuousClock.now
            let completion: LLMCompletion
            do {
                completion = try await provider.complete(request, deadline: deadline)
            } catch {
                let latency = Int(started.duration(to: .now).milliseconds)
                let bundleError = Self.bundleError(error)
                record(task, attempt: attempt, model: provider.model, prompt: nil, completion: nil, latency: latency,
                       outcome: .failed, error: bundleError.message)
                logger.warning("llm.failed", ["step": .string(task.step), "provider": .string(provider.name),
                                              "code": .string(bundleError.code.rawValue), "ms": .number(Double(latency))])
                throw bundleError
            }
            let latency = Int(started.duration(to: .now).milliseconds)
            let cost = prices.cost(model: completion.model, promptTokens: completion.promptTokens, completionTokens: completion.completionTokens)
            totals.prompt += completion.promptTokens ?? 0
            totals.completion += completion.completionTokens ?? 0
            totals.cost = totals.cost.flatMap { sum in cost.map { sum + $0 } }
            totals.latency += latency

            switch Self.check(completion.text, for: task) {
            case .success(let output):
                record(task, attempt: attempt, model: completion.model, prompt: completion.promptTokens,
                       completion: completion.completionTokens, latency: latency, outcome: .succeeded, error: nil)
                logger.info("llm.done", ["step": .string(task.step), "provider": .string(provider.name), "model": .string(completion.model),
                                         "attempt": .number(Double(attempt)), "ms": .number(Double(latency))])
                return LLMResult(output: output, provider: provider.name, model: completion.model, attempts: attempt,
                                 promptTokens: totals.prompt, completionTokens: totals.completion, costUSD: totals.cost,
                                 latencyMilliseconds: totals.latency)
            case .failure(let failure):
                let problems = failure.problems
                lastProblems = problems
                if provider.name == OfflineProvider().name {
                    // The offline rules are deterministic: asking again gives the same answer.
                    record(task, attempt: attempt, model: completion.model, prompt: 0, completion: 0, latency: latency,
                           outcome: .invalidOutput, error: Self.summary(problems))
                    throw BundleError(.internal, "the offline rules for \(task.step) produced an invalid answer: \(Self.summary(problems))",
                                      retryable: false)
                }
                record(task, attempt: attempt, model: completion.model, prompt: completion.promptTokens,
                       completion: completion.completionTokens, latency: latency, outcome: .invalidOutput,
                       error: Self.summary(problems))
                logger.warning("llm.invalid_output", ["step": .string(task.step), "provider": .string(provider.name),
                                                      "attempt": .number(Double(attempt)), "problems": .number(Double(problems.count))])
                messages.append(LLMMessage(.assistant, completion.text.isEmpty ? "(no answer)" : completion.text))
                messages.append(LLMMessage(.user, Self.repairPrompt(problems)))
            }
        }
        // Not retryable: the answer was already repaired once, and a retry would pay for both calls again.
        throw BundleError(.upstreamFailed, "the LLM's answer for \(task.step) failed validation twice: \(Self.summary(lastProblems))",
                          details: lastProblems, retryable: false)
    }

    /// Parses, schema-checks, decodes and rule-checks one answer.
    package static func check<Task: StructuredTask>(_ text: String, for task: Task) -> Result<Task.Output, ValidationProblems> {
        guard let json = extractJSON(text) else {
            return .failure(ValidationProblems([ErrorDetail(field: "$", problem: "the answer is not a JSON object")]))
        }
        let schemaProblems = SchemaValidator.validate(json, against: task.schema)
        if !schemaProblems.isEmpty { return .failure(ValidationProblems(schemaProblems)) }
        let output: Task.Output
        do {
            output = try json.decode(as: Task.Output.self)
        } catch {
            let (field, problem) = JSONCoding.describe(error)
            return .failure(ValidationProblems([ErrorDetail(field: "$." + (field ?? ""), problem: problem)]))
        }
        let ruleProblems = task.validate(output)
        return ruleProblems.isEmpty ? .success(output) : .failure(ValidationProblems(ruleProblems))
    }

    /// The JSON object in an answer, tolerating code fences or prose around it (servers that do
    /// not enforce structured output).
    package static func extractJSON(_ text: String) -> JSONValue? {
        if let value = try? JSONValue(parsing: text), case .object = value { return value }
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else { return nil }
        if let value = try? JSONValue(parsing: String(text[start...end])), case .object = value { return value }
        return nil
    }

    static func repairPrompt(_ problems: [ErrorDetail]) -> String {
        "Your previous answer did not pass validation:\n"
            + problems.prefix(20).map { "- \($0.field): \($0.problem)" }.joined(separator: "\n")
            + "\nAnswer again with the complete corrected JSON object only."
    }

    static func summary(_ problems: [ErrorDetail]) -> String {
        problems.prefix(5).map { "\($0.field) \($0.problem)" }.joined(separator: "; ")
    }

    static func bundleError(_ error: any Error) -> BundleError {
        if let error = error as? BundleError { return error }
        if let error = error as? any BundleErrorConvertible { return error.bundleError }
        if error is CancellationError { return BundleError(.timeout, "the LLM call was cancelled at the deadline") }
        return BundleError(.upstreamFailed, "the LLM call failed")
    }

    private func record<Task: StructuredTask>(_ task: Task, attempt: Int, model: String, prompt: Int?, completion: Int?,
                                              latency: Int, outcome: LLMCallRecord.Outcome, error: String?) {
        recordCall(step: task.step, system: task.system, attempt: attempt, model: model, promptTokens: prompt,
                   completionTokens: completion, latency: latency, outcome: outcome, error: error)
    }

    /// Records one call in `llm_calls` (structured and streamed calls alike): cost from the price
    /// table, the workflow and the prompt version this client carries. A failure to record is
    /// logged, never thrown: losing a usage row must not lose the answer.
    package func recordCall(step: String, system: String, attempt: Int, model: String, promptTokens: Int?, completionTokens: Int?,
                            latency: Int, outcome: LLMCallRecord.Outcome, error: String?) {
        let call = LLMCallRecord(createdAt: clock.now(), requestID: requestID, function: function, step: step,
                                 provider: provider.name, model: model, attempt: attempt, promptTokens: promptTokens,
                                 completionTokens: completionTokens,
                                 costUSD: prices.cost(model: model, promptTokens: promptTokens, completionTokens: completionTokens),
                                 latencyMilliseconds: latency, outcome: outcome, error: error.map { String($0.prefix(500)) },
                                 workflow: workflowName, promptVersion: promptVersion ?? Self.builtinPromptVersion(system: system))
        do {
            try recorder.record(call)
        } catch {
            logger.error("llm.record_failed", ["step": .string(step)])
        }
    }
}

/// Validation problems of one answer.
package struct ValidationProblems: Error, Sendable {
    package let problems: [ErrorDetail]
    package init(_ problems: [ErrorDetail]) { self.problems = problems }
}
