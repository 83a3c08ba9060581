import Core
import Providers
import Runtime
import Store

/// What event matching uses, each made only when a step needs it: the embedder, the LLM client,
/// the outreach workflow (through `OutreachDrafting`, so tests hand in a fake), how many calls
/// run at once (`MAX_CONCURRENT_LLM_CALLS`, default 5) and a count of the LLM calls made so far.
/// The handler takes the real ones from the context; tests use `context.provide(EventMatchServices(...))`.
package struct EventMatchServices: Sendable {
    package var embedder: @Sendable () throws -> any Embedder
    package var llm: @Sendable () throws -> LLMClient
    package var outreach: @Sendable () throws -> any OutreachDrafting
    package var concurrency: Int
    package var countLLMCalls: @Sendable () -> Int

    package init(embedder: @escaping @Sendable () throws -> any Embedder, llm: @escaping @Sendable () throws -> LLMClient,
                 outreach: @escaping @Sendable () throws -> any OutreachDrafting, concurrency: Int,
                 countLLMCalls: @escaping @Sendable () -> Int) {
        self.embedder = embedder
        self.llm = llm
        self.outreach = outreach
        self.concurrency = max(1, concurrency)
        self.countLLMCalls = countLLMCalls
    }
}

extension FunctionContext {
    /// Event matching's services as configured (or as a test provided them).
    package func eventMatchServices() throws -> EventMatchServices {
        let concurrency = try config.int("MAX_CONCURRENT_LLM_CALLS", default: 5, in: 1...100)
        return service(EventMatchServices.self) { context in
            EventMatchServices(embedder: { try context.embedder() }, llm: { try context.llm().workflow(EventMatchWorkflow.name) },
                               outreach: { try context.outreachDrafting() }, concurrency: concurrency,
                               countLLMCalls: ResearchServices.llmCallCounter(database: { try context.database() }, requestID: context.requestID))
        }
    }
}

/// Runs `work` over `items` with at most `width` at once (a task group kept at that width), and
/// returns the results in the items' order. `done` is told each completion (count so far).
package enum BoundedFanOut {
    package static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], width: Int, done: (Int) -> Void = { _ in },
        _ work: @escaping @Sendable (Item) async -> Result
    ) async -> [Result] {
        var results = [Result?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            var finished = 0
            while next < min(max(1, width), items.count) {
                let (index, item) = (next, items[next])
                group.addTask { (index, await work(item)) }
                next += 1
            }
            while let (index, result) = await group.next() {
                results[index] = result
                finished += 1
                done(finished)
                if next < items.count {
                    let (index, item) = (next, items[next])
                    group.addTask { (index, await work(item)) }
                    next += 1
                }
            }
        }
        return results.compactMap { $0 }
    }
}
