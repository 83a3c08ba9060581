import Core

/// The deterministic score (0–100), explained per criterion so a recruiter can see where every
/// point came from. Criteria the role does not use (no required skills, no minimum years, no
/// industries) are left out and the others share their weight, so a role that asks for less
/// does not hand everyone free points.
package struct AlgorithmicScore: Codable, Sendable, Equatable {
    package struct Criterion: Codable, Sendable, Equatable {
        package var criterion: String
        /// Share of the score this criterion can give, after unused criteria were left out.
        package var weight: Double
        /// 0–1: how well the candidate meets it.
        package var fraction: Double
        package var points: Double
        package var applies: Bool
        package var detail: String
    }

    package var score: Double
    package var criteria: [Criterion]
    package var matchedRequiredSkills: [String]
    package var missingRequiredSkills: [String]
    package var matchedPreferredSkills: [String]

    enum CodingKeys: String, CodingKey {
        case score, criteria
        case matchedRequiredSkills = "matched_required_skills"
        case missingRequiredSkills = "missing_required_skills"
        case matchedPreferredSkills = "matched_preferred_skills"
    }

    /// Base weights, in points of 100 when every criterion applies.
    static let baseWeights: [(String, Double)] = [
        ("required_skills", 40), ("preferred_skills", 15), ("years_experience", 20), ("industry_match", 10), ("completeness", 15),
    ]

    package init(profile: CandidateProfile, extraction: CandidateExtraction, role: Role) {
        let matcher = SkillMatcher(skills: profile.skills, prose: [profile.bio, profile.currentRole])
        func coverage(_ skills: [String]) -> (fraction: Double, matched: [String], missing: [String], detail: String) {
            var credit = 0.0
            var matched: [String] = [], mentioned: [String] = [], missing: [String] = []
            for skill in skills {
                let evidence = matcher.evidence(for: skill)
                credit += evidence.credit
                switch evidence {
                case .listed: matched.append(skill)
                case .mentioned: mentioned.append(skill)
                case .missing: missing.append(skill)
                }
            }
            var parts = ["\(matched.count) of \(skills.count) listed"]
            if !mentioned.isEmpty { parts.append("mentioned only in the profile text: " + mentioned.joined(separator: ", ")) }
            if !missing.isEmpty { parts.append("missing: " + missing.joined(separator: ", ")) }
            return (skills.isEmpty ? 0 : credit / Double(skills.count), matched + mentioned, missing, parts.joined(separator: "; "))
        }
        let required = coverage(role.requiredSkills)
        let preferred = coverage(role.preferredSkills)

        var raw: [(name: String, applies: Bool, fraction: Double, detail: String)] = []
        raw.append(("required_skills", !role.requiredSkills.isEmpty, required.fraction,
                    role.requiredSkills.isEmpty ? "the role lists no required skills" : required.detail))
        raw.append(("preferred_skills", !role.preferredSkills.isEmpty, preferred.fraction,
                    role.preferredSkills.isEmpty ? "the role lists no preferred skills" : preferred.detail))
        let years = Self.yearsFraction(profile.yearsExperience, minimum: role.minYears)
        raw.append(("years_experience", role.minYears > 0, years.fraction, years.detail))
        let industry = Self.industryFraction(profile, role: role)
        raw.append(("industry_match", !role.industries.isEmpty, industry.fraction, industry.detail))
        raw.append(("completeness", true, Double(extraction.completeness) / 100,
                    "\(extraction.completeness)% of profile fields filled"
                        + (extraction.missingRequired.isEmpty ? "" : "; missing " + extraction.missingRequired.joined(separator: ", "))))

        let usedWeight = zip(Self.baseWeights, raw).filter { $0.1.applies }.map { $0.0.1 }.reduce(0, +)
        criteria = zip(Self.baseWeights, raw).map { base, item in
            let weight = item.applies ? base.1 / usedWeight * 100 : 0
            return Criterion(criterion: item.name, weight: Self.round(weight), fraction: Self.round(item.fraction, places: 3),
                             points: Self.round(weight * item.fraction), applies: item.applies, detail: item.detail)
        }
        score = Self.round(zip(Self.baseWeights, raw).filter { $0.1.applies }.map { $0.0.1 / usedWeight * 100 * $0.1.fraction }.reduce(0, +))
        matchedRequiredSkills = required.matched
        missingRequiredSkills = required.missing
        matchedPreferredSkills = preferred.matched
    }

    static func yearsFraction(_ years: Double?, minimum: Double) -> (fraction: Double, detail: String) {
        guard minimum > 0 else { return (1, "the role sets no minimum years") }
        guard let years else { return (0, "years of experience unknown; the role asks for \(CandidateExtraction.format(minimum))") }
        let shown = "\(CandidateExtraction.format(years)) years against a minimum of \(CandidateExtraction.format(minimum))"
        return years >= minimum ? (1, shown) : (years / minimum, shown)
    }

    static func industryFraction(_ profile: CandidateProfile, role: Role) -> (fraction: Double, detail: String) {
        guard !role.industries.isEmpty else { return (0, "the role names no industries") }
        // Whole words, either way round: "Fintech" is in "Fintech / Payments", "IT" is not in "Security".
        let have = profile.industries.map(IndustryWords.init)
        if let hit = role.industries.first(where: { industry in
            let want = IndustryWords(industry)
            return have.contains { $0.contains(want) || want.contains($0) }
        }) {
            return (1, "worked in \(hit)")
        }
        let matcher = SkillMatcher(skills: [], prose: [profile.bio, profile.currentCompany, profile.currentRole])
        if let hit = role.industries.first(where: { matcher.evidence(for: $0) == .mentioned }) {
            return (0.5, "\(hit) mentioned in the profile text only")
        }
        return (0, profile.industries.isEmpty ? "no industries given" : "industries " + profile.industries.joined(separator: ", ") + " are not among the role's")
    }

    static func round(_ value: Double, places: Int = 1) -> Double {
        let scale = places == 1 ? 10.0 : 1000.0
        return (value * scale).rounded() / scale
    }

    package static let schema: JSONValue = Schema.object([
        "score": Schema.number(minimum: 0, maximum: 100),
        "criteria": Schema.array(Schema.object([
            "criterion": Schema.string(enum: baseWeights.map(\.0)), "weight": Schema.number(minimum: 0, maximum: 100),
            "fraction": Schema.number(minimum: 0, maximum: 1), "points": Schema.number(minimum: 0, maximum: 100),
            "applies": Schema.boolean(), "detail": Schema.string(),
        ])),
        "matched_required_skills": Schema.array(Schema.string()), "missing_required_skills": Schema.array(Schema.string()),
        "matched_preferred_skills": Schema.array(Schema.string()),
    ])
}
