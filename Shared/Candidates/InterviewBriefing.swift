import Core

/// What an interviewer reads before the call, built from the candidate's record (profile,
/// score breakdown, red flags, AI rationale): deterministic, so it needs no model call and
/// reads the same every time it is shown.
package struct InterviewBriefing: Codable, Sendable, Equatable {
    package var summary: String
    package var strengths: [String]
    package var gaps: [String]
    package var redFlags: [String]
    package var suggestedQuestions: [String]
    package var aiRationale: String?

    enum CodingKeys: String, CodingKey {
        case summary, strengths, gaps
        case redFlags = "red_flags"
        case suggestedQuestions = "suggested_questions"
        case aiRationale = "ai_rationale"
    }

    package static let schema: JSONValue = Schema.object([
        "summary": Schema.string(), "strengths": Schema.array(Schema.string()), "gaps": Schema.array(Schema.string()),
        "red_flags": Schema.array(Schema.string()), "suggested_questions": Schema.array(Schema.string(), "Three questions"),
        "ai_rationale": Schema.nullable(Schema.string()),
    ])

    package init(candidate: Candidate, role: Role) {
        let years = candidate.yearsExperience.map { "\(CandidateExtraction.format($0)) years of experience" } ?? "experience not stated"
        let position = [candidate.currentRole, candidate.currentCompany.map { "at \($0)" }].compactMap { $0 }.joined(separator: " ")
        let score = candidate.combinedScore.map { ", combined score \(CandidateExtraction.format($0)) (\(candidate.tier ?? "unscored"))" } ?? ", not scored yet"
        let target = role.isDefault ? "" : ", for \(role.title)"
        summary = "\(candidate.name): \(position.isEmpty ? "current role not given" : position), \(years)\(target)\(score)."

        let breakdown = candidate.scoreBreakdown
        var strengths: [String] = []
        var gaps: [String] = []
        if let breakdown {
            if !breakdown.matchedRequiredSkills.isEmpty { strengths.append("Required skills: " + breakdown.matchedRequiredSkills.joined(separator: ", ")) }
            if !breakdown.matchedPreferredSkills.isEmpty { strengths.append("Preferred skills: " + breakdown.matchedPreferredSkills.joined(separator: ", ")) }
            if !breakdown.missingRequiredSkills.isEmpty { gaps.append("No evidence of " + breakdown.missingRequiredSkills.joined(separator: ", ")) }
            for criterion in breakdown.criteria where criterion.applies && ["years_experience", "industry_match"].contains(criterion.criterion) {
                if criterion.fraction >= 1 { strengths.append(criterion.detail) } else { gaps.append(criterion.detail) }
            }
        }
        if !candidate.missingRequiredFields.isEmpty { gaps.append("Profile is missing " + candidate.missingRequiredFields.joined(separator: ", ")) }
        self.strengths = strengths
        self.gaps = gaps
        redFlags = candidate.redFlags.map(\.message)
        aiRationale = candidate.aiRationale
        suggestedQuestions = Self.questions(candidate: candidate, role: role, missingSkills: breakdown?.missingRequiredSkills ?? [])
    }

    /// Three questions: one probing the strongest claim, one on the biggest gap, one on a red
    /// flag or motivation.
    static func questions(candidate: Candidate, role: Role, missingSkills: [String]) -> [String] {
        var questions: [String] = []
        if let skill = candidate.scoreBreakdown?.matchedRequiredSkills.first ?? candidate.skills.first {
            questions.append("Walk me through a recent project where you used \(skill): what was hard, and what would you do differently?")
        } else {
            questions.append("Walk me through the piece of work you are proudest of in your current role.")
        }
        if let gap = missingSkills.first {
            questions.append("This role needs \(gap). How have you worked with it, or how would you get up to speed?")
        } else if let years = candidate.yearsExperience, role.minYears > 0, years < role.minYears {
            questions.append("The role usually needs \(CandidateExtraction.format(role.minYears)) years; which of your experience best shows you can work at that level?")
        } else {
            questions.append("What is the largest scope you have owned (team, system or budget), and how did you measure success?")
        }
        let rolePhrase = role.isDefault ? "this role" : role.title.lowercased().hasSuffix("role") ? "the \(role.title)" : "a \(role.title) role"
        if let flag = candidate.redFlags.first(where: { $0.code == "short_tenures" }) {
            questions.append("Your recent moves came fairly quickly (\(flag.message)); what led to them, and what would make you stay?")
        } else if let company = candidate.currentCompany {
            questions.append("What makes you want to leave \(company) for \(rolePhrase) now?")
        } else {
            questions.append("What are you looking for in your next role, and why \(role.isDefault ? "this one" : role.title)?")
        }
        return questions
    }
}
