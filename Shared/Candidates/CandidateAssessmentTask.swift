import Core
import Providers

/// The AI score: one structured call per candidate that reads the profile against the role as
/// a recruiter would (seniority, relevance of the experience, what the text says beyond the
/// keywords) and answers with a score and a short rationale.
package struct CandidateAssessmentTask: StructuredTask {
    package struct Output: Codable, Sendable, Equatable {
        package var score: Int
        package var rationale: String
        package var strengths: [String]
        package var concerns: [String]
    }

    package let role: Role
    package let profile: CandidateProfile
    package let algorithmic: AlgorithmicScore

    package init(role: Role, profile: CandidateProfile, algorithmic: AlgorithmicScore) {
        self.role = role
        self.profile = profile
        self.algorithmic = algorithmic
    }

    package let step = "candidates.assess"
    package let schemaName = "candidate_assessment"
    package var maxTokens: Int { 400 }
    package var temperature: Double { 0 }

    package var schema: JSONValue {
        Schema.object([
            "score": Schema.integer("0 (no fit) to 100 (exceptional fit) for this role", minimum: 0, maximum: 100),
            "rationale": Schema.string("One to three sentences on why, naming the evidence", minLength: 1, maxLength: 600),
            "strengths": Schema.array(Schema.string(maxLength: 160), "Up to three"),
            "concerns": Schema.array(Schema.string(maxLength: 160), "Up to three"),
        ])
    }

    package var system: String {
        """
        You screen job candidates for a recruiter. Score how well the candidate fits the role from 0 to 100, judging \
        the substance of their experience (seniority, relevance, scope, trajectory) rather than counting keywords; a \
        separate algorithm already checks the skill list. Use only the profile given; do not invent facts, and treat \
        missing information as unknown, not as bad. Never consider age, gender, ethnicity, nationality, religion, \
        disability or any other protected trait. Write a plain rationale of one to three sentences, and up to three \
        short strengths and concerns.
        """
    }

    package var prompt: String {
        var lines = ["Role: \(role.title)"]
        if let description = role.description { lines.append("About the role: \(description.prefix(1500))") }
        if !role.requiredSkills.isEmpty { lines.append("Required skills: " + role.requiredSkills.joined(separator: ", ")) }
        if !role.preferredSkills.isEmpty { lines.append("Preferred skills: " + role.preferredSkills.joined(separator: ", ")) }
        if role.minYears > 0 { lines.append("Minimum years of experience: \(CandidateExtraction.format(role.minYears))") }
        if !role.industries.isEmpty { lines.append("Industries: " + role.industries.joined(separator: ", ")) }
        lines.append("")
        lines.append("Candidate:")
        lines.append("Current role: \(profile.currentRole ?? "unknown") at \(profile.currentCompany ?? "unknown company")")
        lines.append("Years of experience: \(profile.yearsExperience.map(CandidateExtraction.format) ?? "unknown")")
        if !profile.skills.isEmpty { lines.append("Skills: " + profile.skills.prefix(40).joined(separator: ", ")) }
        if !profile.industries.isEmpty { lines.append("Industries: " + profile.industries.joined(separator: ", ")) }
        if !profile.previousCompanies.isEmpty { lines.append("Previous companies: " + profile.previousCompanies.joined(separator: ", ")) }
        if let education = profile.education { lines.append("Education: \(education)") }
        if let bio = profile.bio { lines.append("Profile text: \(bio.prefix(3000))") }
        return lines.joined(separator: "\n")
    }

    package func validate(_ output: Output) -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        if output.rationale.trimmingWhitespace().isEmpty { problems.append(ErrorDetail(field: "$.rationale", problem: "must not be blank")) }
        if output.strengths.count > 3 { problems.append(ErrorDetail(field: "$.strengths", problem: "at most three")) }
        if output.concerns.count > 3 { problems.append(ErrorDetail(field: "$.concerns", problem: "at most three")) }
        return problems
    }
}
