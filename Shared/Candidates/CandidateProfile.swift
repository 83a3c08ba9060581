import Core

/// What is known about a candidate before scoring, in normalised form: what an upload row or a
/// manual edit provides. Years that could not be read keep their text in `yearsRaw` so the red
/// flag can quote them.
package struct CandidateProfile: Sendable, Equatable {
    package var name: String
    package var email: String?
    package var linkedinURL: String?
    package var phone: String?
    package var location: String?
    package var currentRole: String?
    package var currentCompany: String?
    package var yearsExperience: Double?
    package var yearsRaw: String?
    package var industries: [String] = []
    package var skills: [String] = []
    package var education: String?
    package var bio: String?
    package var previousCompanies: [String] = []
    package var tenureMonths: Double?
    /// Columns no rule recognised, by their header.
    package var extra: [String: String] = [:]

    package init(name: String) {
        self.name = name
    }

    /// The identity used when a row has neither email nor LinkedIn URL: name and company.
    package var fallbackKey: String {
        name.lowercased() + "|" + (currentCompany?.lowercased() ?? "")
    }

    /// `other`'s values where it has them; a blank cell never erases what is known.
    package func merged(with other: CandidateProfile) -> CandidateProfile {
        var result = self
        result.name = other.name
        result.email = other.email ?? email
        result.linkedinURL = other.linkedinURL ?? linkedinURL
        result.phone = other.phone ?? phone
        result.location = other.location ?? location
        result.currentRole = other.currentRole ?? currentRole
        result.currentCompany = other.currentCompany ?? currentCompany
        if other.yearsExperience != nil || other.yearsRaw != nil {
            result.yearsExperience = other.yearsExperience
            result.yearsRaw = other.yearsRaw
        }
        if !other.industries.isEmpty { result.industries = other.industries }
        if !other.skills.isEmpty { result.skills = other.skills }
        result.education = other.education ?? education
        result.bio = other.bio ?? bio
        if !other.previousCompanies.isEmpty { result.previousCompanies = other.previousCompanies }
        result.tenureMonths = other.tenureMonths ?? tenureMonths
        result.extra.merge(other.extra) { $1 }
        return result
    }

    /// Whether scoring reads anything that differs between the two.
    package func differsInScoredFields(from other: CandidateProfile) -> Bool {
        currentRole != other.currentRole || currentCompany != other.currentCompany || yearsExperience != other.yearsExperience
            || yearsRaw != other.yearsRaw || industries != other.industries || skills != other.skills || education != other.education
            || bio != other.bio || previousCompanies != other.previousCompanies || tenureMonths != other.tenureMonths
            || (email == nil) != (other.email == nil) || (linkedinURL == nil) != (other.linkedinURL == nil)
            || (phone == nil) != (other.phone == nil) || location != other.location || name != other.name
    }
}
