import Core
import Runtime

/// What happened to the vectors of chunks just stored, in an import's answer: `complete`, or
/// `pending` with the reason and the job that fills them in (the chats are searchable by words
/// either way, since the full-text index is written with the rows).
///
/// SKELETON: the search helper builds it (inline for few chunks, else the `reembed-chats` job).
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

    /// Embeds the chunks (or queues the job that will). Never throws: the rows are committed.
    package static func run(chunkIDs: [Int], context: FunctionContext) async -> ChatEmbedding {
        ChatEmbedding(status: chunkIDs.isEmpty ? "complete" : "pending", embedded: 0, pending: chunkIDs.count,
                      message: chunkIDs.isEmpty ? nil : "embedding is not built yet")
    }
}
