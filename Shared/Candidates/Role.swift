import Core
import Store

/// A role candidates are scored against: the skills it needs and prefers, the experience it asks
/// for, the industries that count, how algorithmic and AI scores are weighed, and where the
/// tiers start.
package struct Role: Codable, Sendable, Equatable {
    package struct Weights: Codable, Sendable, Equatable {
        package var algo: Double
        package var ai: Double
        package static let standard = Weights(algo: 0.6, ai: 0.4)

        package init(algo: Double, ai: Double) {
            self.algo = algo
            self.ai = ai
        }
    }

    /// The lowest combined score of each tier; below `consider` is "unlikely".
    package struct Tiers: Codable, Sendable, Equatable {
        package var top: Double
        package var strong: Double
        package var consider: Double
        package static let standard = Tiers(top: 80, strong: 65, consider: 50)
        package static let names = ["top", "strong", "consider", "unlikely"]

        package init(top: Double, strong: Double, consider: Double) {
            self.top = top
            self.strong = strong
            self.consider = consider
        }

        package func tier(for score: Double) -> String {
            score >= top ? "top" : score >= strong ? "strong" : score >= consider ? "consider" : "unlikely"
        }
    }

    package var id: Int
    package var title: String
    package var description: String?
    package var requiredSkills: [String]
    package var preferredSkills: [String]
    package var minYears: Double
    package var industries: [String]
    package var weights: Weights
    package var tiers: Tiers
    package var isDefault: Bool
    /// Goes up whenever scoring-relevant parts change; scores are stored only under the revision
    /// they were computed with.
    package var revision: Int
    package var createdAt: String
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, title, description, industries, weights, tiers
        case requiredSkills = "required_skills"
        case preferredSkills = "preferred_skills"
        case minYears = "min_years"
        case isDefault = "is_default"
        case revision
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(row: Row) throws {
        id = try row.int("id")
        title = try row.string("title")
        description = row.optionalString("description")
        requiredSkills = try row.decode("required_skills", as: [String].self)
        preferredSkills = try row.decode("preferred_skills", as: [String].self)
        minYears = try row.double("min_years")
        industries = try row.decode("industries", as: [String].self)
        weights = Weights(algo: try row.double("weight_algo"), ai: try row.double("weight_ai"))
        tiers = try row.decode("tiers", as: Tiers.self)
        isDefault = try row.int("is_default") == 1
        revision = try row.int("revision")
        createdAt = Timestamp.format(try row.date("created_at"))
        updatedAt = Timestamp.format(try row.date("updated_at"))
    }

    /// Whether the role asks for anything the algorithmic score can measure: skills, years or
    /// industries. Without any, that score only says how complete a profile is.
    package var hasRequirements: Bool {
        !requiredSkills.isEmpty || !preferredSkills.isEmpty || minYears > 0 || !industries.isEmpty
    }

    /// A candidate's combined score and tier under this role. With requirements, the algorithmic
    /// and AI scores are weighed by `weights` and the tier comes from the thresholds. Without any,
    /// completeness is no measure of fit: the AI assessment (which reads the whole profile against
    /// the role's title and description) alone decides the score, a candidate without one keeps the
    /// algorithmic score; the tier given here is provisional, since the store re-tiers such a role
    /// by rank (`RankTiers`) whenever its scores are stored.
    package func rank(algo: Double, ai: Double?) -> (combined: Double, tier: String) {
        guard !hasRequirements else {
            let combined = CandidateScorer.combine(algo: algo, ai: ai, weights: weights)
            return (combined, tiers.tier(for: combined))
        }
        if let ai, weights.ai > 0 { return (AlgorithmicScore.round(ai), tiers.tier(for: ai)) }
        let tier = tiers.tier(for: algo)
        return (algo, tier == "top" || tier == "strong" ? "consider" : tier)
    }

    /// What an upload for this role says when the role asks for nothing.
    package var requirementsWarning: String? {
        guard !hasRequirements else { return nil }
        let basis = (weights.ai > 0 ? "the AI assessment alone ranks the candidates" : "no candidate is placed above consider")
            + "; tiers are by rank within the role (top 10 %, strong 25 %, consider 30 %, the rest unlikely)"
        return "role \(id) (\(title)) has no requirements, so the algorithmic score only measures profile completeness and \(basis); "
            + "set required_skills, preferred_skills, min_years or industries with PUT /roles/\(id) to score fit"
    }

    /// Whether candidates' scores under `other` still hold under this role (weights and tiers
    /// only change how the scores combine).
    package func judgesLike(_ other: Role) -> Bool {
        requiredSkills == other.requiredSkills && preferredSkills == other.preferredSkills && minYears == other.minYears
            && industries == other.industries && title == other.title && description == other.description
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "title": Schema.string(), "description": Schema.nullable(Schema.string()),
        "required_skills": Schema.array(Schema.string()), "preferred_skills": Schema.array(Schema.string()),
        "min_years": Schema.number(minimum: 0), "industries": Schema.array(Schema.string()),
        "weights": Schema.object(["algo": Schema.number(minimum: 0, maximum: 1), "ai": Schema.number(minimum: 0, maximum: 1)]),
        "tiers": Schema.object(["top": Schema.number(), "strong": Schema.number(), "consider": Schema.number()]),
        "is_default": Schema.boolean("Created for uploads that named no role"),
        "revision": Schema.integer("Goes up when what decides the scores changes", minimum: 1),
        "created_at": Schema.string(format: "date-time"), "updated_at": Schema.string(format: "date-time"),
    ])
}

