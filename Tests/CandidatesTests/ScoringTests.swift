import Candidates
import Core
import Foundation
import Providers
import Synchronization
import TestSupport
import Testing

@Suite struct ScoringTests {
    static let ann = "name,email,current_role,current_company,years_experience,skills,industries,bio\n"
        + "Ann Lee,ann@example.com,Engineer,Acme,4,\"Python, Postgres, AWS\",Banking,Deploys to k8s daily\n"

    /// An LLM that answers every assessment with a score taken from the candidate's name
    /// ("Name 7" scores 70), and fails for the names it is told to.
    static func assessor(failing: Set<String> = [], inFlight: Gauge? = nil) -> ScriptedLLM {
        ScriptedLLM { request in
            let prompt = request.messages.last?.content ?? ""
            inFlight?.state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            try await Task.sleep(for: .milliseconds(5))
            inFlight?.state.withLock { $0.now -= 1 }
            if let name = failing.first(where: { prompt.contains("Profile text: \($0) bio") }) {
                throw BundleError(.upstreamFailed, "the model server answered 500 for \(name)")
            }
            let number = prompt.split(separator: "\n").first { $0.hasPrefix("Profile text: Name ") }
                .flatMap { Int($0.dropFirst("Profile text: Name ".count).prefix { $0.isNumber }) } ?? 5
            return ["score": .number(Double(number * 10 % 101)), "rationale": "Solid backend experience.", "strengths": ["Python"], "concerns": []]
        }
    }

    static func numbered(_ count: Int) -> String {
        "name,email,current_role,years_experience,skills,bio\n" + (1...count).map {
            "Name \($0),n\($0)@example.com,Engineer,\($0),\"Python, AWS\",Name \($0) bio"
        }.joined(separator: "\n")
    }

    @Test func theAlgorithmicScoreIsDeterministicAndExplainedPerCriterion() async throws {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload(Self.ann)
        try await harness.score()
        let ann = try await harness.candidate(1)
        let criteria = ann["score_breakdown"]?["criteria"]?.arrayValue ?? []
        #expect(criteria.map { $0["criterion"] } == ["required_skills", "preferred_skills", "years_experience", "industry_match", "completeness"])
        #expect(criteria.map { $0["points"] } == [35, 0, 16, 0, 13.2])
        #expect(criteria.map { $0["weight"] } == [40, 15, 20, 10, 15])
        #expect(criteria[0]["detail"] == "3 of 4 listed; mentioned only in the profile text: Kubernetes")
        #expect(criteria[2]["detail"] == "4 years against a minimum of 5")
        #expect(ann["algo_score"] == 64.2)
        #expect(ann["completeness"] == 88)
        #expect(ann["missing_preferred_fields"] == ["linkedin_url", "education"])
        #expect(ann["score_breakdown"]?["missing_required_skills"] == [])
        #expect(ann["score_breakdown"]?["matched_required_skills"] == ["Python", "PostgreSQL", "AWS", "Kubernetes"])

        // Offline AI: a labelled estimate; the combined score follows the role's weights.
        #expect(ann["ai_provider"] == "offline")
        #expect(ann["ai_rationale"]?.stringValue?.hasPrefix("Offline estimate") == true)
        let ai = try #require(ann["ai_score"]?.doubleValue)
        #expect(ann["combined_score"]?.doubleValue == ((64.2 * 0.6 + ai * 0.4) * 10).rounded() / 10)

        // Running again gives the same scores and breakdown.
        try await harness.score()
        let again = try await harness.candidate(1)
        #expect(again["score_breakdown"] == ann["score_breakdown"])
        #expect(again["ai_score"] == ann["ai_score"])
        #expect(again["combined_score"] == ann["combined_score"])
    }

    @Test func criteriaTheRoleDoesNotUseShareTheirWeight() async throws {
        let harness = try Harness()
        try await harness.putRole(["id": 1, "title": "Generalist", "required_skills": ["Python"]])
        try await harness.upload(Self.ann)
        try await harness.score()
        let criteria = try await harness.candidate(1)["score_breakdown"]?["criteria"]?.arrayValue ?? []
        #expect(criteria.map { $0["applies"] } == [true, false, false, false, true])
        #expect(criteria.map { $0["weight"] } == [72.7, 0, 0, 0, 27.3])
        #expect(try await harness.candidate(1)["algo_score"] == 96.7)
    }

