import Core

/// A streamed chat answer and what it took.
package struct LLMChatResult: Sendable {
    package var completion: LLMChatCompletion
    package var usage: LLMUsageSummary

    package init(completion: LLMChatCompletion, usage: LLMUsageSummary) {
        self.completion = completion
        self.usage = usage
    }
}

extension LLMClient {
    /// One streamed chat call under the concurrency limit, recorded in `llm_calls` under `step`
    /// with the client's prompt version, tokens and cost (a failed or cut call too, with what it
    /// had used). A cut or failed stream is rethrown as the `LLMStreamFailure` it is, so the
    /// caller can save the partial answer; cancellation (the deadline) is `timeout`; every other
    /// failure is the `BundleError` it means. Errors recorded and thrown are the providers'
    /// messages, which never hold a key. The answer (whole or partial) is returned with the
    /// configured secrets taken out of its text and tool arguments: `RedactingTransport` sees a
    /// 2xx stream piece by piece, so a key an upstream spread over two events is only whole here.
    /// (The pieces handed to `onEvent` as they arrive are not; the runtime's answer redactor and
    /// the event writer see those.)
    package func streamChat(_ request: LLMChatRequest, step: String, deadline: Deadline,
                            onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatResult {
        try await limiter.run {
            let started = ContinuousClock.now
            do {
                let completion = redacted(try await provider.streamChat(request, deadline: deadline, onEvent: onEvent))
                let latency = Self.milliseconds(since: started)
                recordCall(step: step, system: request.system, attempt: 1, model: completion.model, promptTokens: completion.promptTokens,
                           completionTokens: completion.completionTokens, latency: latency, outcome: .succeeded, error: nil)
                logger.info("llm.stream_done", ["step": .string(step), "provider": .string(provider.name),
                                                "model": .string(completion.model), "ms": .number(Double(latency))])
                return LLMChatResult(completion: completion, usage: usage(of: completion, latency: latency))
            } catch var failure as LLMStreamFailure {
                failure.partial = redacted(failure.partial)
                let latency = Self.milliseconds(since: started)
                recordFailure(failure.error, step: step, system: request.system, partial: failure.partial, latency: latency)
                throw failure
            } catch {
                let latency = Self.milliseconds(since: started)
                let bundleError = Self.bundleError(error)
                recordFailure(bundleError, step: step, system: request.system, partial: nil, latency: latency)
                throw bundleError
            }
        }
    }

    /// The answer without the configured secrets, in its text and its tool calls' arguments.
    private func redacted(_ completion: LLMChatCompletion) -> LLMChatCompletion {
        guard !redactor.isEmpty else { return completion }
        var completion = completion
        completion.text = redactor.redact(completion.text)
        for index in completion.toolCalls.indices {
            completion.toolCalls[index].arguments = redactor.redact(completion.toolCalls[index].arguments)
        }
        return completion
    }

    /// What a streamed call used, with its cost from the price table (nil for unknown models).
    private func usage(of completion: LLMChatCompletion, latency: Int) -> LLMUsageSummary {
        LLMUsageSummary(provider: provider.name, model: completion.model, attempts: 1,
                        promptTokens: completion.promptTokens ?? 0, completionTokens: completion.completionTokens ?? 0,
                        costUSD: prices.cost(model: completion.model, promptTokens: completion.promptTokens,
                                             completionTokens: completion.completionTokens),
                        latencyMs: latency)
    }

    private func recordFailure(_ error: BundleError, step: String, system: String, partial: LLMChatCompletion?, latency: Int) {
        recordCall(step: step, system: system, attempt: 1, model: partial?.model ?? provider.model, promptTokens: partial?.promptTokens,
                   completionTokens: partial?.completionTokens, latency: latency, outcome: .failed, error: error.message)
        logger.warning("llm.stream_failed", ["step": .string(step), "provider": .string(provider.name),
                                             "code": .string(error.code.rawValue), "ms": .number(Double(latency))])
    }

    private static func milliseconds(since started: ContinuousClock.Instant) -> Int {
        Int(started.duration(to: .now).milliseconds)
    }
}
