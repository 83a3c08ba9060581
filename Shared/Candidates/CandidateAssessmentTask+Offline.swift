import Core

/// The offline provider's assessment: no model is called, so it reads what rules can read —
/// seniority in the title, experience beyond the minimum, the required skills and how stable the
/// tenures are — and says plainly that it is an offline estimate. Deterministic.
extension CandidateAssessmentTask {
    package func offlineAnswer() -> Output {
        var strengths: [String] = []
        var concerns: [String] = []
        let seniority = Self.seniority(profile.currentRole)
        var score = 35.0 + seniority.points

        let required = algorithmic.criteria.first { $0.criterion == "required_skills" }
        if let required, required.applies {
            score += 30 * required.fraction
            if required.fraction >= 0.75 {
                strengths.append("Covers \(algorithmic.matchedRequiredSkills.count) of \(role.requiredSkills.count) required skills")
            } else if !algorithmic.missingRequiredSkills.isEmpty {
                concerns.append("Missing required skills: " + algorithmic.missingRequiredSkills.prefix(4).joined(separator: ", "))
            }
        } else {
            score += 15
        }
        if let years = profile.yearsExperience {
            let minimum = max(role.minYears, 1)
            score += min(15, 10 * years / minimum - 5)
            if role.minYears > 0 && years >= role.minYears * 1.5 {
                strengths.append("\(CandidateExtraction.format(years)) years of experience, well above the \(CandidateExtraction.format(role.minYears)) asked for")
            } else if role.minYears > 0 && years < role.minYears {
                concerns.append("\(CandidateExtraction.format(years)) years of experience, below the \(CandidateExtraction.format(role.minYears)) asked for")
            }
        } else {
            concerns.append("Years of experience unknown")
        }
        if let label = seniority.label { strengths.append("\(label)-level title: \(profile.currentRole ?? "")") }
        if let tenure = CandidateExtraction.averageTenureMonths(profile), tenure < 12 {
            score -= 10
            concerns.append("Short tenures (about \(CandidateExtraction.format(tenure)) months per role)")
        }
        if (profile.bio?.count ?? 0) < 40 {
            score -= 5
            concerns.append("Little profile text to judge the experience by")
        }
        let final = Int(max(0, min(100, score)).rounded())
        let title = profile.currentRole.map { "\($0)" + (profile.currentCompany.map { " at \($0)" } ?? "") } ?? "No current role given"
        let strength: String = strengths.first.map(Self.lowercasingFirst) ?? "no clear strengths from the profile"
        let concern: String = concerns.first.map { "; " + Self.lowercasingFirst($0) } ?? ""
        let rationale = "Offline estimate (no language model was called): \(title); \(strength)\(concern)."
        return Output(score: final, rationale: String(rationale.prefix(600)), strengths: Array(strengths.prefix(3)).map { String($0.prefix(160)) },
                      concerns: Array(concerns.prefix(3)).map { String($0.prefix(160)) })
    }

    static func lowercasingFirst(_ text: String) -> String { text.prefix(1).lowercased() + text.dropFirst() }

    /// Points for seniority words in a title, and the level they name.
    static func seniority(_ title: String?) -> (points: Double, label: String?) {
        let words = Set((title ?? "").lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
        let levels: [(Set<String>, Double, String?)] = [
            (["chief", "vp", "vice", "director", "head"], 15, "Leadership"),
            (["principal", "staff", "architect", "distinguished"], 15, "Principal"),
            (["lead", "manager"], 12, "Lead"),
            (["senior", "sr"], 10, "Senior"),
            (["junior", "jr", "associate", "graduate", "trainee", "assistant"], -5, nil),
            (["intern", "internship", "student", "apprentice"], -15, nil),
        ]
        for (keys, points, label) in levels where !keys.isDisjoint(with: words) { return (points, label) }
        return (title == nil ? -5 : 5, nil)
    }
}