    @Test func withoutRequirementsTiersAreByRankWithTiesKeptTogether() {
        let distinct = (0..<10).map { (score: [Double(100 - $0), 50], judged: true) }
        #expect(RankTiers.tiers(forRanked: distinct) == ["top"] + Array(repeating: "strong", count: 3) + Array(repeating: "consider", count: 3)
                + Array(repeating: "unlikely", count: 3))
        // Equal scores share the tier of the first of them, wherever the cut falls.
        let tied = [90.0, 90, 80, 80, 80, 80, 70, 60, 50, 40].map { (score: [$0, 50], judged: true) }
        #expect(RankTiers.tiers(forRanked: tied) == ["top", "top", "strong", "strong", "strong", "strong", "consider", "unlikely", "unlikely",
                                                     "unlikely"])
        // Nothing judged the fit of a candidate without an AI score: consider at best.
        #expect(RankTiers.tiers(forRanked: [([95, 50], false), ([90, 50], true), ([10, 50], false)]) == ["consider", "strong", "unlikely"])
        // The algorithmic score breaks a tie of combined scores, as in the list's order.
        #expect(RankTiers.tiers(forRanked: [([90, 80], true), ([90, 70], true), ([90, 70], true)]) == ["top", "strong", "strong"])
        #expect(RankTiers.tiers(forRanked: []) == [])
    }

    @Test func tiersStartAtTheirThresholds() {
        let tiers = Role.Tiers.standard
        #expect([100, 80, 79.99, 65, 64.99, 50, 49.99, 0].map(tiers.tier(for:))
                == ["top", "top", "strong", "strong", "consider", "consider", "unlikely", "unlikely"])
        let strict = Role.Tiers(top: 90, strong: 75, consider: 60)
        #expect([90, 89.9, 75, 60, 59.9].map(strict.tier(for:)) == ["top", "strong", "strong", "consider", "unlikely"])
        #expect(CandidateScorer.combine(algo: 70, ai: 90, weights: .init(algo: 0.5, ai: 0.5)) == 80)
        #expect(CandidateScorer.combine(algo: 70, ai: nil, weights: .standard) == 70, "without an AI score the algorithmic score stands alone")
    }

    @Test func oneFailingAssessmentAmongManyLeavesTheOthersScored() async throws {
        let harness = try Harness()
        try await harness.putRole(["id": 1, "title": "Backend Engineer", "required_skills": ["Python", "AWS"]])
        try await harness.upload(Self.numbered(12))
        let inFlight = Gauge()
        let result = try await harness.score(llm: Self.assessor(failing: ["Name 7"], inFlight: inFlight), concurrency: 4)
        #expect(result["summary"]?["ai_scored"] == 11)
        #expect(result["summary"]?["ai_failed"] == 1)
        #expect(result["summary"]?["scored"] == 12)
        #expect(inFlight.state.withLock { $0.peak } <= 4, "concurrency is capped by the limiter")
        #expect(inFlight.state.withLock { $0.peak } >= 2, "assessments run concurrently")
        let failed = try await harness.candidate(7)
        #expect(failed["ai_status"] == "failed")
        #expect(failed["ai_score"] == .null)
        #expect(failed["combined_score"] == failed["algo_score"])
        #expect(failed["red_flags"]?.arrayValue?.contains { $0["code"] == "ai_unavailable" } == true)
        #expect(failed["tier"] != .null)
        let other = try await harness.candidate(8)
        #expect(other["ai_status"] == "scored")
        #expect(other["ai_score"] == 80)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM llm_calls WHERE outcome = 'failed'") == 1)

        // Only the failed one is tried again.
        let retry = try await harness.score(onlyUnscored: true, llm: Self.assessor())
        #expect(retry["summary"]?["considered"] == 1)
        #expect(try await harness.candidate(7)["ai_status"] == "scored")
        #expect(try await harness.candidate(7)["red_flags"]?.arrayValue?.isEmpty == true)
    }

    @Test func aMisconfiguredProviderStopsTheRun() async throws {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload(Self.numbered(3))
        let missingKey = ScriptedLLM { _ in throw BundleError.misconfigured(variable: "LLM_API_KEY", "is not set") }
        await #expect {
            try await harness.score(llm: missingKey)
        } throws: { ($0 as? BundleError)?.code == .misconfigured }
        #expect(try harness.count("SELECT COUNT(*) AS n FROM candidates WHERE algo_score IS NOT NULL AND ai_status = 'pending'") == 3,
                "the algorithmic scores are kept; the AI step waits for the fix")
    }

    @Test func rankingIsByCombinedScoreWithStableTies() async throws {
        let harness = try Harness()
        try await harness.putRole(["id": 1, "title": "Backend Engineer", "required_skills": ["Python", "Go"], "weights": ["algo": 1, "ai": 0]])
        let csv = """
            name,email,current_role,years_experience,skills,bio
            Bo Low,bo@example.com,Engineer,3,Java,Some text
            Ann Top,ann@example.com,Engineer,3,"Python, Go",Some text
            Cy Tie,cy@example.com,Engineer,3,Python,Some text
            Di Tie,di@example.com,Engineer,3,Python,Some text
            """
        try await harness.upload(csv)
        let summary = try await harness.score(llm: ScriptedLLM.forbidden())
        #expect(summary["summary"]?["ai_provider"] == .null, "a role that gives AI no weight calls no model")
        let ranked = try await harness.ranked()
        #expect(ranked.map { $0["name"] } == ["Ann Top", "Cy Tie", "Di Tie", "Bo Low"])
        #expect(ranked.map { $0["ai_status"] } == ["skipped", "skipped", "skipped", "skipped"])
        let list = try await harness.call(ListCandidatesHandler(), ["role_id": 1, "limit": 2, "offset": 1])
        #expect(list["candidates"]?.arrayValue?.map { $0["rank"] } == [2, 3])
        #expect(list["candidates"]?.arrayValue?.map { $0["candidate"]?["name"] } == ["Cy Tie", "Di Tie"])
        #expect(list["total"] == 4)

        // A new upload not yet scored ranks last; a tier filter narrows the list.
        try await harness.upload("name,email\nEd New,ed@example.com\n")
        #expect(try await harness.ranked().last?["name"] == "Ed New")
        #expect(try await harness.ranked(tier: "top").map { $0["name"] } == ["Ann Top"])
        await #expect(throws: BundleError.self) { try await harness.call(ListCandidatesHandler(), ["tier": "best"]) }
    }

    @Test func redFlagsFromTheData() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let csv = """
            name,email,linkedin,current_company,years,previous companies,tenure months
            No Contact,,,Acme,4,,
            Odd Years,odd@example.com,,Acme,2015,,
            Hopper,hop@example.com,,Acme,3,"A, B, C, D",
            Short Stints,short@example.com,,Acme,8,,7
            Same Name,same1@example.com,,Acme,5,,
            Same Name,same2@example.com,,Beta,5,,
            """
        try await harness.upload(csv)
        try await harness.score()
        func flags(_ id: Int) async throws -> [String] {
            try await harness.candidate(id)["red_flags"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
        }
        #expect(try await flags(1) == ["no_contact_route"])
        #expect(try await flags(2) == ["implausible_years"])
        #expect(try await flags(3) == ["short_tenures"], "3 years over five employers")
        #expect(try await flags(4) == ["short_tenures"])
        #expect(try await flags(5) == ["possible_duplicate"])
        #expect(try await flags(6) == ["possible_duplicate"])
        #expect(try await harness.candidate(2)["score_breakdown"]?["criteria"]?[2]?["fraction"] == 0, "unbelievable years are not scored")
    }

    @Test func progressIsReportedOnTheJob() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let upload = try await harness.upload(Self.numbered(30))
        let jobID = try #require(upload["job_id"]?.intValue)
        try harness.database.write { try $0.execute("UPDATE jobs SET status = 'running', attempts = 1 WHERE id = ?", jobID) }
        let context = harness.context(["JOB_ID": String(jobID)], llm: Self.assessor())
        _ = try await harness.call(ScoreCandidatesHandler(), ["role_id": 1, "only_unscored": true, "upload_id": 1], context: context)
        let status = try await harness.call(CandidateStatusHandler(), ["upload_id": 1])
        #expect(status["state"] == "completed", "every candidate of the upload is scored, though the worker has not closed the job yet")
        #expect(status["job"]?["status"] == "running")
        #expect(status["progress"] == 100)
        #expect(status["totals"]?["scored"] == 30)
        #expect(status["totals"]?["extracted"] == 30)
        #expect(status["progress_message"]?.stringValue?.contains("30 of 30") == true)
    }
}

