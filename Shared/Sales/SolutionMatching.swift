import Core

/// What tier 1 of solution matching is asked: free text (a prospect's industry, pains and stack,
/// or a person's query) with optional filters applied before ranking.
package struct SolutionQuery: Sendable, Equatable {
    package var text: String
    package var industry: String?
    package var category: String?
    package var limit: Int

    package init(text: String, industry: String? = nil, category: String? = nil, limit: Int = 10) {
        self.text = text
        self.industry = industry
        self.category = category
        self.limit = limit
    }
}

/// One catalogue solution found by tier 1 (hybrid search), with how it was found: the fused
/// score and, for each list that found it, its rank and raw score.
package struct SolutionMatch: Codable, Sendable, Equatable {
    package var solutionID: Int
    package var name: String
    package var category: String
    package var description: String
    package var pricingModel: String
    package var docsURL: String?
    /// Reciprocal rank fusion of the lists below (higher is better).
    package var score: Double
    /// The lists that found it: `full_text`, `vector`.
    package var foundBy: [String]
    package var fullTextRank: Int?
    package var bm25: Double?
    package var vectorRank: Int?
    package var similarity: Double?

    package init(solutionID: Int, name: String, category: String, description: String, pricingModel: String, docsURL: String?,
                 score: Double, foundBy: [String], fullTextRank: Int? = nil, bm25: Double? = nil, vectorRank: Int? = nil,
                 similarity: Double? = nil) {
        self.solutionID = solutionID
        self.name = name
        self.category = category
        self.description = description
        self.pricingModel = pricingModel
        self.docsURL = docsURL
        self.score = score
        self.foundBy = foundBy
        self.fullTextRank = fullTextRank
        self.bm25 = bm25
        self.vectorRank = vectorRank
        self.similarity = similarity
    }

    enum CodingKeys: String, CodingKey {
        case name, category, description, score, similarity, bm25
        case solutionID = "solution_id"
        case pricingModel = "pricing_model"
        case docsURL = "docs_url"
        case foundBy = "found_by"
        case fullTextRank = "full_text_rank"
        case vectorRank = "vector_rank"
    }
}

/// Tier 1: the catalogue's hybrid search (full text and vectors, fused).
package protocol SolutionMatching: Sendable {
    func match(_ query: SolutionQuery, deadline: Deadline) async throws -> [SolutionMatch]
}
