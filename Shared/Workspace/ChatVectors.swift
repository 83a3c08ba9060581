import Core
import Providers
import Retrieval
import Store

/// The chunks' vectors (collection `ConversationStore.vectorCollection`, item = chunk id): the
/// generic `MissingVectors` over `workspace_chunks` with the configured embedder. A chunk is
/// embedded from its text alone (it already carries its role labels).
package enum ChatVectors {
    /// More missing chunks than this are left to the `reembed-chats` job instead of the request.
    package static let inlineLimit = 256

    package static func missing(database: any Database, embedder: any Embedder) -> MissingVectors {
        MissingVectors(database: database, collection: ConversationStore.vectorCollection, table: "workspace_chunks", columns: ["text"],
                       text: { try $0.string("text") }, model: embedder.model,
                       embed: { texts, deadline in try await embedder.embed(texts, deadline: deadline) })
    }
}
