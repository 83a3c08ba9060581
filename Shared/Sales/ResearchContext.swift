import Core
import Store

/// What research starts from (the `gather_context` step's output): the prospect, its company, its
/// latest interactions and the context given with the request. Everything here counts as
/// evidence "context" for the claims later steps make.
package struct ResearchContext: Codable, Sendable, Equatable {
    package struct Prospect: Codable, Sendable, Equatable {
        package var id: Int
        package var fullName: String
        package var title: String
        package var companyName: String
        package var companySize: String?
        package var industry: String?
        package var location: String?
        package var status: String

        enum CodingKeys: String, CodingKey {
            case id, title, industry, location, status
            case fullName = "full_name"
            case companyName = "company_name"
            case companySize = "company_size"
        }
    }

    package struct Company: Codable, Sendable, Equatable {
        package var id: Int
        package var name: String
        package var industry: String?
        package var size: String?
        package var website: String?
        package var techStack: [String]
        package var painPoints: [String]

        enum CodingKeys: String, CodingKey {
            case id, name, industry, size, website
            case techStack = "tech_stack"
            case painPoints = "pain_points"
        }
    }

    package struct Interaction: Codable, Sendable, Equatable {
        package var type: String
        package var subject: String?
        package var content: String
        package var sentiment: String?
        package var outcome: String?
        package var date: String
    }

    package var prospect: Prospect
    package var company: Company?
    package var interactions: [Interaction]
    package var manualContext: String?

    enum CodingKeys: String, CodingKey {
        case prospect, company, interactions
        case manualContext = "manual_context"
    }

    /// The company's name as research uses it.
    package var companyName: String { company?.name ?? prospect.companyName }
    package var industry: String? { prospect.industry ?? company?.industry }

    /// All the context as text, for the prompts and the offline rules.
    package var text: String {
        var lines = ["Prospect: \(prospect.fullName), \(prospect.title) at \(companyName)"]
        if let industry { lines.append("Industry: \(industry)") }
        if let size = prospect.companySize ?? company?.size { lines.append("Company size: \(size)") }
        if let location = prospect.location { lines.append("Location: \(location)") }
        if let company, !company.techStack.isEmpty { lines.append("Known technology: " + company.techStack.joined(separator: ", ")) }
        if let company, !company.painPoints.isEmpty { lines.append("Known pain points: " + company.painPoints.joined(separator: "; ")) }
        for interaction in interactions {
            lines.append("Interaction (\(interaction.type), \(interaction.date)): " + [interaction.subject, interaction.content, interaction.outcome]
                .compactMap { $0 }.joined(separator: " — "))
        }
        if let manualContext, !manualContext.isEmpty { lines.append("Notes from the account manager: " + manualContext) }
        return lines.joined(separator: "\n")
    }

    /// How many interactions are kept, newest first, and how much of each one's content.
    static let interactionLimit = 20
    static let contentLimit = 1_000

    /// Reads the prospect, its company and its interactions; `not_found` when the prospect is gone.
    package static func load(prospectID: Int, manualContext: String?, database: any Database) throws -> ResearchContext {
        try database.read { sql in
            guard let row = try sql.queryOne("SELECT * FROM sales_prospects WHERE id = ?", prospectID) else {
                throw BundleError(.notFound, "no prospect with id \(prospectID)")
            }
            let prospect = Prospect(id: try row.int("id"), fullName: try row.string("full_name"), title: try row.string("title"),
                                    companyName: try row.string("company_name"), companySize: row.optionalString("company_size"),
                                    industry: row.optionalString("industry"), location: row.optionalString("location"),
                                    status: try row.string("status"))
            var company: Company?
            if let companyID = row.optionalInt("company_id"), let found = try sql.queryOne("SELECT * FROM sales_companies WHERE id = ?", companyID) {
                company = Company(id: companyID, name: try found.string("name"), industry: found.optionalString("industry"),
                                  size: found.optionalString("size"), website: found.optionalString("website"),
                                  techStack: Self.list(found.optionalString("tech_stack")), painPoints: Self.list(found.optionalString("pain_points")))
            }
            let interactions = try sql.query("""
                SELECT * FROM sales_interactions WHERE prospect_id = ? ORDER BY interaction_date DESC, id DESC LIMIT ?
                """, prospectID, interactionLimit).map { row in
                Interaction(type: try row.string("interaction_type"), subject: row.optionalString("subject"),
                            content: String(try row.string("content").prefix(contentLimit)), sentiment: row.optionalString("sentiment"),
                            outcome: row.optionalString("outcome"), date: try row.string("interaction_date"))
            }
            return ResearchContext(prospect: prospect, company: company, interactions: interactions, manualContext: manualContext)
        }
    }

    /// A stored JSON list of strings (or of objects with a name), or a plain comma-separated text.
    static func list(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        if case .array(let items)? = try? JSONValue(parsing: text) {
            return items.compactMap { $0.stringValue ?? $0["name"]?.stringValue ?? $0["pain"]?.stringValue }
        }
        return text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
