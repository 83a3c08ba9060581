import Core
import Jobs
import Providers
import Retrieval
import Runtime

/// What happened to the vectors of chunks just stored, in an import's answer (the shared
/// `EmbeddingReport`: the chats are searchable by words either way).
package typealias ChatEmbedding = EmbeddingReport

extension EmbeddingReport {
    /// The chunks' vectors: embedded now when at most `ChatVectors.inlineLimit` lack one, else (or
    /// on any failure) by the `reembed-chats` job. Never throws.
    package static func run(chunkIDs: [Int], context: FunctionContext) async -> EmbeddingReport {
        await settle(ids: chunkIDs, subject: Subject(items: "chunks", stored: "the conversations are stored and searchable by words",
                                                    route: "POST /api/conversations/reembed", inlineLimit: ChatVectors.inlineLimit),
                     deadline: context.deadline, now: context.clock.now(), logger: context.logger,
                     vectors: { ChatVectors.missing(database: try context.database(), embedder: try context.embedder()) },
                     enqueue: { try ReembedChatsHandler.enqueue(context: context) })
    }
}
