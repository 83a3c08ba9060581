import Core
import Jobs
import Providers
import Runtime

/// What happened to a stored batch's vectors, in the answer: `complete`, or `pending` with the
/// reason and the job that will fill them in (the communications are searchable by words either way).
package struct CommunicationEmbedding: Codable, Sendable, Equatable {
    package var status: String
    package var embedded: Int
    package var pending: Int
    package var jobID: Int?
    package var message: String?

    enum CodingKeys: String, CodingKey {
        case status, embedded, pending, message
        case jobID = "job_id"
    }

    package static let schema: JSONValue = Schema.object([
        "status": Schema.string(enum: ["complete", "pending"]), "embedded": Schema.integer(minimum: 0), "pending": Schema.integer(minimum: 0),
        "job_id": Schema.nullable(Schema.integer(minimum: 1)), "message": Schema.nullable(Schema.string()),
    ])

    /// Embeds the stored chunks that still lack a vector now when they are few, else (or when
    /// anything fails: the embedder, its setup, storing vectors) queues `reembed-communications`.
    /// Never throws: the rows are already committed, so an error here must not turn into a
    /// failed answer that a client retries (storing the communication again).
    static func run(chunkIDs: [Int], context: FunctionContext) async -> CommunicationEmbedding {
        guard !chunkIDs.isEmpty else { return CommunicationEmbedding(status: "complete", embedded: 0, pending: 0) }
        let reason: String
        var embedded = 0
        var pending = chunkIDs.count
        var embedderReady = false
        do {
            let embedder = try context.embedder()
            embedderReady = true
            let vectors = CommunicationVectors(database: try context.database(), embedder: embedder)
            pending = try vectors.missingCount(ids: chunkIDs)
            guard pending > 0 else { return CommunicationEmbedding(status: "complete", embedded: 0, pending: 0) }
            if pending <= CommunicationVectors.inlineLimit {
                let report = try await vectors.sync(ids: chunkIDs, deadline: context.deadline, now: context.clock.now())
                embedded = report.embedded
                pending = report.pending
                guard let failure = report.failure else { return CommunicationEmbedding(status: "complete", embedded: embedded, pending: 0) }
                reason = "embedding failed (\(failure.message))"
            } else {
                reason = "\(pending) chunks are more than a request embeds"
            }
        } catch {
            let failure = BundleError.converting(error, otherwise: BundleError(.internal, "the vectors could not be stored"))
            reason = !embedderReady ? "the embedder is not configured (\(failure.message))" : "embedding failed (\(failure.message))"
        }
        context.logger.warning("sales.communications_not_embedded", ["pending": .number(Double(pending))])
        let stored = "\(reason); the communications are stored and searchable by words"
        do {
            let jobID = try ReembedCommunicationsHandler.enqueue(context: context)
            return CommunicationEmbedding(status: "pending", embedded: embedded, pending: pending, jobID: jobID,
                                          message: "\(stored), and job \(jobID) adds their vectors")
        } catch {
            context.logger.warning("sales.reembed_not_queued", ["pending": .number(Double(pending))])
            return CommunicationEmbedding(status: "pending", embedded: embedded, pending: pending, jobID: nil,
                                          message: "\(stored); the job that adds their vectors could not be queued: POST /api/v1/communications/reembed queues it")
        }
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
