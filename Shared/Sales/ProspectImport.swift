import Core
import FoundationEssentials
import Store

/// One stored prospect import: its ledger (what the file held) and what was created, updated
/// or skipped, with each skipped row's line and reason. The import's answer carries the counts
/// and errors at its top level and the ledger under `import`.
package struct ProspectImport: Sendable, Equatable {
    package var ledger: Ledger
    package var created: Int
    package var updated: Int
    package var skipped: Int
    package var errors: [ProspectSheet.RowError]

    /// At most this many row errors are kept and shown (the count says how many there were).
    package static let maxErrors = 1000

    init(row: Row) throws {
        ledger = Ledger(id: try row.int("id"), fileName: row.optionalString("file_name"), sha256: try row.string("sha256"),
                        delimiter: try row.string("delimiter"), columns: try row.decode("columns", as: [String: String].self),
                        rows: try row.int("rows"), companiesCreated: try row.int("companies_created"),
                        createdAt: Timestamp.format(try row.date("created_at")))
        created = try row.int("created")
        updated = try row.int("updated")
        skipped = try row.int("skipped")
        errors = try row.decode("errors", as: [ProspectSheet.RowError].self)
    }

    /// What the import's ledger row knows beyond the counts and row errors.
    package struct Ledger: Codable, Sendable, Equatable {
        package var id: Int
        package var fileName: String?
        package var sha256: String
        package var delimiter: String
        package var columns: [String: String]
        package var rows: Int
        package var companiesCreated: Int
        package var createdAt: String

        enum CodingKeys: String, CodingKey {
            case id, sha256, delimiter, columns, rows
            case fileName = "file_name"
            case companiesCreated = "companies_created"
            case createdAt = "created_at"
        }

        package static let schema: JSONValue = Schema.object([
            "id": Schema.integer(minimum: 1), "file_name": Schema.nullable(Schema.string()),
            "sha256": Schema.string("Of the file's bytes: the same file again is this import"),
            "delimiter": Schema.string("The separator the file used"),
            "columns": Schema.map(Schema.string(), "Each header and the field it was read as (\"ignored\" when none)"),
            "rows": Schema.integer("Data rows other than blank ones", minimum: 0),
            "companies_created": Schema.integer("Companies this import created (not those it found)", minimum: 0),
            "created_at": Schema.string(format: "date-time"),
        ])
    }
}

extension ProspectStore {
    /// Stores a checked sheet in one transaction: the import's ledger row first (a file already
    /// imported returns that import and `false`), then companies (once per key) and prospects
    /// (inserted, or updated by LinkedIn URL), statements prepared once and reused for every row.
    package func importSheet(_ sheet: ProspectSheet, source: CSVSource, now: Date) throws -> (ProspectImport, created: Bool) {
        let result = try database.write { db -> (Int, Bool) in
            let ledger = try db.queryOne("""
                INSERT INTO sales_prospect_imports (sha256, file_name, delimiter, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (sha256) DO NOTHING RETURNING id
                """, source.sha256, source.fileName, sheet.delimiter, now)
            guard let importID = ledger?.optionalInt("id") else {
                let first = try db.queryOne("SELECT id FROM sales_prospect_imports WHERE sha256 = ?", source.sha256)
                return (try first?.int("id") ?? 0, false)
            }
            let stamp = Timestamp.format(now, milliseconds: true)
            var companies: [String: Int] = [:]
            var companiesCreated = 0
            var seen: Set<String> = []
            var created = 0
            var updated = 0
            for row in sheet.rows {
                let fields = row.fields
                let companyID: Int
                if let known = companies[fields.companyKey] {
                    companyID = known
                } else {
                    let company = try Self.company(named: fields.companyName, key: fields.companyKey, industry: fields.industry,
                                                   size: fields.companySize, now: now, db)
                    companyID = company.id
                    if company.created { companiesCreated += 1 }
                    companies[fields.companyKey] = companyID
                }
                let stored = try db.query(Self.upsert, values: [
                    .text(fields.linkedinURL), .text(fields.fullName), .text(fields.title), .text(fields.companyName),
                    .integer(Int64(companyID)), Self.value(fields.companySize), Self.value(fields.industry), Self.value(fields.location),
                    Self.value(fields.email), Self.value(fields.phone), Self.value(fields.status), .text(stamp), .text(stamp),
                    .integer(Int64(importID)), Self.value(fields.status),
                ])
                let isNew = seen.insert(fields.linkedinURL).inserted && stored.first?.optionalInt("import_id") == importID
                if isNew { created += 1 } else { updated += 1 }
            }
            let errors = Array(sheet.errors.prefix(ProspectImport.maxErrors))
            try db.execute("""
                UPDATE sales_prospect_imports SET columns = ?, rows = ?, created = ?, updated = ?, skipped = ?, companies_created = ?, errors = ?
                WHERE id = ?
                """, [try JSONValue(encoding: sheet.columns.described), sheet.rowCount, created, updated, sheet.errors.count, companiesCreated,
                      try JSONValue(encoding: errors), importID])
            return (importID, true)
        }
        guard let stored = try importRecord(result.0) else { throw BundleError(.internal, "the import row was not found") }
        return (stored, result.1)
    }

    package func importRecord(_ id: Int) throws -> ProspectImport? {
        try database.read { db in try db.queryOne("SELECT * FROM sales_prospect_imports WHERE id = ?", id).map(ProspectImport.init(row:)) }
    }

    private static func value(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }

    /// A row's prospect, by LinkedIn URL: the sheet's values win, except that an empty optional
    /// cell keeps what is stored and a status is changed only when the sheet has one.
    static let upsert = """
        INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, company_id, company_size, industry, location, email,
            phone, status, created_at, updated_at, import_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, 'new'), ?, ?, ?)
        ON CONFLICT (linkedin_url) DO UPDATE SET full_name = excluded.full_name, title = excluded.title,
            company_name = excluded.company_name, company_id = excluded.company_id,
            company_size = COALESCE(excluded.company_size, sales_prospects.company_size),
            industry = COALESCE(excluded.industry, sales_prospects.industry),
            location = COALESCE(excluded.location, sales_prospects.location),
            email = COALESCE(excluded.email, sales_prospects.email), phone = COALESCE(excluded.phone, sales_prospects.phone),
            status = COALESCE(?, sales_prospects.status), updated_at = excluded.updated_at
        RETURNING import_id
        """
}