/// A role as `PUT /roles/{id}` sends it, checked; missing optional parts take their defaults.
package struct RoleDefinition: Sendable, Equatable {
    package var title: String
    package var description: String?
    package var requiredSkills: [String] = []
    package var preferredSkills: [String] = []
    package var minYears: Double = 0
    package var industries: [String] = []
    package var weights: Role.Weights = .standard
    package var tiers: Role.Tiers = .standard

    package static let fallback = RoleDefinition(title: "Default role",
                                                 description: "Created for an upload that named no role; set its skills with PUT /roles/{id}.")

    package init(title: String, description: String? = nil) {
        self.title = title
        self.description = description
    }

    package init(title: String?, description: String?, requiredSkills: JSONValue?, preferredSkills: JSONValue?, minYears: Double?,
                 industries: JSONValue?, weights: JSONValue?, tiers: JSONValue?) throws {
        var problems: [ErrorDetail] = []
        let cleanTitle = FieldNormalizer.text(title) ?? ""
        if cleanTitle.isEmpty { problems.append(ErrorDetail(field: "title", problem: "is required")) }
        if cleanTitle.count > 200 { problems.append(ErrorDetail(field: "title", problem: "must be at most 200 characters")) }
        self.title = cleanTitle
        self.description = FieldNormalizer.text(description, keepLines: true).map { String($0.prefix(4000)) }
        func list(_ value: JSONValue?, _ field: String) -> [String] {
            switch value {
            case nil, .null?: return []
            case .string(let text)?: return FieldNormalizer.list(text)
            case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
                let joined = FieldNormalizer.list(items.compactMap(\.stringValue).joined(separator: "|"))
                if joined.count > 50 { problems.append(ErrorDetail(field: field, problem: "at most 50 entries")) }
                return joined
            default:
                problems.append(ErrorDetail(field: field, problem: "must be a list of strings"))
                return []
            }
        }
        self.requiredSkills = list(requiredSkills, "required_skills")
        self.preferredSkills = list(preferredSkills, "preferred_skills")
        self.industries = list(industries, "industries")
        self.minYears = minYears ?? 0
        if !(0...50).contains(self.minYears) { problems.append(ErrorDetail(field: "min_years", problem: "must be 0 to 50")) }
        if let weights, weights != .null {
            let algo = weights["algo"]?.doubleValue, ai = weights["ai"]?.doubleValue
            if weights.objectValue == nil || algo == nil || ai == nil || weights.objectValue!.count != 2 {
                problems.append(ErrorDetail(field: "weights", problem: "must be {\"algo\": number, \"ai\": number}"))
            } else if let algo, let ai {
                if !(0...1).contains(algo) || !(0...1).contains(ai) || abs(algo + ai - 1) > 0.001 {
                    problems.append(ErrorDetail(field: "weights", problem: "algo and ai must each be 0 to 1 and sum to 1 (got \(algo) + \(ai))"))
                }
                self.weights = Role.Weights(algo: algo, ai: ai)
            }
        }
        if let tiers, tiers != .null {
            let top = tiers["top"]?.doubleValue, strong = tiers["strong"]?.doubleValue, consider = tiers["consider"]?.doubleValue
            if let top, let strong, let consider, tiers.objectValue?.count == 3 {
                if !(0...100).contains(top) || !(0...100).contains(strong) || !(0...100).contains(consider) || !(top > strong && strong > consider) {
                    problems.append(ErrorDetail(field: "tiers", problem: "must be 0 to 100 with top > strong > consider"))
                }
                self.tiers = Role.Tiers(top: top, strong: strong, consider: consider)
            } else {
                problems.append(ErrorDetail(field: "tiers", problem: "must be {\"top\": number, \"strong\": number, \"consider\": number}"))
            }
        }
        if !problems.isEmpty { throw BundleError.validation(problems) }
    }
}
