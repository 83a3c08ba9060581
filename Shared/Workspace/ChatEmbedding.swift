import Core
import Jobs
import Providers
import Runtime

/// What happened to the vectors of chunks just stored, in an import's answer: `complete`, or
/// `pending` with the reason and the job that fills them in (the chats are searchable by words
/// either way, since the full-text index is written with the rows).
package struct ChatEmbedding: Codable, Sendable, Equatable {
    package var status: String
    package var embedded: Int
    package var pending: Int
    package var jobID: Int?
    package var message: String?

    enum CodingKeys: String, CodingKey {
        case status, embedded, pending, message
        case jobID = "job_id"
    }

    package init(status: String, embedded: Int, pending: Int, jobID: Int? = nil, message: String? = nil) {
        self.status = status
        self.embedded = embedded
        self.pending = pending
        self.jobID = jobID
        self.message = message
    }

    package static let schema: JSONValue = Schema.object([
        "status": Schema.string(enum: ["complete", "pending"]), "embedded": Schema.integer(minimum: 0), "pending": Schema.integer(minimum: 0),
        "job_id": Schema.nullable(Schema.integer(minimum: 1)), "message": Schema.nullable(Schema.string()),
    ])

    /// Embeds the stored chunks that still lack a vector now when they are few (at most
    /// `ChatVectors.inlineLimit`), else (or when anything fails: the embedder, its setup, storing
    /// vectors) queues `reembed-chats`. Never throws: the rows are already committed, so an error
    /// here must not turn into a failed answer that a client retries.
    package static func run(chunkIDs: [Int], context: FunctionContext) async -> ChatEmbedding {
        guard !chunkIDs.isEmpty else { return ChatEmbedding(status: "complete", embedded: 0, pending: 0) }
        let reason: String
        var embedded = 0
        var pending = chunkIDs.count
        var embedderReady = false
        do {
            let embedder = try context.embedder()
            embedderReady = true
            let vectors = ChatVectors.missing(database: try context.database(), embedder: embedder)
            pending = try vectors.missingCount(ids: chunkIDs)
            guard pending > 0 else { return ChatEmbedding(status: "complete", embedded: 0, pending: 0) }
            if pending <= ChatVectors.inlineLimit {
                let report = try await vectors.sync(ids: chunkIDs, deadline: context.deadline, now: context.clock.now())
                embedded = report.embedded
                pending = report.pending
                guard let failure = report.failure else { return ChatEmbedding(status: "complete", embedded: embedded, pending: 0) }
                reason = "embedding failed (\(failure.message))"
            } else {
                reason = "\(pending) chunks are more than a request embeds"
            }
        } catch {
            let failure = BundleError.converting(error, otherwise: BundleError(.internal, "the vectors could not be stored"))
            reason = !embedderReady ? "the embedder is not configured (\(failure.message))" : "embedding failed (\(failure.message))"
        }
        context.logger.warning("workspace.chunks_not_embedded", ["pending": .number(Double(pending))])
        let stored = "\(reason); the conversations are stored and searchable by words"
        do {
            let jobID = try ReembedChatsHandler.enqueue(context: context)
            return ChatEmbedding(status: "pending", embedded: embedded, pending: pending, jobID: jobID,
                                 message: "\(stored), and job \(jobID) adds their vectors")
        } catch {
            context.logger.warning("workspace.reembed_not_queued", ["pending": .number(Double(pending))])
            return ChatEmbedding(status: "pending", embedded: embedded, pending: pending, jobID: nil,
                                 message: "\(stored); the job that adds their vectors could not be queued: POST /api/conversations/reembed queues it")
        }
    }
}
