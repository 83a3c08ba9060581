import Core
import Providers
import Runtime
import Store
import Synchronization

/// The upstreams outreach uses, each made only when a step needs it: the LLM client, the search
/// over past wins and the disallowed claims in force. Handlers take the real ones from the invocation context; tests hand
/// in fakes with `context.provide(OutreachServices(...))`.
package struct OutreachServices: Sendable {
    package var llm: @Sendable () throws -> LLMClient
    package var similarWins: @Sendable () throws -> any SimilarWinsSearching
    package var disallowedClaims: [String]

    package init(llm: @escaping @Sendable () throws -> LLMClient, similarWins: @escaping @Sendable () throws -> any SimilarWinsSearching,
                 disallowedClaims: [String]) {
        self.llm = llm
        self.similarWins = similarWins
        self.disallowedClaims = disallowedClaims
    }
}

extension FunctionContext {
    /// Outreach's upstreams as configured (or as a test provided them).
    package func outreachServices() -> OutreachServices {
        service(OutreachServices.self) { context in
            OutreachServices(llm: { try context.llm().workflow(OutreachWorkflow.name) }, similarWins: { try context.similarWinsSearching() },
                             disallowedClaims: OutreachChecks.disallowedClaims(config: context.config))
        }
    }
}

/// Counts the LLM calls one outreach run makes (its steps' `llm_calls`), forwarding each record:
/// runs drafted side by side in one process (event invitations) each count only their own.
final class CountingLLMRecorder: LLMCallRecorder {
    let base: any LLMCallRecorder
    private let calls = Mutex(0)

    init(base: any LLMCallRecorder) { self.base = base }

    var count: Int { calls.withLock { $0 } }

    func record(_ call: LLMCallRecord) throws {
        calls.withLock { $0 += 1 }
        try base.record(call)
    }

    /// The client with this recorder, keeping its provider, limiter and workflow name.
    static func counting(_ client: LLMClient) -> (LLMClient, CountingLLMRecorder) {
        let recorder = CountingLLMRecorder(base: client.recorder)
        var counted = LLMClient(provider: client.provider, recorder: recorder, limiter: client.limiter, prices: client.prices,
                                function: client.function, requestID: client.requestID, logger: client.logger, clock: client.clock)
        if let name = client.workflowName { counted = counted.workflow(name) }
        return (counted, recorder)
    }
}