/// How many assessments run at once, and the most there ever were.
final class Gauge: Sendable {
    let state = Mutex((now: 0, peak: 0))
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}

@Suite struct ScoringLeaseTests {
    @Test func oneRunPerRoleAndTheOtherIsRetried() async throws {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload(ScoringTests.numbered(2))
        let now = Timestamp.parse("2026-05-04T10:00:00Z")!
        #expect(try RoleStore(database: harness.database).leaseScoring(1, owner: "job-77", until: now.addingTimeInterval(120), now: now))
        let deferred = try await harness.call(ScoreCandidatesHandler(), ["role_id": 1, "only_unscored": true, "upload_id": 1])
        #expect(deferred["queued"] == true, "the holder scores these; a follow-up job covers it dying")
        let followUp = try #require(deferred["job_id"]?.intValue)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs WHERE id = ? AND run_after = '2026-05-04T10:02:00.000Z'", followUp) == 1)
        #expect(try await harness.call(CandidateStatusHandler(), ["upload_id": 1])["job"]?["id"] == .number(Double(followUp)),
                "the upload's status follows the follow-up job")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM candidates WHERE scored_at IS NOT NULL") == 0)
        // A holder that died: its lease runs out and the next run takes over.
        let later = harness.context(now: "2026-05-04T10:03:00Z")
        let result = try await harness.call(ScoreCandidatesHandler(), ["role_id": 1], context: later)
        #expect(result["summary"]?["scored"] == 2)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM roles WHERE scoring_owner IS NULL") == 1, "the lease is let go")
    }

    @Test func aRoleChangedDuringARunIsWhatTheScoresEndUpUnder() async throws {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload(ScoringTests.numbered(3))
        let database = harness.database
        let changed = Mutex(false)
        let llm = ScriptedLLM { _ in
            if !changed.withLock({ done in defer { done = true }; return done }) {
                _ = try RoleStore(database: database).put(1, RoleDefinition(title: "Rust Engineer", description: nil, requiredSkills: ["Rust"],
                                                                            preferredSkills: nil, minYears: nil, industries: nil, weights: nil,
                                                                            tiers: nil), now: Timestamp.parse("2026-05-04T10:00:00Z")!)
            }
            return ["score": 50, "rationale": "Fine.", "strengths": [], "concerns": []]
        }
        _ = try await harness.score(onlyUnscored: true, llm: llm, concurrency: 1)
        for id in 1...3 {
            let candidate = try await harness.candidate(id)
            #expect(candidate["needs_scoring"] == false)
            #expect(candidate["score_breakdown"]?["missing_required_skills"] == ["Rust"], "scored under the new role")
        }
    }

    @Test func candidatesThatArriveDuringARunAreScoredByIt() async throws {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload(ScoringTests.numbered(3))
        let database = harness.database
        let uploaded = Mutex(false)
        let llm = ScriptedLLM { request in
            let first = uploaded.withLock { done in
                defer { done = true }
                return !done
            }
            if first {
                let sheet = try CandidateSheet(text: "name,email\nLate Arrival,late@example.com\n")
                let role = try #require(try RoleStore(database: database).role(1))
                _ = try CandidateStore(database: database).ingest(sheet, source: try CSVSource(bytes: Array("late".utf8), fileName: nil),
                                                                  role: role, now: Timestamp.parse("2026-05-04T10:00:00Z")!)
            }
            return ["score": 60, "rationale": "Fine.", "strengths": [], "concerns": []]
        }
        let result = try await harness.score(onlyUnscored: true, llm: llm, concurrency: 1)
        #expect(result["summary"]?["considered"] == 4)
        #expect(result["summary"]?["ai_scored"] == 4)
        #expect(try await harness.candidate(4)["ai_status"] == "scored")
    }
}

