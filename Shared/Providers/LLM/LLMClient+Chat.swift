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
    /// with the client's prompt version, tokens and cost (a failed or cut call too).
    ///
    /// SKELETON (llm-stream helper): recording, errors, cancellation.
    package func streamChat(_ request: LLMChatRequest, step: String, deadline: Deadline,
                            onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> LLMChatResult {
        let completion = try await provider.streamChat(request, deadline: deadline, onEvent: onEvent)
        return LLMChatResult(completion: completion,
                             usage: LLMUsageSummary(provider: provider.name, model: completion.model, attempts: 1,
                                                    promptTokens: completion.promptTokens ?? 0, completionTokens: completion.completionTokens ?? 0,
                                                    costUSD: nil, latencyMs: 0))
    }
}
