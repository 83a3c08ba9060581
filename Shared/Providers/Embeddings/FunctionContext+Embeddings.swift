import Core
import Runtime

extension FunctionContext {
    /// The embedder `EMBEDDINGS_PROVIDER` chooses (an OpenAI-compatible server, or offline), made
    /// on first use and kept for the invocation. Tests hand one in with `provide(_:as:)`.
    package func embedder() throws -> any Embedder {
        try service((any Embedder).self) { context in try EmbeddingsSelection.make(context.config, transport: try context.transport()) }
    }
}
