import Core
import Foundation
import Providers
import Runtime
import Synchronization
import TestSupport
import Workspace

/// An LLM that answers every summary call with a numbered summary and counts the calls by mode
/// (read from the prompt), optionally failing the map call of one part.
final class CountingLLM: LLMProvider {
    let name = "fake"
    let model = "fake-model-1"
    let failPart: Int?
    let answerLength: Int
    private let counts = Mutex<[String: Int]>([:])

    init(failPart: Int? = nil, answerLength: Int = 40) {
        self.failPart = failPart
        self.answerLength = answerLength
    }

    func count(_ mode: String) -> Int { counts.withLock { $0[mode, default: 0] } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }

    func complete(_ request: LLMRequest, deadline: Deadline) async throws -> LLMCompletion {
        let prompt = request.messages.first?.content ?? ""
        let mode = prompt.hasPrefix("This is part") ? "map" : prompt.hasPrefix("These are summaries") ? "reduce" : "whole"
        if mode == "map", let failPart, prompt.hasPrefix("This is part \(failPart) of") {
            throw BundleError(.upstreamFailed, "fake answered HTTP 500")
        }
        let number = counts.withLock { counts -> Int in
            counts[mode, default: 0] += 1
            return counts.values.reduce(0, +)
        }
        let text = String(String(repeating: "Summary \(mode) \(number). ", count: answerLength / 10 + 1).prefix(answerLength))
        return LLMCompletion(text: JSONValue.object(["summary": .string(text)]).jsonText, model: model, promptTokens: 10, completionTokens: 5)
    }
}

extension WorkspaceHarness {
    /// A context whose LLM client is `provider` (recording into this database's `llm_calls`).
    func context(llm provider: any LLMProvider, _ values: [String: String] = [:], http: JSONValue? = nil,
                 function: String = "get-chat-summary", now: String = WorkspaceHarness.now) -> FunctionContext {
        let clock = BundleClock(frozenAt: Timestamp.parse(now)!)
        let client = LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: database), function: function,
                               requestID: "req-summary", clock: clock)
        return FunctionContext(function: function, requestID: "req-summary", config: Config(values), clock: clock, logger: .discarding,
                               deadline: Deadline(seconds: 60), http: http, database: database, transport: NoNetwork(), llm: client)
    }

    /// A context for the offline provider (no key configured).
    func offlineContext(_ values: [String: String] = [:], http: JSONValue? = nil) -> FunctionContext {
        context(llm: OfflineProvider(), values, http: http)
    }
}

/// Conversations for the summary tests: a short one, and long ones whose messages are each about
/// 3,000 characters so that every chunker cuts at least one chunk per message.
enum SummaryChats {
    static func short(id: String = "short-1", answer: String = "Lisbon in May is warm and the crowds are smaller than in summer.") -> ImportedConversation {
        ImportedConversation(source: .chatgpt, sourceID: id, title: "Trip planning", model: "gpt-4o", messages: [
            ImportedMessage(id: "m1", role: "user", content: "Where should I travel in May with a small budget?"),
            ImportedMessage(id: "m2", role: "assistant", content: answer + " Porto is cheaper, and the trains between them are fast."),
        ])
    }

    static func long(id: String = "long-1", messages: Int = 4, topic: String = "pricing") -> ImportedConversation {
        let bodies = (0..<messages).map { index in
            (0..<30).map { line in
                "Point \(index)-\(line): the team reviewed the \(topic) of plan \(index) and agreed that option \(line % 7) fits the budget best."
            }.joined(separator: " ")
        }
        return ImportedConversation(source: .claude, sourceID: id, title: "Budget review", messages: bodies.enumerated().map {
            ImportedMessage(id: "m\($0.offset)", role: $0.offset % 2 == 0 ? "user" : "assistant", content: $0.element)
        })
    }
}
