import Core
import Store

/// A `PATCH /candidates/{id}` body, checked field by field: only profile and interview fields
/// can be edited, `null` clears an optional one, scores and identifiers are computed or fixed
/// and refused, and an unknown field is refused by name rather than ignored.
package struct CandidateEdit: Sendable {
    private var changes: [@Sendable (inout CandidateProfile) -> Void] = []
    /// Interview columns and their new values.
    private(set) var interviewColumns: [(String, any SQLBindable & Sendable)] = []
    package private(set) var fields: [String] = []

    static let profileFields: Set<String> = ["name", "email", "linkedin_url", "phone", "location", "current_role", "current_company",
                                             "years_experience", "industries", "skills", "education", "bio", "previous_companies", "tenure_months"]
    static let interviewFields: Set<String> = ["interview_status", "interview_score", "recommendation", "notes"]
    static let computedFields: Set<String> = ["role_id", "algo_score", "ai_score", "combined_score", "tier", "score_breakdown", "ai_rationale",
                                              "ai_status", "ai_provider", "missing_required_fields", "missing_preferred_fields", "red_flags",
                                              "completeness", "needs_scoring", "room_name", "room_url", "source", "scored_at", "created_at",
                                              "updated_at", "extra"]

    package init(_ input: JSONValue) throws {
        guard case .object(let body) = input else { throw BundleError(.invalidRequest, "the body must be a JSON object") }
        var problems: [ErrorDetail] = []
        for (field, value) in body.sorted(by: { $0.key < $1.key }) where field != "_http" && field != "id" {
            if Self.computedFields.contains(field) {
                problems.append(ErrorDetail(field: field, problem: "is not editable (computed or fixed)"))
            } else if Self.profileFields.contains(field) {
                if let problem = addProfileChange(field, value) { problems.append(ErrorDetail(field: field, problem: problem)) }
            } else if Self.interviewFields.contains(field) {
                if let problem = addInterviewChange(field, value) { problems.append(ErrorDetail(field: field, problem: problem)) }
            } else {
                problems.append(ErrorDetail(field: field, problem: "unknown field; editable: "
                                            + (Self.profileFields.union(Self.interviewFields)).sorted().joined(separator: ", ")))
            }
        }
        if !problems.isEmpty { throw BundleError.validation(problems) }
        if fields.isEmpty { throw BundleError.validation(field: "body", "no field to change") }
    }

    func apply(to profile: CandidateProfile) -> CandidateProfile {
        var result = profile
        for change in changes { change(&result) }
        return result
    }

    private mutating func addProfileChange(_ field: String, _ value: JSONValue) -> String? {
        fields.append(field)
        let isNull = value == .null
        switch field {
        case "industries", "skills", "previous_companies":
            let list: [String]
            switch value {
            case .null: list = []
            case .string(let text): list = FieldNormalizer.list(text)
            case .array(let items) where items.allSatisfy({ $0.stringValue != nil }):
                list = FieldNormalizer.list(items.compactMap(\.stringValue).joined(separator: "|"))
            default: return "must be a list of strings"
            }
            changes.append { profile in
                switch field {
                case "industries": profile.industries = list
                case "skills": profile.skills = list
                default: profile.previousCompanies = list
                }
            }
        case "years_experience", "tenure_months":
            guard isNull || value.doubleValue != nil else { return "must be a number or null" }
            let number = value.doubleValue
            if field == "years_experience" {
                if let number, !YearsCheck.isPlausible(number) { return "must be 0 to 60" }
                changes.append { $0.yearsExperience = number; $0.yearsRaw = nil }
            } else {
                if let number, !(0...600).contains(number) { return "must be 0 to 600 months" }
                changes.append { $0.tenureMonths = number }
            }
        default:
            guard isNull || value.stringValue != nil else { return "must be a string or null" }
            let text = FieldNormalizer.text(value.stringValue, keepLines: field == "bio")
            if let text, text.count > (field == "bio" ? CandidateSheet.maxBioLength : CandidateSheet.maxFieldLength) { return "is too long" }
            switch field {
            case "name":
                guard let text else { return "must not be empty" }
                changes.append { $0.name = String(text.prefix(200)) }
            case "email":
                let email = text.flatMap(FieldNormalizer.email)
                if text != nil && email == nil { return "is not an email address" }
                changes.append { $0.email = email }
            case "linkedin_url":
                let url = text.flatMap(FieldNormalizer.linkedin)
                if text != nil && url == nil { return "is not a LinkedIn profile URL (https://www.linkedin.com/in/...)" }
                changes.append { $0.linkedinURL = url }
            case "phone": changes.append { $0.phone = text }
            case "location": changes.append { $0.location = text }
            case "current_role": changes.append { $0.currentRole = text }
            case "current_company": changes.append { $0.currentCompany = text }
            case "education": changes.append { $0.education = text }
            default: changes.append { $0.bio = text }
            }
        }
        return nil
    }

    private mutating func addInterviewChange(_ field: String, _ value: JSONValue) -> String? {
        fields.append(field)
        switch field {
        case "interview_status":
            guard let status = value.stringValue, Candidate.interviewStatuses.contains(status) else {
                return "must be one of " + Candidate.interviewStatuses.joined(separator: ", ")
            }
            interviewColumns.append((field, status))
        case "interview_score":
            if value == .null { interviewColumns.append((field, Double?.none)); return nil }
            guard let score = value.doubleValue, (0...100).contains(score) else { return "must be a number from 0 to 100, or null" }
            interviewColumns.append((field, score))
        case "recommendation":
            if value == .null { interviewColumns.append((field, String?.none)); return nil }
            guard let choice = value.stringValue, Candidate.recommendations.contains(choice) else {
                return "must be one of " + Candidate.recommendations.joined(separator: ", ") + ", or null"
            }
            interviewColumns.append((field, choice))
        default:
            if value == .null { interviewColumns.append((field, String?.none)); return nil }
            guard let text = value.stringValue, text.count <= 20_000 else { return "must be a string of at most 20,000 characters, or null" }
            interviewColumns.append((field, text))
        }
        return nil
    }

    /// The input schema: every editable field, nothing else.
    package static let schema: JSONValue = {
        let text = Schema.nullable(Schema.string())
        let list = Schema.listOrText("A list, or one string split on commas, semicolons or pipes", nullable: true)
        return Schema.object([
            "id": Schema.integer(minimum: 1), "name": Schema.string(minLength: 1, maxLength: 200), "email": text, "linkedin_url": text,
            "phone": text, "location": text, "current_role": text, "current_company": text,
            "years_experience": Schema.nullable(Schema.number(minimum: 0, maximum: 60)), "industries": list, "skills": list,
            "education": text, "bio": text, "previous_companies": list, "tenure_months": Schema.nullable(Schema.number(minimum: 0)),
            "interview_status": Schema.string(enum: Candidate.interviewStatuses),
            "interview_score": Schema.nullable(Schema.number(minimum: 0, maximum: 100)),
            "recommendation": Schema.nullable(Schema.string(enum: Candidate.recommendations)), "notes": text,
        ], required: ["id"])
    }()
}
