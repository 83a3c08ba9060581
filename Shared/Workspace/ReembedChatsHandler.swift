import Core
import Jobs
import Providers
import Runtime

/// `POST /api/conversations/reembed` (202, a job): embeds every conversation chunk that has no
/// vector of the configured model. Queued by imports whose embedding failed or was too large for
/// the request, by searches that find vectors missing, and after a model change; over HTTP it
/// queues the job, piped (or run by the worker) it does the work. Safe to repeat: only what is
/// missing is embedded.
package struct ReembedChatsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {}

    package struct Output: Codable, Sendable {
        var queued: Bool
        var jobID: Int?
        var embedded: Int
        var pending: Int
        var provider: String
        var model: String

        enum CodingKeys: String, CodingKey {
            case queued, embedded, pending, provider, model
            case jobID = "job_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "reembed-chats",
        summary: "Embeds the conversation chunks that have no vector of the configured model (a job; queued by imports and searches that find vectors missing).",
        routes: [Route("POST", "/api/conversations/reembed")],
        successStatus: 202,
        input: Schema.object([:], required: []),
        output: Schema.object([
            "queued": Schema.boolean("true when the call queued a job instead of embedding"), "job_id": Schema.nullable(Schema.integer(minimum: 1)),
            "embedded": Schema.integer(minimum: 0), "pending": Schema.integer(minimum: 0), "provider": Schema.string(), "model": Schema.string(),
        ]),
        timeoutSeconds: 900
    )

    package init() {}

    /// Queues the job once: an active one (queued or running) is reused. `hourly` (searches, which
    /// find the same missing vectors again and again) keys it by the hour, so chunks that can never
    /// be embedded queue at most one job an hour rather than one per search. Otherwise the key is
    /// `after:<the newest reembed-chats job>` (all finished, or one would be active): requests that
    /// race past the active-job look-up share it, so the queue's idempotency makes one job, and
    /// once that job is over the next request gets a new one.
    package static func enqueue(context: FunctionContext, hourly: Bool = false) throws -> Int {
        let queue = JobQueue(database: try context.database())
        let input: JSONValue = [:]
        if let active = try queue.activeJob(function: manifest.name, input: input) { return active.id }
        let now = context.clock.now()
        let newest = try queue.list(status: nil, function: manifest.name, before: nil, limit: 1).first?.id ?? 0
        let stamp = hourly ? "hour:" + Timestamp.format(now).prefix(13) : "after:\(newest)"
        return try queue.enqueue(.init(function: manifest.name, input: input, idempotencyKey: "reembed-chats:\(stamp)",
                                       maxAttempts: 5, timeoutSeconds: manifest.timeoutSeconds, principal: context.principal,
                                       requestID: context.requestID), now: now).job.id
    }

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let embedder = try context.embedder()
        if context.http != nil {
            return Output(queued: true, jobID: try Self.enqueue(context: context), embedded: 0, pending: 0, provider: embedder.provider,
                          model: embedder.model)
        }
        let report = try await ChatVectors.missing(database: try context.database(), embedder: embedder)
            .sync(deadline: context.deadline, now: context.clock.now())
        if let failure = report.failure { throw failure }
        context.logger.info("workspace.chunks_reembedded", ["embedded": .number(Double(report.embedded))])
        return Output(queued: false, jobID: context.jobID, embedded: report.embedded, pending: 0, provider: embedder.provider, model: embedder.model)
    }
}
