import Core
import FoundationEssentials
import Providers
import Store
import Workflows

/// The event matching workflow (the original's §5.3): `find_candidates` (SQL filters and vector
/// similarity, bounded), `score_relevance` (one structured LLM call per candidate, at most
/// `concurrency` at once, each score saved as it arrives; a failed call skips that prospect with
/// its reason, as does missing research unless allowed), `select_top_matches`
/// (score ≥ threshold, at most `max_matches`, ties broken stably) and `generate_invitations`
/// (the outreach workflow per match, with the event; a failed draft is recorded on the match).
/// The run's result holds every row; its success stores them (see `EventMatchOutcome`).
package struct EventMatchWorkflow: Sendable {
    package static let name = "event_match"
    package static let stepNames = ["find_candidates", "score_relevance", "select_top_matches", "generate_invitations"]

    package static func subject(eventID: Int) -> String { "event:\(eventID)" }

    /// What a run is asked for (its input).
    package struct Settings: Codable, Sendable, Equatable {
        package var eventID: Int
        package var candidateLimit: Int
        package var threshold: Int
        package var maxMatches: Int
        package var allowWithoutResearch: Bool

        enum CodingKeys: String, CodingKey {
            case threshold
            case eventID = "event_id"
            case candidateLimit = "candidate_limit"
            case maxMatches = "max_matches"
            case allowWithoutResearch = "allow_without_research"
        }
    }

    let services: EventMatchServices
    let database: any Database
    let deadline: Deadline
    let clock: BundleClock
    /// The job's progress, told as candidates are scored and invitations drafted.
    let progress: EventMatchProgress

    package init(services: EventMatchServices, database: any Database, deadline: Deadline, clock: BundleClock,
                 progress: EventMatchProgress = EventMatchProgress()) {
        self.services = services
        self.database = database
        self.deadline = deadline
        self.clock = clock
        self.progress = progress
    }

    package func steps() -> [WorkflowStep] {
        [
            .typed("find_candidates", summarize: { outputs in
                "event \(outputs.input["event_id"]?.intValue ?? 0), at most \(outputs.input["candidate_limit"]?.intValue ?? 0) candidates"
            }) { outputs, _ in
                let settings = try outputs.input.decode(as: Settings.self)
                let event = try SalesEvent.require(settings.eventID, database: database)
                let finder = EventCandidateFinder(database: database, embedder: try services.embedder(), deadline: deadline, clock: clock)
                return try await finder.find(event: event, limit: settings.candidateLimit)
            },
            .typed("score_relevance", summarize: { outputs in
                let count = (try? outputs.decode("find_candidates", as: CandidatePool.self))?.candidates.count ?? 0
                return "\(count) candidates, at most \(services.concurrency) calls at once"
            }) { outputs, attempt in
                let settings = try outputs.input.decode(as: Settings.self)
                return try await score(try outputs.decode("find_candidates", as: CandidatePool.self), runID: attempt.runID,
                                       allowWithoutResearch: settings.allowWithoutResearch)
            },
            .typed("select_top_matches", summarize: { outputs in
                "threshold \(outputs.input["threshold"]?.intValue ?? 0), at most \(outputs.input["max_matches"]?.intValue ?? 0)"
            }) { outputs, _ in
                let settings = try outputs.input.decode(as: Settings.self)
                return EventMatchResult.select(try outputs.decode("find_candidates", as: CandidatePool.self),
                                               scores: try outputs.decode("score_relevance", as: CandidateScores.self),
                                               threshold: settings.threshold, maxMatches: settings.maxMatches)
            },
            .typed("generate_invitations", summarize: { outputs in
                let selected = (try? outputs.decode("select_top_matches", as: EventMatchResult.self))?.matches.filter { $0.status == "selected" }.count ?? 0
                return "\(selected) selected prospects"
            }) { outputs, attempt in
                let settings = try outputs.input.decode(as: Settings.self)
                var result = try outputs.decode("select_top_matches", as: EventMatchResult.self)
                result.runID = attempt.runID
                return try await EventInvitations(services: services, database: database, deadline: deadline, progress: progress)
                    .invite(result, runID: attempt.runID, allowWithoutResearch: settings.allowWithoutResearch)
            },
        ]
    }

    /// One call per candidate, `concurrency` at a time, each score saved as it arrives; scores
    /// this run (an earlier attempt) or the runs it resumed already saved are taken, not paid for
    /// again. Without `allowWithoutResearch`, a prospect whose latest research has not succeeded
    /// is not scored: it is skipped with the route that researches it, so it never takes one of
    /// the `max_matches` invitations its outreach would refuse. A failure skips the candidate with
    /// the error's message. Fails as a whole only when the deadline passed (the saved scores stay).
    package func score(_ pool: CandidatePool, runID: Int, allowWithoutResearch: Bool) async throws -> CandidateScores {
        let store = EventMatchScores(database: database)
        let saved = try store.saved(eventID: pool.event.id, runID: runID)
        var scores = pool.candidates.map { candidate -> CandidateScore? in
            if !allowWithoutResearch && !candidate.hasSucceededResearch {
                return CandidateScore(prospectID: candidate.prospectID, score: nil, reason: nil,
                                      skipReason: "needs research: POST /api/v1/prospects/\(candidate.prospectID)/research")
            }
            return saved[candidate.prospectID]
        }
        let toScore = pool.candidates.indices.filter { scores[$0] == nil }
        let (event, deadline, clock, total) = (pool.event, deadline, clock, toScore.count)
        let every = max(1, total / 20)
        let progress = self.progress
        let llm: LLMClient? = toScore.isEmpty ? nil : try services.llm()
        let fresh = await BoundedFanOut.map(toScore.map { pool.candidates[$0] }, width: services.concurrency, done: { finished in
            if finished % every == 0 || finished == total {
                progress.advance("score_relevance", done: finished, total: total, message: "scored \(finished) of \(total) candidates")
            }
        }) { (candidate: EventCandidate) -> CandidateScore in
            let score: CandidateScore
            do {
                guard let llm else { throw BundleError(.internal, "no LLM client") }
                let answer = try await llm.run(EventRelevanceTask(event: event, candidate: candidate), deadline: deadline)
                score = CandidateScore(prospectID: candidate.prospectID, score: answer.output.score, reason: answer.output.reason, skipReason: nil)
            } catch {
                let failure = BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the relevance call failed"))
                return CandidateScore(prospectID: candidate.prospectID, score: nil, reason: nil,
                                      skipReason: "\(failure.code.rawValue): \(String(failure.message.prefix(300)))")
            }
            // Paid for: kept even if the step fails later. A score that cannot be saved is still used now.
            try? store.save(score, eventID: event.id, runID: runID, now: clock.now())
            return score
        }
        for (index, score) in zip(toScore, fresh) { scores[index] = score }
        if deadline.remainingSeconds <= 0 { throw BundleError(.timeout, "scoring ran out of time after \(total) candidates") }
        let all = scores.compactMap { $0 }
        let skipped = all.filter { $0.score == nil }.count
        return CandidateScores(scored: all.count - skipped, skipped: skipped, concurrency: services.concurrency, scores: all)
    }
}
