import Core
import FoundationEssentials

/// What happened to the vectors of rows a request just stored, in its answer: `complete`, or
/// `pending` with the reason and the job that fills them in (the rows are searchable by words
/// either way: their full-text index is written with them). Sales' communications and the
/// workspace's chats answer with it, and `settle` is the one policy both follow: embed now when
/// few are missing, else (or on any failure) queue the domain's re-embedding job.
package struct EmbeddingReport: Codable, Sendable, Equatable {
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

    package static let complete = EmbeddingReport(status: "complete", embedded: 0, pending: 0)

    package static let schema: JSONValue = Schema.object([
        "status": Schema.string(enum: ["complete", "pending"]), "embedded": Schema.integer(minimum: 0), "pending": Schema.integer(minimum: 0),
        "job_id": Schema.nullable(Schema.integer(minimum: 1)), "message": Schema.nullable(Schema.string()),
    ])

    /// What a domain says in the report and how it queues its job.
    package struct Subject: Sendable {
        /// The rows, plural (`chunks`).
        package var items: String
        /// What holds whatever happens (`the conversations are stored and searchable by words`).
        package var stored: String
        /// The route that queues the job by hand.
        package var route: String
        /// Rows embedded within the request at most.
        package var inlineLimit: Int

        package init(items: String, stored: String, route: String, inlineLimit: Int) {
            self.items = items
            self.stored = stored
            self.route = route
            self.inlineLimit = inlineLimit
        }
    }

    /// Embeds the rows of `ids` still lacking a vector now when they are few, else (or when
    /// anything fails: the embedder's setup (`vectors` throws), embedding, storing) queues the
    /// job with `enqueue`. Never throws: the rows are committed, so an error here must not turn
    /// into a failed answer that a client retries (storing them again).
    package static func settle(ids: [Int], subject: Subject, deadline: Deadline, now: Date, logger: Logger,
                               vectors: () throws -> MissingVectors, enqueue: () throws -> Int) async -> EmbeddingReport {
        guard !ids.isEmpty else { return .complete }
        let reason: String
        var embedded = 0
        var pending = ids.count
        var embedderReady = false
        do {
            let missing = try vectors()
            embedderReady = true
            pending = try missing.missingCount(ids: ids)
            guard pending > 0 else { return .complete }
            if pending <= subject.inlineLimit {
                let report = try await missing.sync(ids: ids, deadline: deadline, now: now)
                embedded = report.embedded
                pending = report.pending
                guard let failure = report.failure else { return EmbeddingReport(status: "complete", embedded: embedded, pending: 0) }
                reason = "embedding failed (\(failure.message))"
            } else {
                reason = "\(pending) \(subject.items) are more than a request embeds"
            }
        } catch {
            let failure = BundleError.converting(error, otherwise: BundleError(.internal, "the vectors could not be stored"))
            reason = !embedderReady ? "the embedder is not configured (\(failure.message))" : "embedding failed (\(failure.message))"
        }
        logger.warning("embedding.pending", ["items": .string(subject.items), "pending": .number(Double(pending))])
        let stored = "\(reason); \(subject.stored)"
        do {
            let jobID = try enqueue()
            return EmbeddingReport(status: "pending", embedded: embedded, pending: pending, jobID: jobID,
                                   message: "\(stored), and job \(jobID) adds their vectors")
        } catch {
            logger.warning("embedding.job_not_queued", ["items": .string(subject.items), "pending": .number(Double(pending))])
            return EmbeddingReport(status: "pending", embedded: embedded, pending: pending, jobID: nil,
                                   message: "\(stored); the job that adds their vectors could not be queued: \(subject.route) queues it")
        }
    }
}
