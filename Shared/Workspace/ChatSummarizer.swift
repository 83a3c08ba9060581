import Core
import Providers

/// Summarises one conversation from its chunks, map-reduce style: a chat of one chunk is one
/// call; a longer one is one call per chunk (map, all started at once, the LLM client's limiter
/// bounding how many run) and then one call combining the part summaries (reduce). When the part
/// summaries together exceed `reduceBudget` characters, consecutive ones are combined in groups
/// that fit first, level by level, until one call can read them all. A failing call stops the
/// run (the other calls of its level are cancelled) and is reported as a `StepFailure` naming the
/// step and the part.
package struct ChatSummarizer: Sendable {
    package struct Summary: Sendable, Equatable {
        package var text: String
        package var provider: String
        package var model: String
        package var chunkCount: Int
        package var calls: Int
        /// The version of the system prompt that made it (nil: the built-in text's).
        package var promptVersion: String?

        package init(text: String, provider: String, model: String, chunkCount: Int, calls: Int, promptVersion: String? = nil) {
            self.promptVersion = promptVersion
            self.text = text
            self.provider = provider
            self.model = model
            self.chunkCount = chunkCount
            self.calls = calls
        }
    }

    /// Which step failed (`whole`, `map`, `reduce`), where, and the error it failed with.
    package struct StepFailure: Error, Sendable {
        package var step: String
        package var detail: String
        package var error: BundleError

        package var message: String { "the \(step) step failed (\(detail)): \(error.message)" }
    }

    /// What the text of an offline summary starts with, so no one takes chosen sentences for a model's prose.
    package static let offlineLabel = "Offline summary (sentences chosen from the chat):"

    package let llm: LLMClient
    package let reduceBudget: Int
    /// At most this many map calls: a longer chat's consecutive chunks are read several per call,
    /// so the cost of one summary is bounded however long the chat is.
    package let maxMapCalls: Int
    /// The system prompt of every call and its version (the active `summary` prompt).
    package let prompt: ActivePrompt

    package init(llm: LLMClient, reduceBudget: Int = 12_000, maxMapCalls: Int = 100,
                 prompt: ActivePrompt = .builtIn(ChatSummaryPrompt.promptType)) {
        self.prompt = prompt
        self.llm = llm
        self.reduceBudget = max(1_000, reduceBudget)
        self.maxMapCalls = max(2, maxMapCalls)
    }

    package func summarize(title: String, chunks: [String], deadline: Deadline) async throws -> Summary {
        guard !chunks.isEmpty else {
            throw StepFailure(step: "read", detail: "no chunks", error: BundleError(.internal, "the conversation has no chunks to summarise", retryable: false))
        }
        var calls = 0
        let last: LLMResult<ChatSummaryTask.Output>
        if chunks.count == 1 {
            last = try await run([ChatSummaryTask(mode: .whole, title: title, texts: chunks, system: prompt.system)], step: "whole",
                                 deadline: deadline)[0]
            calls = 1
        } else {
            let perCall = (chunks.count + maxMapCalls - 1) / maxMapCalls
            let parts = stride(from: 0, to: chunks.count, by: perCall).map { Array(chunks[$0..<min($0 + perCall, chunks.count)]) }
            let maps = parts.enumerated().map {
                ChatSummaryTask(mode: .map, title: title, texts: $0.element, part: $0.offset + 1, parts: parts.count, system: prompt.system)
            }
            var level = try await run(maps, step: "map", deadline: deadline).map(\.output.summary)
            calls += maps.count
            var depth = 1
            while level.count > 2, Self.length(level) > reduceBudget {
                var groups = Self.pack(level, budget: reduceBudget)
                if groups.count == level.count { groups = stride(from: 0, to: level.count, by: 2).map { Array(level[$0..<min($0 + 2, level.count)]) } }
                // A group of one summary passes to the next level as it is.
                let combined = groups.filter { $0.count > 1 }
                let tasks = combined.enumerated().map {
                    ChatSummaryTask(mode: .reduce, title: title, texts: $0.element, part: $0.offset + 1, parts: combined.count, isFinal: false,
                                    system: prompt.system)
                }
                var answers = try await run(tasks, step: "reduce", level: depth, deadline: deadline).map(\.output.summary).makeIterator()
                level = groups.map { $0.count == 1 ? $0[0] : answers.next() ?? "" }
                calls += tasks.count
                depth += 1
            }
            last = try await run([ChatSummaryTask(mode: .reduce, title: title, texts: level, system: prompt.system)], step: "reduce",
                                 level: depth, deadline: deadline)[0]
            calls += 1
        }
        var text = last.output.summary.trimmingWhitespace()
        if last.provider == OfflineProvider().name { text = Self.offlineLabel + " " + text }
        return Summary(text: text, provider: last.provider, model: last.model, chunkCount: chunks.count, calls: calls,
                       promptVersion: prompt.version)
    }

    /// Consecutive summaries in groups whose joined length fits the budget (a summary longer
    /// than the budget is a group of its own).
    static func pack(_ summaries: [String], budget: Int) -> [[String]] {
        var groups: [[String]] = []
        var current: [String] = []
        var size = 0
        for summary in summaries {
            if !current.isEmpty, size + summary.count + 2 > budget {
                groups.append(current)
                current = []
                size = 0
            }
            current.append(summary)
            size += summary.count + 2
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    static func length(_ summaries: [String]) -> Int {
        summaries.reduce(0) { $0 + $1.count + 2 }
    }

    /// Runs the tasks at once (the client's limiter bounds them) and returns the answers in order,
    /// or throws the first failure, naming the step and part, after cancelling the rest.
    private func run(_ tasks: [ChatSummaryTask], step: String, level: Int? = nil,
                     deadline: Deadline) async throws -> [LLMResult<ChatSummaryTask.Output>] {
        let llm = self.llm
        var results = [LLMResult<ChatSummaryTask.Output>?](repeating: nil, count: tasks.count)
        var failure: (index: Int, error: BundleError)?
        await withTaskGroup(of: (Int, Result<LLMResult<ChatSummaryTask.Output>, BundleError>).self) { group in
            for (index, task) in tasks.enumerated() {
                group.addTask { (index, await Self.attempt(task, llm: llm, deadline: deadline)) }
            }
            while let (index, outcome) = await group.next() {
                switch outcome {
                case .success(let result): results[index] = result
                case .failure(let error):
                    // The first failure is the cause; the ones after it come from cancelling the rest.
                    if failure == nil { failure = (index, error) }
                    group.cancelAll()
                }
            }
        }
        if let failure {
            let task = tasks[failure.index]
            var detail = step == "map" ? "\(task.texts.count == 1 ? "chunk" : "part") \(task.part) of \(task.parts)" : tasks.count > 1 ? "group \(task.part) of \(task.parts)" : "combining \(task.texts.count) part summaries"
            if let level, step == "reduce" { detail += ", level \(level)" }
            throw StepFailure(step: step, detail: detail, error: failure.error)
        }
        return results.compactMap { $0 }
    }

    private static func attempt(_ task: ChatSummaryTask, llm: LLMClient,
                                deadline: Deadline) async -> Result<LLMResult<ChatSummaryTask.Output>, BundleError> {
        do {
            return .success(try await llm.run(task, deadline: deadline))
        } catch {
            return .failure(BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the LLM call failed")))
        }
    }
}
