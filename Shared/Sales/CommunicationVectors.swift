import Core
import FoundationEssentials
import Providers
import Retrieval
import Store

/// The communication chunks' vectors in `retrieval_vectors` (collection
/// `sales.communication_chunks`, item = chunk id): the generic `MissingVectors` (Retrieval) over
/// `sales_communication_chunks`, each chunk embedded with its subject. Chunks are written first
/// (searchable by words at once); this embeds the ones with no vector of the current model, in
/// batches, each batch stored in its own transaction, so a failure part way keeps what was done
/// and a retry (the `reembed-communications` job) picks up exactly what is missing.
package struct CommunicationVectors: Sendable {
    package static let collection = "sales.communication_chunks"
    /// More missing chunks than this are left to the job instead of the request.
    package static let inlineLimit = 512

    package let database: any Database
    package let embedder: any Embedder

    package init(database: any Database, embedder: any Embedder) {
        self.database = database
        self.embedder = embedder
    }

    /// The generic missing-vector search and sync over the chunks.
    package var missingVectors: MissingVectors {
        let embedder = embedder
        return MissingVectors(database: database, collection: Self.collection, table: "sales_communication_chunks", columns: ["subject", "text"],
                              text: { Self.embeddingText(subject: try $0.string("subject"), text: try $0.string("text")) }, model: embedder.model,
                              embed: { texts, deadline in try await embedder.embed(texts, deadline: deadline) })
    }

    package var index: VectorIndex { VectorIndex(database: database, collection: Self.collection) }

    /// Chunks with no vector of the current model (optionally only `ids`), oldest first.
    package func missing(ids: [Int]? = nil) throws -> [VectorIndex.Item] { try missingVectors.missing(ids: ids) }

    /// How many chunks (optionally only of `ids`) have no vector of the current model.
    package func missingCount(ids: [Int]? = nil) throws -> Int { try missingVectors.missingCount(ids: ids) }

    /// Chunks less vectors of the current model: two counts, no per-chunk lookup, cheap enough for
    /// every search to ask (the job then finds exactly which chunks lack one).
    package func missingEstimate() throws -> Int { try missingVectors.missingEstimate() }

    /// What a chunk's vector is made from: the subject gives a short chunk its topic.
    static func embeddingText(subject: String, text: String) -> String { subject + "\n\n" + text }

    package typealias Report = MissingVectors.Report

    /// Embeds the missing chunks (optionally only `ids`); embedder failures are reported, not thrown.
    package func sync(ids: [Int]? = nil, deadline: Deadline, now: Date, batchSize: Int = 64) async throws -> Report {
        try await missingVectors.sync(ids: ids, deadline: deadline, now: now, batchSize: batchSize)
    }
}
