import Core

/// One prospect's result in an event match: `selected` (ranked, with its invitation),
/// `over_limit` (scored at or above the threshold but outside the top `max_matches`),
/// `below_threshold`, or `skipped` (scoring failed, or the prospect needs research first;
/// `skip_reason` says why).
package struct EventMatch: Codable, Sendable, Equatable {
    package static let statuses = ["selected", "over_limit", "below_threshold", "skipped"]
    /// `drafted` (a new invitation), `reused` (this run drafted it in an earlier attempt),
    /// `kept_sent` (an invitation to this event was already sent: no new one), `kept_edited` (an
    /// unsent invitation someone edited is kept as it is: no new one), `failed` (the outreach run
    /// failed; an earlier unsent invitation, if any, is kept).
    package static let invitationStatuses = ["drafted", "reused", "kept_sent", "kept_edited", "failed"]

    package var prospectID: Int
    package var fullName: String
    package var title: String
    package var companyName: String
    package var status: String
    package var rank: Int?
    package var score: Int?
    package var similarity: Double
    package var reason: String?
    package var skipReason: String?
    package var draftID: Int?
    package var invitationStatus: String?
    package var invitationError: String?
    package var outreachRunID: Int?

    enum CodingKeys: String, CodingKey {
        case title, status, rank, score, similarity, reason
        case prospectID = "prospect_id"
        case fullName = "full_name"
        case companyName = "company_name"
        case skipReason = "skip_reason"
        case draftID = "draft_id"
        case invitationStatus = "invitation_status"
        case invitationError = "invitation_error"
        case outreachRunID = "outreach_run_id"
    }

    package static let schema: JSONValue = Schema.object([
        "prospect_id": Schema.integer(minimum: 1), "full_name": Schema.string(), "title": Schema.string(), "company_name": Schema.string(),
        "status": Schema.string(enum: statuses),
        "rank": Schema.nullable(Schema.integer("1 for the best selected match", minimum: 1)),
        "score": Schema.nullable(Schema.integer("The LLM's relevance score, 0–100", minimum: 0, maximum: 100)),
        "similarity": Schema.number("Cosine similarity of the prospect's research to the event (0 without research)"),
        "reason": Schema.nullable(Schema.string("One sentence why")),
        "skip_reason": Schema.nullable(Schema.string("Why scoring failed")),
        "draft_id": Schema.nullable(Schema.integer("The invitation (an outreach draft with this event_id)", minimum: 1)),
        "invitation_status": Schema.nullable(Schema.string(enum: invitationStatuses)),
        "invitation_error": Schema.nullable(Schema.string()),
        "outreach_run_id": Schema.nullable(Schema.integer(minimum: 1)),
    ])
}

/// One candidate's score from `score_relevance`: a score and reason, or why it was skipped.
package struct CandidateScore: Codable, Sendable, Equatable {
    package var prospectID: Int
    package var score: Int?
    package var reason: String?
    package var skipReason: String?

    enum CodingKeys: String, CodingKey {
        case score, reason
        case prospectID = "prospect_id"
        case skipReason = "skip_reason"
    }
}

/// `score_relevance`'s output.
package struct CandidateScores: Codable, Sendable, Equatable {
    package var scored: Int
    package var skipped: Int
    package var concurrency: Int
    package var scores: [CandidateScore]
}

/// The output of `select_top_matches` and, invitations filled in, of `generate_invitations`
/// (the run's result, which its success stores in `sales_event_matches`).
package struct EventMatchResult: Codable, Sendable, Equatable {
    package var eventID: Int
    /// The match run (set by `generate_invitations`; its success stores the rows under it).
    package var runID: Int?
    package var threshold: Int
    package var maxMatches: Int
    package var matches: [EventMatch]

    enum CodingKeys: String, CodingKey {
        case threshold, matches
        case eventID = "event_id"
        case runID = "run_id"
        case maxMatches = "max_matches"
    }

    /// Ranks scored candidates: score, then similarity (both descending), then prospect id, so
    /// equal scores always come out in the same order; the first `maxMatches` at or above the
    /// threshold are selected. Skipped candidates come last, in the candidates' order.
    package static func select(_ pool: CandidatePool, scores: CandidateScores, threshold: Int, maxMatches: Int) -> EventMatchResult {
        let candidates = Dictionary(pool.candidates.map { ($0.prospectID, $0) }, uniquingKeysWith: { first, _ in first })
        func row(_ score: CandidateScore, status: String, rank: Int?) -> EventMatch {
            let candidate = candidates[score.prospectID]
            return EventMatch(prospectID: score.prospectID, fullName: candidate?.fullName ?? "", title: candidate?.title ?? "",
                              companyName: candidate?.companyName ?? "", status: status, rank: rank, score: score.score,
                              similarity: candidate?.similarity ?? 0, reason: score.reason, skipReason: score.skipReason)
        }
        let ranked = scores.scores.filter { $0.score != nil }.sorted { left, right in
            let (a, b) = (left.score ?? 0, right.score ?? 0)
            if a != b { return a > b }
            let (x, y) = (candidates[left.prospectID]?.similarity ?? 0, candidates[right.prospectID]?.similarity ?? 0)
            if x != y { return x > y }
            return left.prospectID < right.prospectID
        }
        var matches: [EventMatch] = []
        var selected = 0
        for score in ranked {
            if (score.score ?? 0) >= threshold {
                if selected < maxMatches {
                    selected += 1
                    matches.append(row(score, status: "selected", rank: selected))
                } else {
                    matches.append(row(score, status: "over_limit", rank: nil))
                }
            } else {
                matches.append(row(score, status: "below_threshold", rank: nil))
            }
        }
        matches += scores.scores.filter { $0.score == nil }.map { row($0, status: "skipped", rank: nil) }
        return EventMatchResult(eventID: pool.event.id, runID: nil, threshold: threshold, maxMatches: maxMatches, matches: matches)
    }
}
