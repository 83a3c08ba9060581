import Core
import FoundationEssentials
import Store
import Synchronization

/// One row of `llm_calls`: every call, failed ones included.
package struct LLMCallRecord: Sendable, Hashable {
    package enum Outcome: String, Sendable { case succeeded, invalidOutput = "invalid_output", failed }

    package var createdAt: Date
    package var requestID: String?
    package var function: String
    package var step: String
    /// The workflow the call was made for (`research`), nil outside one.
    package var workflow: String?
    /// The prompt version the call used (`custom-3`, `default-1a2b3c4d`, `builtin-…`).
    package var promptVersion: String?
    package var provider: String
    package var model: String
    package var attempt: Int
    package var promptTokens: Int?
    package var completionTokens: Int?
    package var costUSD: Double?
    package var latencyMilliseconds: Int
    package var outcome: Outcome
    package var error: String?

    package init(createdAt: Date, requestID: String? = nil, function: String, step: String, provider: String, model: String,
                 attempt: Int = 1, promptTokens: Int? = nil, completionTokens: Int? = nil, costUSD: Double? = nil,
                 latencyMilliseconds: Int, outcome: Outcome, error: String? = nil, workflow: String? = nil,
                 promptVersion: String? = nil) {
        self.createdAt = createdAt
        self.requestID = requestID
        self.function = function
        self.step = step
        self.workflow = workflow
        self.promptVersion = promptVersion
        self.provider = provider
        self.model = model
        self.attempt = attempt
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.costUSD = costUSD
        self.latencyMilliseconds = latencyMilliseconds
        self.outcome = outcome
        self.error = error
    }
}

/// Where LLM calls are recorded.
package protocol LLMCallRecorder: Sendable {
    func record(_ call: LLMCallRecord) throws
}

/// Records into the database's `llm_calls` table.
package struct DatabaseLLMCallRecorder: LLMCallRecorder {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    package func record(_ call: LLMCallRecord) throws {
        try database.write { db in
            try db.execute("""
                INSERT INTO llm_calls (created_at, request_id, function, workflow, step, provider, model, attempt,
                    prompt_tokens, completion_tokens, cost_usd, latency_ms, outcome, error, prompt_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [call.createdAt, call.requestID, call.function, call.workflow, call.step, call.provider, call.model, call.attempt,
                      call.promptTokens, call.completionTokens, call.costUSD, call.latencyMilliseconds,
                      call.outcome.rawValue, call.error, call.promptVersion])
        }
    }
}

/// Keeps records in memory (unit tests).
package final class InMemoryLLMCallRecorder: LLMCallRecorder {
    private let storage = Mutex<[LLMCallRecord]>([])
    package init() {}
    package func record(_ call: LLMCallRecord) throws { storage.withLock { $0.append(call) } }
    package var records: [LLMCallRecord] { storage.withLock { $0 } }
}
