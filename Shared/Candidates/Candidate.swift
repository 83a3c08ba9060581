import Core
import Store

/// A candidate as the API shows it: the profile, the scores with their explanation, what is
/// missing or doubtful, and where the interview stands.
package struct Candidate: Codable, Sendable, Equatable {
    package static let interviewStatuses = ["not_scheduled", "briefing", "in_progress", "completed"]
    package static let recommendations = ["strong_hire", "hire", "no_hire", "strong_no_hire"]

    package var id: Int
    package var roleID: Int
    package var name: String
    package var email: String?
    package var linkedinURL: String?
    package var phone: String?
    package var location: String?
    package var currentRole: String?
    package var currentCompany: String?
    package var yearsExperience: Double?
    package var industries: [String]
    package var skills: [String]
    package var education: String?
    package var bio: String?
    package var previousCompanies: [String]
    package var tenureMonths: Double?
    package var extra: [String: String]
    package var algoScore: Double?
    package var aiScore: Double?
    package var combinedScore: Double?
    package var tier: String?
    package var scoreBreakdown: AlgorithmicScore?
    package var aiRationale: String?
    package var aiStatus: String
    package var aiProvider: String?
    package var missingRequiredFields: [String]
    package var missingPreferredFields: [String]
    /// The original's names for the two lists above (output aliases, same values).
    package var missingRequired: [String]
    package var missingPreferred: [String]
    package var redFlags: [RedFlag]
    package var completeness: Int?
    package var needsScoring: Bool
    package var interviewStatus: String
    package var roomName: String?
    package var roomURL: String?
    package var interviewScore: Double?
    package var recommendation: String?
    package var notes: String?
    package var source: String
    package var scoredAt: String?
    package var createdAt: String
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, name, email, phone, location, industries, skills, education, bio, extra, tier, completeness, recommendation, notes, source
        case roleID = "role_id"
        case linkedinURL = "linkedin_url"
        case currentRole = "current_role"
        case currentCompany = "current_company"
        case yearsExperience = "years_experience"
        case previousCompanies = "previous_companies"
        case tenureMonths = "tenure_months"
        case algoScore = "algo_score"
        case aiScore = "ai_score"
        case combinedScore = "combined_score"
        case scoreBreakdown = "score_breakdown"
        case aiRationale = "ai_rationale"
        case aiStatus = "ai_status"
        case aiProvider = "ai_provider"
        case missingRequiredFields = "missing_required_fields"
        case missingPreferredFields = "missing_preferred_fields"
        case missingRequired = "missing_required"
        case missingPreferred = "missing_preferred"
        case redFlags = "red_flags"
        case needsScoring = "needs_scoring"
        case interviewStatus = "interview_status"
        case roomName = "room_name"
        case roomURL = "room_url"
        case interviewScore = "interview_score"
        case scoredAt = "scored_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(row: Row) throws {
        let profile = try CandidateProfile(row: row)
        id = try row.int("id")
        roleID = try row.int("role_id")
        name = profile.name
        email = profile.email
        linkedinURL = profile.linkedinURL
        phone = profile.phone
        location = profile.location
        currentRole = profile.currentRole
        currentCompany = profile.currentCompany
        yearsExperience = profile.yearsExperience
        industries = profile.industries
        skills = profile.skills
        education = profile.education
        bio = profile.bio
        previousCompanies = profile.previousCompanies
        tenureMonths = profile.tenureMonths
        extra = profile.extra
        algoScore = row.optionalDouble("algo_score")
        aiScore = row.optionalDouble("ai_score")
        combinedScore = row.optionalDouble("combined_score")
        tier = row.optionalString("tier")
        scoreBreakdown = try row.optionalJSON("breakdown").map { try $0.decode(as: AlgorithmicScore.self) }
        aiRationale = row.optionalString("ai_rationale")
        aiStatus = try row.string("ai_status")
        aiProvider = row.optionalString("ai_provider")
        missingRequiredFields = try row.decode("missing_required", as: [String].self)
        missingPreferredFields = try row.decode("missing_preferred", as: [String].self)
        missingRequired = missingRequiredFields
        missingPreferred = missingPreferredFields
        redFlags = try row.decode("red_flags", as: [RedFlag].self)
        completeness = row.optionalInt("completeness")
        needsScoring = try row.int("needs_scoring") == 1
        interviewStatus = try row.string("interview_status")
        roomName = row.optionalString("room_name")
        roomURL = row.optionalString("room_url")
        interviewScore = row.optionalDouble("interview_score")
        recommendation = row.optionalString("recommendation")
        notes = row.optionalString("notes")
        source = try row.string("source")
        scoredAt = row.optionalDate("scored_at").map { Timestamp.format($0) }
        createdAt = Timestamp.format(try row.date("created_at"))
        updatedAt = Timestamp.format(try row.date("updated_at"))
    }

    package static let schema: JSONValue = {
        let text = Schema.nullable(Schema.string())
        let strings = Schema.array(Schema.string())
        return Schema.object([
            "id": Schema.integer(minimum: 1), "role_id": Schema.integer(minimum: 1), "name": Schema.string(),
            "email": text, "linkedin_url": text, "phone": text, "location": text, "current_role": text, "current_company": text,
            "years_experience": Schema.nullable(Schema.number(minimum: 0)), "industries": strings, "skills": strings,
            "education": text, "bio": text, "previous_companies": strings, "tenure_months": Schema.nullable(Schema.number(minimum: 0)),
            "extra": Schema.map(Schema.string(), "Columns of the upload that no field matched, by header"),
            "algo_score": Schema.nullable(Schema.number(minimum: 0, maximum: 100)),
            "ai_score": Schema.nullable(Schema.number(minimum: 0, maximum: 100)),
            "combined_score": Schema.nullable(Schema.number(minimum: 0, maximum: 100)),
            "tier": Schema.nullable(Schema.string(enum: Role.Tiers.names)),
            "score_breakdown": Schema.nullable(AlgorithmicScore.schema), "ai_rationale": text,
            "ai_status": Schema.string(enum: ["pending", "scored", "failed", "skipped"]), "ai_provider": text,
            "missing_required_fields": strings, "missing_preferred_fields": strings,
            "missing_required": Schema.array(Schema.string(), "The same as missing_required_fields (the original's name)"),
            "missing_preferred": Schema.array(Schema.string(), "The same as missing_preferred_fields"), "red_flags": Schema.array(RedFlag.schema),
            "completeness": Schema.nullable(Schema.integer(minimum: 0, maximum: 100)),
            "needs_scoring": Schema.boolean("Changed since it was last scored"),
            "interview_status": Schema.string(enum: interviewStatuses), "room_name": text, "room_url": text,
            "interview_score": Schema.nullable(Schema.number(minimum: 0, maximum: 100)),
            "recommendation": Schema.nullable(Schema.string(enum: recommendations)), "notes": text,
            "source": Schema.string(enum: ["csv_upload", "manual"]), "scored_at": Schema.nullable(Schema.string(format: "date-time")),
            "created_at": Schema.string(format: "date-time"), "updated_at": Schema.string(format: "date-time"),
        ])
    }()
}

