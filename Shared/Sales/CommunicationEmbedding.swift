import Core
import Jobs
import Providers
import Retrieval
import Runtime

/// What happened to a stored batch's vectors, in the answer (the shared `EmbeddingReport`: the
/// communications are searchable by words either way).
package typealias CommunicationEmbedding = EmbeddingReport

extension EmbeddingReport {
    /// The communication chunks' vectors: embedded now when at most
    /// `CommunicationVectors.inlineLimit` lack one, else (or on any failure) by the
    /// `reembed-communications` job. Never throws.
    static func run(communicationChunkIDs chunkIDs: [Int], context: FunctionContext) async -> EmbeddingReport {
        await settle(ids: chunkIDs, subject: Subject(items: "chunks", stored: "the communications are stored and searchable by words",
                                                    route: "POST /api/v1/communications/reembed", inlineLimit: CommunicationVectors.inlineLimit),
                     deadline: context.deadline, now: context.clock.now(), logger: context.logger,
                     vectors: { CommunicationVectors(database: try context.database(), embedder: try context.embedder()).missingVectors },
                     enqueue: { try ReembedCommunicationsHandler.enqueue(context: context) })
    }
}

/// `POST /api/v1/communications/reembed` (202, a job): embeds every communication chunk that has
/// no vector of the configured model. Queued by uploads whose embedding failed or was too large
/// for the request, and after a model change; over HTTP it queues the job, piped (or run by the
/// worker) it does the work. Safe to repeat: only what is missing is embedded.
package struct ReembedCommunicationsHandler: FunctionHandler {
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
        name: "reembed-communications",
        summary: "Embeds the communication chunks that have no vector of the configured model (a job; queued by uploads whose embedding failed).",
        routes: [Route("POST", "/api/v1/communications/reembed")],
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
    /// be embedded queue at most one job an hour rather than one per search.
    static func enqueue(context: FunctionContext, hourly: Bool = false) throws -> Int {
        let queue = JobQueue(database: try context.database())
        let input: JSONValue = [:]
        if let active = try queue.activeJob(function: manifest.name, input: input) { return active.id }
        let now = context.clock.now()
        let stamp = hourly ? "hour:" + Timestamp.format(now).prefix(13) : Timestamp.format(now)
        return try queue.enqueue(.init(function: manifest.name, input: input, idempotencyKey: "reembed-communications:\(stamp)",
                                       maxAttempts: 5, timeoutSeconds: manifest.timeoutSeconds, principal: context.principal,
                                       requestID: context.requestID), now: now).job.id
    }

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let embedder = try context.embedder()
        if context.http != nil {
            return Output(queued: true, jobID: try Self.enqueue(context: context), embedded: 0, pending: 0, provider: embedder.provider,
                          model: embedder.model)
        }
        let report = try await CommunicationVectors(database: try context.database(), embedder: embedder)
            .sync(deadline: context.deadline, now: context.clock.now())
        if let failure = report.failure { throw failure }
        context.logger.info("sales.communications_reembedded", ["embedded": .number(Double(report.embedded))])
        return Output(queued: false, jobID: context.jobID, embedded: report.embedded, pending: 0, provider: embedder.provider, model: embedder.model)
    }
}
