import Core
import FoundationEssentials
import Store

/// One catalogue solution as the API shows it (`GET /api/v1/solutions`, `POST` answers).
package struct Solution: Codable, Sendable, Equatable {
    package var id: Int
    package var name: String
    package var category: String
    package var description: String
    package var useCases: [String]
    package var industries: [String]
    package var keywords: [String]
    package var pricingModel: String
    package var docsURL: String?
    /// `catalogue` (the shipped or configured CSV) or `api` (added with `POST`).
    package var source: String
    package var lastUpdated: String

    enum CodingKeys: String, CodingKey {
        case id, name, category, description, industries, keywords, source
        case useCases = "use_cases"
        case pricingModel = "pricing_model"
        case docsURL = "docs_url"
        case lastUpdated = "last_updated"
    }

    init(row: Row) throws {
        id = try row.int("id")
        name = try row.string("name")
        category = try row.string("category")
        description = try row.string("description")
        useCases = Self.list(try row.json("use_cases"))
        industries = Self.list(try row.json("industries"))
        keywords = Self.list(try row.json("keywords"))
        pricingModel = try row.string("pricing_model")
        docsURL = row.optionalString("docs_url")
        source = try row.string("source")
        lastUpdated = try row.string("last_updated")
    }

    private static func list(_ value: JSONValue) -> [String] {
        value.arrayValue?.compactMap(\.stringValue) ?? []
    }

    package static let schema = Schema.object([
        "id": Schema.integer(minimum: 1), "name": Schema.string(), "category": Schema.string(), "description": Schema.string(),
        "use_cases": Schema.array(Schema.string()), "industries": Schema.array(Schema.string()), "keywords": Schema.array(Schema.string()),
        "pricing_model": Schema.string(), "docs_url": Schema.nullable(Schema.string()),
        "source": Schema.string(enum: ["catalogue", "api"]), "last_updated": Schema.string(format: "date-time"),
    ])
}

/// A solution before it is stored: a catalogue row or a `POST` body, checked.
package struct SolutionDraft: Sendable, Equatable {
    package var name: String
    package var category: String
    package var description: String
    package var useCases: [String]
    package var industries: [String]
    package var keywords: [String]
    package var pricingModel: String
    package var docsURL: String?

    package init(name: String, category: String, description: String, useCases: [String] = [], industries: [String] = [],
                 keywords: [String] = [], pricingModel: String, docsURL: String? = nil) {
        self.name = name
        self.category = category
        self.description = description
        self.useCases = useCases
        self.industries = industries
        self.keywords = keywords
        self.pricingModel = pricingModel
        self.docsURL = docsURL
    }

    /// What the vector represents (and what its content hash is taken over).
    package var searchText: String {
        Self.searchText(name: name, description: description, useCases: useCases, keywords: keywords)
    }

    static func searchText(name: String, description: String, useCases: [String], keywords: [String]) -> String {
        var text = name + ". " + description
        if !useCases.isEmpty { text += " Use cases: " + useCases.joined(separator: "; ") + "." }
        if !keywords.isEmpty { text += " Keywords: " + keywords.joined(separator: ", ") + "." }
        return text
    }

    /// The problems of this draft, each naming its field (`prefix` for catalogue lines).
    package func problems(prefix: String = "") -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        func check(_ field: String, _ value: String, max: Int) {
            if value.trimmingWhitespace().isEmpty { problems.append(ErrorDetail(field: prefix + field, problem: "must not be empty")) }
            if value.count > max { problems.append(ErrorDetail(field: prefix + field, problem: "must be at most \(max) characters")) }
        }
        check("name", name, max: 200)
        check("category", category, max: 100)
        check("description", description, max: 4_000)
        check("pricing_model", pricingModel, max: 300)
        for (field, list) in [("use_cases", useCases), ("industries", industries), ("keywords", keywords)] {
            if list.count > 50 { problems.append(ErrorDetail(field: prefix + field, problem: "must hold at most 50 entries")) }
            if list.contains(where: { $0.count > 300 }) { problems.append(ErrorDetail(field: prefix + field, problem: "entries must be at most 300 characters")) }
        }
        if let docsURL, !(docsURL.hasPrefix("https://") || docsURL.hasPrefix("http://")) || docsURL.count > 2_000 {
            problems.append(ErrorDetail(field: prefix + "docs_url", problem: "must be an http(s) URL"))
        }
        return problems
    }

    /// Trimmed, empty list entries dropped.
    package func cleaned() -> SolutionDraft {
        func clean(_ list: [String]) -> [String] { list.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty } }
        return SolutionDraft(name: name.trimmingWhitespace(), category: category.trimmingWhitespace(),
                             description: description.trimmingWhitespace(), useCases: clean(useCases), industries: clean(industries),
                             keywords: clean(keywords), pricingModel: pricingModel.trimmingWhitespace(),
                             docsURL: docsURL.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 })
    }
}
