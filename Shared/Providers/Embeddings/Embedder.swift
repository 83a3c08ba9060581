import Core

/// Turns texts into unit vectors for semantic search. One protocol for every source of vectors
/// (an OpenAI-compatible `/embeddings` server, the offline hashing embedder), so retrieval code
/// never knows which one it got. `model` names the vector space: vectors of two models are
/// never compared, so whatever stores them records it.
package protocol Embedder: Sendable {
    /// "openai" (any OpenAI-compatible server) or "offline": what results report as `provider`.
    var provider: String { get }
    /// The model, versioned for the offline embedder; stored with each vector.
    var model: String { get }
    /// One vector per text, in the order given, each L2-normalised.
    func embed(_ texts: [String], deadline: Deadline) async throws -> [[Float]]
}
