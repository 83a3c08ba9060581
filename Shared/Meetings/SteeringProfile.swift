import Core
import FoundationEssentials

/// What the meeting-prep agent is steered by: the product, the ideal customer, the pains it
/// solves, claims it must never make, competitors, how much each kind of research counts, and
/// rules that keep the writing specific. Versions are immutable; every change is a new version.
package struct SteeringProfile: Codable, Sendable, Equatable {
    package struct Weights: Codable, Sendable, Equatable {
        package var news: Double
        package var rolePains: Double
        package var competitors: Double

        enum CodingKeys: String, CodingKey {
            case news, competitors
            case rolePains = "role_pains"
        }

        package static let keys = ["news", "role_pains", "competitors"]

        package init(news: Double, rolePains: Double, competitors: Double) {
            self.news = news
            self.rolePains = rolePains
            self.competitors = competitors
        }

        package subscript(key: String) -> Double {
            get { key == "news" ? news : key == "role_pains" ? rolePains : competitors }
            set {
                switch key {
                case "news": news = newValue
                case "role_pains": rolePains = newValue
                default: competitors = newValue
                }
            }
        }

        package var sum: Double { news + rolePains + competitors }
    }

    package var productFocus: String
    package var icp: String
    package var keyPains: [String]
    package var disallowedClaims: [String]
    package var competitors: [String]
    package var weights: Weights
    package var specificityRules: [String]

    enum CodingKeys: String, CodingKey {
        case icp, competitors, weights
        case productFocus = "product_focus"
        case keyPains = "key_pains"
        case disallowedClaims = "disallowed_claims"
        case specificityRules = "specificity_rules"
    }

    /// Version 1, created on first use; `PUT /steering` makes it the team's own.
    package static let defaultProfile = SteeringProfile(
        productFocus: "An AI assistant that prepares sales reps for every customer meeting: research, talking points and follow-up emails.",
        icp: "B2B companies with 20 to 500 employees whose sales teams run many discovery and demo calls a week.",
        keyPains: ["Reps walk into calls unprepared", "Research before each meeting takes 20 to 40 minutes",
                   "Follow-up emails are slow and generic"],
        disallowedClaims: ["guaranteed results", "100% accuracy", "replaces your sales team"],
        competitors: ["Gong", "Chorus", "Clari"],
        weights: Weights(news: 0.4, rolePains: 0.35, competitors: 0.25),
        specificityRules: ["Tie every insight to a source about this company or this role, not to the industry in general."])

    /// Weights are each between 0 and 1 and sum to 1; texts and lists are bounded.
    package func problems() -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        for key in Weights.keys where !(0...1).contains(weights[key]) || !weights[key].isFinite {
            problems.append(ErrorDetail(field: "weights.\(key)", problem: "must be between 0 and 1"))
        }
        if abs(weights.sum - 1) > 0.001 {
            problems.append(ErrorDetail(field: "weights", problem: "must sum to 1, they sum to \(JSONValue.number((weights.sum * 1000).rounded() / 1000).jsonText)"))
        }
        for (field, text) in [("product_focus", productFocus), ("icp", icp)] where text.trimmingWhitespace().isEmpty || text.count > 2000 {
            problems.append(ErrorDetail(field: field, problem: "must be 1 to 2000 characters"))
        }
        for (field, list) in [("key_pains", keyPains), ("disallowed_claims", disallowedClaims), ("competitors", competitors),
                              ("specificity_rules", specificityRules)] {
            if list.count > 50 { problems.append(ErrorDetail(field: field, problem: "must have at most 50 entries")) }
            if list.contains(where: { $0.trimmingWhitespace().isEmpty || $0.count > 500 }) {
                problems.append(ErrorDetail(field: field, problem: "entries must be 1 to 500 characters"))
            }
        }
        return problems
    }

    /// The fields that differ from `other`, for the version history.
    package func changes(from other: SteeringProfile) throws -> [String] {
        guard case .object(let mine) = try JSONValue(encoding: self), case .object(let theirs) = try JSONValue(encoding: other) else { return [] }
        var changed: [String] = []
        for key in mine.keys.sorted() where mine[key] != theirs[key] {
            if key == "weights", case .object(let a)? = mine[key], case .object(let b)? = theirs[key] {
                changed += a.keys.sorted().filter { a[$0] != b[$0] }.map { "weights.\($0)" }
            } else {
                changed.append(key)
            }
        }
        return changed
    }
}
