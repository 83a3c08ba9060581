import Core
import Providers
import Runtime
import Store

/// The upstreams research uses, each made only when a step needs it: web search, tier 1
/// (hybrid solution search), tier 2 (live MCP enrichment), the LLM client, a count of the
/// LLM calls made so far (for each step's `llm_calls`), and reference-architecture search (nil:
/// `match_solutions` does not ask for architectures). The handler takes the real ones from the
/// invocation context; tests hand in fakes with `context.provide(ResearchServices(...))`.
package struct ResearchServices: Sendable {
    package var search: @Sendable () throws -> any SearchProvider
    package var matching: @Sendable () throws -> any SolutionMatching
    package var enriching: @Sendable () throws -> any SolutionEnriching
    package var llm: @Sendable () throws -> LLMClient
    package var countLLMCalls: @Sendable () -> Int
    package var architectures: (@Sendable () throws -> any ReferenceArchitectureSearching)?

    package init(search: @escaping @Sendable () throws -> any SearchProvider, matching: @escaping @Sendable () throws -> any SolutionMatching,
                 enriching: @escaping @Sendable () throws -> any SolutionEnriching, llm: @escaping @Sendable () throws -> LLMClient,
                 countLLMCalls: @escaping @Sendable () -> Int,
                 architectures: (@Sendable () throws -> any ReferenceArchitectureSearching)? = nil) {
        self.search = search
        self.matching = matching
        self.enriching = enriching
        self.llm = llm
        self.countLLMCalls = countLLMCalls
        self.architectures = architectures
    }

    /// The calls recorded in `llm_calls` under this request id.
    package static func llmCallCounter(database: @escaping @Sendable () throws -> any Database, requestID: String) -> @Sendable () -> Int {
        {
            (try? database().read { sql in
                try sql.queryOne("SELECT COUNT(*) AS calls FROM llm_calls WHERE request_id = ?", requestID)?.int("calls")
            }) ?? 0
        }
    }
}

extension FunctionContext {
    /// Research's upstreams as configured (or as a test provided them).
    package func researchServices() -> ResearchServices {
        service(ResearchServices.self) { context in
            ResearchServices(search: { try context.search() }, matching: { try context.solutionMatching() },
                             enriching: { try context.solutionEnriching() },
                             llm: { try context.llm().workflow("research") },
                             countLLMCalls: ResearchServices.llmCallCounter(database: { try context.database() }, requestID: context.requestID),
                             architectures: { try context.referenceArchitectureSearching() })
        }
    }
}
