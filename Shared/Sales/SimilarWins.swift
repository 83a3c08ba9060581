import Core

/// A past customer communication with an outcome that search found similar to an outreach's
/// context: what `analyze_similar_wins` hands the strategy step as proof points and patterns.
package struct PastWin: Codable, Sendable, Equatable {
    package var communicationID: Int
    package var prospectID: Int?
    package var companyName: String?
    package var subject: String
    /// The matching chunk of the communication (bounded), not the whole text.
    package var excerpt: String
    package var outcome: String
    package var date: String
    /// Reciprocal rank fusion of the lists that found it (higher is better).
    package var score: Double
    /// `full_text`, `vector`.
    package var foundBy: [String]

    package init(communicationID: Int, prospectID: Int?, companyName: String?, subject: String, excerpt: String, outcome: String,
                 date: String, score: Double, foundBy: [String]) {
        self.communicationID = communicationID
        self.prospectID = prospectID
        self.companyName = companyName
        self.subject = subject
        self.excerpt = excerpt
        self.outcome = outcome
        self.date = date
        self.score = score
        self.foundBy = foundBy
    }

    enum CodingKeys: String, CodingKey {
        case subject, excerpt, outcome, date, score
        case communicationID = "communication_id"
        case prospectID = "prospect_id"
        case companyName = "company_name"
        case foundBy = "found_by"
    }
}

/// Search over past communications that had a successful outcome (vector and full text, fused).
/// An empty answer is normal: nothing similar has been won yet.
package protocol SimilarWinsSearching: Sendable {
    func similarWins(to text: String, limit: Int, deadline: Deadline) async throws -> [PastWin]
}
