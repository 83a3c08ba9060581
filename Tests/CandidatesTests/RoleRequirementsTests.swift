import Candidates
import Core
import Foundation
import Jobs
import Testing

/// A role's requirements decide what scores mean: changing them queues the rescoring, and a role
/// with none ranks by the AI assessment, says so in the upload's answer, and never makes
/// everyone `top` for having a complete profile.
@Suite struct RoleRequirementsTests {
    static func sampleCSV() throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/upload-candidates/sample-candidates.csv")
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func changingRequirementsQueuesOneRescoringJob() async throws {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload(ScoringTests.ann)
        try await harness.score()
        var role = Harness.role.objectValue!
        // New tiers only recombine the scores: nothing to queue.
        role["tiers"] = ["top": 85, "strong": 70, "consider": 55]
        #expect(try await harness.putRole(.object(role))["job_id"] == .null)

        role["required_skills"] = ["Rust", "Python"]
        let changed = try await harness.putRole(.object(role))
        #expect(changed["candidates_to_rescore"] == 1)
        let jobID = try #require(changed["job_id"]?.intValue, "the answer names the rescoring job")
        let jobs = try harness.count("SELECT COUNT(*) AS n FROM jobs WHERE function = 'score-candidates'")
        let job = try #require(try JobQueue(database: harness.database).job(jobID))
        #expect(job.function == "score-candidates")
        #expect(job.input["role_id"] == 1)
        #expect(job.status == .queued)
        // Changing it again before the job ran reuses that job: one run re-reads the role.
        role["required_skills"] = ["Rust"]
        #expect(try await harness.putRole(.object(role))["job_id"]?.intValue == jobID)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs WHERE function = 'score-candidates'") == jobs)
        // The job's input rescores the marked candidate under the new requirements.
        try await harness.score(onlyUnscored: true)
        let candidate = try await harness.candidate(1)
        #expect(candidate["needs_scoring"] == false)
        #expect(candidate["score_breakdown"]?["missing_required_skills"] == ["Rust"], "\(candidate["score_breakdown"] ?? .null)")
    }

    @Test func aRoleWithoutCandidatesQueuesNothing() async throws {
        let harness = try Harness()
        try await harness.putRole()
        var role = Harness.role.objectValue!
        role["required_skills"] = ["Rust"]
        #expect(try await harness.putRole(.object(role))["job_id"] == .null)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs") == 0)
    }

    @Test func withoutRequirementsTheAIAssessmentRanksAndTheAnswerSaysSo() async throws {
        let harness = try Harness()
        let upload = try await harness.upload(try Self.sampleCSV(), roleID: nil)
        let warning = try #require(upload["warnings"]?.arrayValue?.first?.stringValue)
        #expect(warning.contains("has no requirements"))
        #expect(warning.contains("PUT /roles/\(upload["role"]?["id"]?.intValue ?? 0)"))
        let roleID = try #require(upload["role"]?["id"]?.intValue)
        try await harness.score(roleID: roleID)
        let ranked = try await harness.ranked(roleID: roleID)
        #expect(ranked.count == 26)
        let top = ranked.filter { $0["tier"] == "top" }.count
        #expect(top <= 5, "complete profiles alone are no reason to be top: \(top) of 26")
        for candidate in ranked where candidate["ai_score"] != .null {
            #expect(candidate["combined_score"]?.doubleValue == candidate["ai_score"]?.doubleValue, "the AI assessment carries the score")
        }
        #expect(Set(ranked.compactMap { $0["tier"]?.stringValue }).count >= 3, "tiers tell candidates apart")
        // Tiers by rank within the role: about 10 % top, 25 % strong, 30 % consider, the rest unlikely.
        let counts = Dictionary(grouping: ranked.compactMap { $0["tier"]?.stringValue }) { $0 }.mapValues(\.count)
        #expect((1...4).contains(counts["top"] ?? 0) && (4...9).contains(counts["strong"] ?? 0), "\(counts)")
        #expect((6...10).contains(counts["consider"] ?? 0) && (7...12).contains(counts["unlikely"] ?? 0), "\(counts)")
        let order = ranked.compactMap { $0["tier"]?.stringValue }.map { Role.Tiers.names.firstIndex(of: $0)! }
        #expect(order == order.sorted(), "a better rank is never in a lower tier")

        // With the AI switched off nothing judged the fit: nobody ranks above consider.
        _ = try await harness.putRole(["id": .number(Double(roleID)), "title": "Default role", "weights": ["algo": 1, "ai": 0]])
        try await harness.score(roleID: roleID)
        let unjudged = try await harness.ranked(roleID: roleID)
        #expect(unjudged.allSatisfy { ["consider", "unlikely"].contains($0["tier"]?.stringValue ?? "") })
        // A role with requirements has no such warning.
        try await harness.putRole()
        #expect(try await harness.upload(ScoringTests.ann)["warnings"] == [])
    }
}