/// Breakdowns and red flags are stored through hand-built JSON; it must be their `Codable`
/// encoding, field for field.
@Suite struct StoredBreakdownTests {
    @Test func theBreakdownIsItsCodableEncoding() throws {
        let text = """
            {"score": 71.5, "criteria": [{"criterion": "required_skills", "weight": 40, "fraction": 0.75, "points": 30, "applies": true,
             "detail": "3 of 4 listed; missing: \\"Go\\""}, {"criterion": "industry_match", "weight": 0, "fraction": 0, "points": 0,
             "applies": false, "detail": "the role names no industries"}],
             "matched_required_skills": ["Python", "SQL", "AWS"], "missing_required_skills": ["Go"], "matched_preferred_skills": []}
            """
        let score = try JSONCoding.decode(AlgorithmicScore.self, from: text)
        #expect(try score.json() == JSONValue(encoding: score))
        #expect(try score.json().jsonText == JSONValue(encoding: score).jsonText)
        let flags = try JSONCoding.decode([RedFlag].self, from: #"[{"code": "possible_duplicate", "message": "same name as 3"}, {"code": "ai_unavailable", "message": "x\ny"}]"#)
        #expect(JSONValue.array(flags.map(\.json)) == (try JSONValue(encoding: flags)))
    }

    @Test func aNumberJSONCannotHoldFailsAsTheEncoderDoes() throws {
        var score = try JSONCoding.decode(AlgorithmicScore.self, from: #"{"score": 1, "criteria": [], "matched_required_skills": [], "missing_required_skills": [], "matched_preferred_skills": []}"#)
        score.score = .nan
        #expect(throws: EncodingError.self) { try score.json() }
    }
}
