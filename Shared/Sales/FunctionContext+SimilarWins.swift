import Core
import Runtime

extension FunctionContext {
    /// Search over the stored communications' chunks, as configured (embedder from the context).
    package func similarWinsSearching() throws -> any SimilarWinsSearching {
        NoSimilarWins()  // placeholder until the communications store lands
    }
}

/// Placeholder: finds nothing.
struct NoSimilarWins: SimilarWinsSearching {
    func similarWins(to text: String, limit: Int, deadline: Deadline) async throws -> [PastWin] { [] }
}
