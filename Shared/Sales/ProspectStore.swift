import Core
import FoundationEssentials
import Store

/// Prospects, their companies and interactions in the database. Uniqueness lives in the
/// constraints (`linkedin_url`, the company's `name_key`): writes insert with `ON CONFLICT` and
/// read what is there, so two processes importing at once cannot make two rows for one person.
package struct ProspectStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// The company for a name: found by its key, or created with this spelling. Industry and
    /// size fill in what the company does not know yet; they never overwrite.
    static func companyID(named name: String, key: String? = nil, industry: String?, size: String?, now: Date,
                          _ db: any SQLExecutor) throws -> Int {
        try company(named: name, key: key, industry: industry, size: size, now: now, db).id
    }

    /// `companyID`, saying whether this call created the company (counted where the insert
    /// happens, so imports running at once each count only their own).
    static func company(named name: String, key: String? = nil, industry: String?, size: String?, now: Date,
                        _ db: any SQLExecutor) throws -> (id: Int, created: Bool) {
        let key = key ?? CompanyName.key(name)
        let inserted = try db.queryOne("""
            INSERT INTO sales_companies (name, name_key, industry, size, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (name_key) DO NOTHING RETURNING id
            """, [CompanyName.display(name), key, industry, size, now, now])
        if let id = inserted?.optionalInt("id") { return (id, true) }
        let row = try db.queryOne("""
            UPDATE sales_companies SET industry = COALESCE(industry, ?), size = COALESCE(size, ?) WHERE name_key = ? RETURNING id
            """, [industry, size, key])
        guard let id = row?.optionalInt("id") else { throw BundleError(.internal, "the company row was not returned") }
        return (id, false)
    }

    /// Creates a prospect; one with the same LinkedIn URL already stored is a conflict naming it.
    package func create(_ fields: ProspectFields, now: Date) throws -> Prospect {
        let id = try database.write { db -> Int in
            let companyID = try Self.companyID(named: fields.companyName, key: fields.companyKey, industry: fields.industry,
                                               size: fields.companySize, now: now, db)
            let inserted = try db.queryOne("""
                INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, company_id, company_size, industry, location,
                    email, phone, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (linkedin_url) DO NOTHING RETURNING id
                """, [fields.linkedinURL, fields.fullName, fields.title, fields.companyName, companyID, fields.companySize, fields.industry,
                      fields.location, fields.email, fields.phone, fields.status ?? "new", now, now])
            if let id = inserted?.optionalInt("id") { return id }
            let existing = try db.queryOne("SELECT id FROM sales_prospects WHERE linkedin_url = ?", fields.linkedinURL)?.optionalInt("id")
            throw BundleError(.conflict, "a prospect with this LinkedIn URL already exists: id \(existing.map(String.init) ?? "?")",
                              details: [ErrorDetail(field: "linkedin_url", problem: "already used by prospect \(existing.map(String.init) ?? "?")")])
        }
        return try prospect(id)!
    }

    package func prospect(_ id: Int) throws -> Prospect? {
        try database.read { db in try db.queryOne("SELECT \(Prospect.selectColumns) WHERE p.id = ?", id).map(Prospect.init(row:)) }
    }

    /// What a list may be narrowed by; every filter is optional.
    package struct Filter: Sendable {
        package var status: String?
        package var industry: String?
        /// Matched by company key, so any spelling of the name finds the company's prospects.
        package var company: String?
        /// Words found in the name, title, company or email (case-insensitive).
        package var query: String?

        package init(status: String? = nil, industry: String? = nil, company: String? = nil, query: String? = nil) {
            self.status = status
            self.industry = industry
            self.company = company
            self.query = query
        }
    }

    /// A page of prospects, newest first, and how many match in all.
    package func list(_ filter: Filter, limit: Int, offset: Int) throws -> (prospects: [Prospect], total: Int) {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let status = filter.status { conditions.append("p.status = ?"); arguments.append(status) }
        if let industry = filter.industry?.trimmingWhitespace(), !industry.isEmpty {
            conditions.append("lower(p.industry) = lower(?)")
            arguments.append(industry)
        }
        if let company = filter.company {
            conditions.append("p.company_id IN (SELECT id FROM sales_companies WHERE name_key = ?)")
            arguments.append(CompanyName.key(company))
        }
        if let query = filter.query?.trimmingWhitespace(), !query.isEmpty {
            for word in query.split(whereSeparator: \.isWhitespace).prefix(8) {
                conditions.append("""
                    (lower(p.full_name) LIKE ? ESCAPE '\\' OR lower(p.title) LIKE ? ESCAPE '\\' OR lower(p.company_name) LIKE ? ESCAPE '\\'
                     OR lower(COALESCE(p.email, '')) LIKE ? ESCAPE '\\')
                    """)
                let pattern = LikePattern.containing(word.lowercased())
                arguments += [pattern, pattern, pattern, pattern]
            }
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.read { db in
            let total = try db.queryOne("SELECT COUNT(*) AS n FROM sales_prospects p \(whereClause)", arguments)?.optionalInt("n") ?? 0
            let rows = try db.query("SELECT \(Prospect.selectColumns) \(whereClause) ORDER BY p.id DESC LIMIT ? OFFSET ?",
                                    arguments + [limit, offset])
            return (try rows.map(Prospect.init(row:)), total)
        }
    }

    /// Applies a checked edit; a new company name re-links the prospect to that company.
    package func edit(_ id: Int, _ edit: ProspectEdit, now: Date) throws -> Prospect {
        try database.write { db in
            guard let current = try db.queryOne("SELECT industry, company_size FROM sales_prospects WHERE id = ?", id) else {
                throw BundleError(.notFound, "no prospect with id \(id)")
            }
            var assignments: [String] = []
            var arguments: [any SQLBindable] = []
            for (column, value) in edit.columns {
                assignments.append("\(column) = ?")
                arguments.append(value)
            }
            if let company = edit.companyName {
                let industry = edit.text("industry") ?? current.optionalString("industry")
                let size = edit.text("company_size") ?? current.optionalString("company_size")
                assignments.append("company_id = ?")
                arguments.append(try Self.companyID(named: company, industry: industry, size: size, now: now, db))
            }
            if let url = edit.linkedinURL,
               let other = try db.queryOne("SELECT id FROM sales_prospects WHERE linkedin_url = ? AND id <> ?", url, id)?.optionalInt("id") {
                throw BundleError(.conflict, "another prospect has this LinkedIn URL: id \(other)",
                                  details: [ErrorDetail(field: "linkedin_url", problem: "already used by prospect \(other)")])
            }
            assignments.append("updated_at = ?")
            arguments.append(now)
            try db.execute("UPDATE sales_prospects SET \(assignments.joined(separator: ", ")) WHERE id = ?", arguments + [id])
        }
        return try prospect(id)!
    }

    /// Records an interaction; a prospect that does not exist is `not_found`.
    package func addInteraction(prospectID: Int, type: String, subject: String?, content: String, sentiment: String?, outcome: String?,
                                date: Date, now: Date) throws -> Interaction {
        try database.write { db in
            guard try db.queryOne("SELECT id FROM sales_prospects WHERE id = ?", prospectID) != nil else {
                throw BundleError(.notFound, "no prospect with id \(prospectID)")
            }
            let row = try db.queryOne("""
                INSERT INTO sales_interactions (prospect_id, interaction_type, subject, content, sentiment, outcome, interaction_date, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING id, prospect_id, interaction_type, subject, content, sentiment, outcome, interaction_date, created_at
                """, [prospectID, type, subject, content, sentiment, outcome, date, now])
            // Contact moves last_contacted forward, never back.
            try db.execute("""
                UPDATE sales_prospects SET last_contacted = ?, updated_at = ?
                WHERE id = ? AND (last_contacted IS NULL OR last_contacted < ?)
                """, date, now, prospectID, date)
            return try Interaction(row: row!)
        }
    }

    /// A page of a prospect's interactions, newest first.
    package func interactions(prospectID: Int, limit: Int, offset: Int) throws -> (interactions: [Interaction], total: Int) {
        try database.read { db in
            guard try db.queryOne("SELECT id FROM sales_prospects WHERE id = ?", prospectID) != nil else {
                throw BundleError(.notFound, "no prospect with id \(prospectID)")
            }
            let total = try db.queryOne("SELECT COUNT(*) AS n FROM sales_interactions WHERE prospect_id = ?", prospectID)?.optionalInt("n") ?? 0
            let rows = try db.query("""
                SELECT id, prospect_id, interaction_type, subject, content, sentiment, outcome, interaction_date, created_at
                FROM sales_interactions WHERE prospect_id = ? ORDER BY interaction_date DESC, id DESC LIMIT ? OFFSET ?
                """, prospectID, limit, offset)
            return (try rows.map(Interaction.init(row:)), total)
        }
    }
}