extension CandidateProfile {
    init(row: Row) throws {
        self.init(name: try row.string("name"))
        email = row.optionalString("email")
        linkedinURL = row.optionalString("linkedin_url")
        phone = row.optionalString("phone")
        location = row.optionalString("location")
        currentRole = row.optionalString("current_title")
        currentCompany = row.optionalString("current_company")
        yearsExperience = row.optionalDouble("years_experience")
        yearsRaw = row.optionalString("years_raw")
        industries = try row.decode("industries", as: [String].self)
        skills = try row.decode("skills", as: [String].self)
        education = row.optionalString("education")
        bio = row.optionalString("bio")
        previousCompanies = try row.decode("history", as: [String].self)
        tenureMonths = row.optionalDouble("tenure_months")
        extra = try row.decode("extra", as: [String: String].self)
    }

    /// The profile columns, in the order of `appendColumnValues`, for INSERT and UPDATE.
    static let columnNames = ["name", "email", "linkedin_url", "phone", "location", "current_title", "current_company",
                              "years_experience", "years_raw", "industries", "skills", "education", "bio", "history",
                              "tenure_months", "extra"]

    /// The profile columns and their values, in one order, for UPDATE.
    var columnValues: [(String, any SQLBindable)] {
        var values: [SQLValue] = []
        appendColumnValues(to: &values)
        return zip(Self.columnNames, values).map { ($0, $1) }
    }

    /// The values of `columnNames`, in order, added to `values`: what a batched INSERT binds,
    /// with no per-value existential and the JSON columns rendered once.
    func appendColumnValues(to values: inout [SQLValue]) {
        func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
        func real(_ value: Double?) -> SQLValue { value.map(SQLValue.real) ?? .null }
        func list(_ items: [String]) -> SQLValue { .text(JSONValue.jsonText(strings: items)) }
        values.append(.text(name))
        values.append(text(email))
        values.append(text(linkedinURL))
        values.append(text(phone))
        values.append(text(location))
        values.append(text(currentRole))
        values.append(text(currentCompany))
        values.append(real(yearsExperience))
        values.append(text(yearsRaw))
        values.append(list(industries))
        values.append(list(skills))
        values.append(text(education))
        values.append(text(bio))
        values.append(list(previousCompanies))
        values.append(real(tenureMonths))
        values.append(.text(extra.isEmpty ? "{}" : JSONValue.object(extra.mapValues(JSONValue.string)).jsonText))
    }
}

extension JSONValue {
    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }
}
