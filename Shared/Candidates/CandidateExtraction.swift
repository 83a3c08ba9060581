import Core

/// Something a recruiter should look at before trusting a score.
package struct RedFlag: Codable, Sendable, Equatable {
    package var code: String
    package var message: String

    package static let schema: JSONValue = Schema.object([
        "code": Schema.string(enum: ["no_contact_route", "implausible_years", "short_tenures", "possible_duplicate", "ai_unavailable"]),
        "message": Schema.string(),
    ])
}

/// What extraction learns from a profile before any score: which profile fields are missing,
/// the red flags, and how complete the profile is. Deterministic: the same profile and the same
/// other candidates give the same result.
package struct CandidateExtraction: Sendable, Equatable {
    package var missingRequired: [String]
    package var missingPreferred: [String]
    package var redFlags: [RedFlag]
    /// 0–100; required fields count twice.
    package var completeness: Int

    package static let requiredFields = ["name", "contact (email or linkedin_url)", "current_role", "years_experience", "skills"]
    package static let preferredFields = ["email", "linkedin_url", "current_company", "industries", "education", "bio"]

    /// `sameNameAs`: other candidates of the role with the same name (possible duplicates).
    package init(_ profile: CandidateProfile, sameNameAs: [Int]) {
        let required: [(String, Bool)] = [
            ("name", !profile.name.isEmpty), ("contact (email or linkedin_url)", profile.email != nil || profile.linkedinURL != nil),
            ("current_role", profile.currentRole != nil), ("years_experience", profile.yearsExperience != nil), ("skills", !profile.skills.isEmpty),
        ]
        let preferred: [(String, Bool)] = [
            ("email", profile.email != nil), ("linkedin_url", profile.linkedinURL != nil), ("current_company", profile.currentCompany != nil),
            ("industries", !profile.industries.isEmpty), ("education", profile.education != nil), ("bio", profile.bio != nil),
        ]
        missingRequired = required.filter { !$0.1 }.map(\.0)
        missingPreferred = preferred.filter { !$0.1 }.map(\.0)
        let filled = 2 * required.filter(\.1).count + preferred.filter(\.1).count
        completeness = Int((100 * Double(filled) / Double(2 * required.count + preferred.count)).rounded())

        var flags: [RedFlag] = []
        if profile.email == nil && profile.linkedinURL == nil && profile.phone == nil {
            flags.append(RedFlag(code: "no_contact_route", message: "no email, LinkedIn URL or phone number: there is no way to reach this person"))
        }
        if let raw = profile.yearsRaw {
            let problem = FieldNormalizer.years(raw).map { "is not believable (read as \(Self.format($0)))" } ?? "could not be read as a number of years"
            flags.append(RedFlag(code: "implausible_years", message: "years of experience \"\(raw.prefixed(40))\" \(problem); it was not scored"))
        }
        if let tenure = Self.averageTenureMonths(profile), tenure < 12 {
            flags.append(RedFlag(code: "short_tenures", message: "about \(Self.format(tenure)) months per role on average"))
        }
        if !sameNameAs.isEmpty {
            let others = sameNameAs.prefix(5).map { "#\($0)" }.joined(separator: ", ")
            flags.append(RedFlag(code: "possible_duplicate", message: "another candidate for this role has the same name (\(others)) with other contact details"))
        }
        redFlags = flags
    }

    /// Months per role: the tenure column when the sheet has one, else years over the number of
    /// employers when the sheet lists previous ones (at least three, or the estimate says little).
    static func averageTenureMonths(_ profile: CandidateProfile) -> Double? {
        if let tenure = profile.tenureMonths { return tenure }
        guard let years = profile.yearsExperience, profile.previousCompanies.count >= 3 else { return nil }
        let employers = profile.previousCompanies.count + (profile.currentCompany == nil ? 0 : 1)
        return years * 12 / Double(employers)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
    }
}
