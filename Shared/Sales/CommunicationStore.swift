import Core
import FoundationEssentials
import Store

/// Communications, their chunks and uploads in the database. A batch (one entry, or every
/// communication of one uploaded file) is written in one transaction with its chunks and, through
/// the triggers, their full-text index, so a communication is searchable by words as soon as it is
/// stored. An upload is claimed by its key (the file's SHA-256 and the values sent with it) with
/// `INSERT … ON CONFLICT DO NOTHING RETURNING`, and each of its rows by `(upload_id, upload_row)`:
/// the same file sent twice, even at once, stores each communication once, and sent again after a
/// row was skipped (its prospect did not exist yet) stores that row.
package struct CommunicationStore: Sendable {
    package let database: any Database

    package init(database: any Database) {
        self.database = database
    }

    /// A communication before it is stored (fields already checked and trimmed).
    package struct Draft: Sendable, Equatable {
        package var prospectID: Int?
        package var companyName: String?
        package var subject: String
        package var content: String
        package var sender: String?
        package var outcome: String?
        package var date: Date
        /// Where it is in its file (the CSV line; 1 for a single document): unique per upload.
        package var row: Int?

        package init(prospectID: Int? = nil, companyName: String? = nil, subject: String, content: String, sender: String? = nil,
                     outcome: String? = nil, date: Date, row: Int? = nil) {
            self.row = row
            self.prospectID = prospectID
            self.companyName = companyName
            self.subject = subject
            self.content = content
            self.sender = sender
            self.outcome = outcome
            self.date = date
        }
    }

    /// The file a batch came from.
    package struct UploadFile: Sendable {
        package var fileName: String
        package var fileType: String
        package var sha256: String
        /// The file's hash with the values given with it (`CommunicationFile.uploadKey`).
        package var key: String
        package var byteCount: Int
        /// Rows of the file that were not stored, as JSON (line and reason).
        package var errors: JSONValue
    }

    /// What storing a batch did.
    package struct Stored: Sendable {
        package var ids: [Int]
        package var chunkIDs: [Int]
        package var uploadID: Int?
        /// True when the file had been uploaded before and no row of it is new: `ids` (and
        /// `chunkIDs`) are that upload's.
        package var duplicate: Bool
        /// How many communications this call stored.
        package var created: Int
        package var errors: JSONValue
    }

    /// Stores the drafts (and the upload that brought them) in one transaction. A prospect that
    /// does not exist is `not_found` and nothing is stored. For an upload sent before, only its
    /// rows not stored yet are stored, and the answer lists all of the upload's communications.
    package func store(_ drafts: [Draft], upload: UploadFile?, now: Date) throws -> Stored {
        try database.write { sql in
            guard let upload else {
                var ids: [Int] = []
                var chunkIDs: [Int] = []
                for draft in drafts {
                    guard let (id, chunks) = try insert(draft, upload: nil, uploadID: nil, now: now, sql) else { continue }
                    ids.append(id)
                    chunkIDs += chunks
                }
                return Stored(ids: ids, chunkIDs: chunkIDs, uploadID: nil, duplicate: false, created: ids.count, errors: [])
            }
            let claimed = try sql.queryOne("""
                INSERT INTO sales_communication_uploads (sha256, file_sha256, file_name, file_type, byte_count, communications, errors, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING RETURNING id
                """, [upload.key, upload.sha256, upload.fileName, upload.fileType, upload.byteCount, drafts.count, upload.errors, now])
            var uploadID = claimed?.optionalInt("id")
            var created = 0
            if uploadID == nil {
                let existing = try sql.queryOne("SELECT id, errors FROM sales_communication_uploads WHERE sha256 = ?", upload.key)
                uploadID = try existing?.int("id")
                // Rows stored before rows had numbers cannot be told apart: that upload stays as it is.
                let legacy = try sql.queryOne("SELECT COUNT(*) AS n FROM sales_communications WHERE upload_id = ? AND upload_row IS NULL",
                                              uploadID ?? 0)?.int("n") ?? 0
                if legacy > 0 { return try uploaded(uploadID ?? 0, created: 0, errors: try existing?.optionalJSON("errors") ?? [], sql) }
            }
            let id = uploadID ?? 0
            for draft in drafts where try insert(draft, upload: upload, uploadID: id, now: now, sql) != nil { created += 1 }
            if claimed == nil {
                try sql.execute("""
                    UPDATE sales_communication_uploads SET errors = ?, communications = (SELECT COUNT(*) FROM sales_communications WHERE upload_id = ?)
                    WHERE id = ?
                    """, [upload.errors, id, id])
            }
            return try uploaded(id, created: created, errors: upload.errors, sql)
        }
    }

    /// An upload's communications and chunks, as stored.
    private func uploaded(_ uploadID: Int, created: Int, errors: JSONValue, _ sql: any SQLExecutor) throws -> Stored {
        let ids = try sql.query("SELECT id FROM sales_communications WHERE upload_id = ? ORDER BY id", uploadID).map { try $0.int("id") }
        let chunkIDs = try sql.query("""
            SELECT c.id FROM sales_communication_chunks c JOIN sales_communications m ON m.id = c.communication_id
            WHERE m.upload_id = ? ORDER BY c.id
            """, uploadID).map { try $0.int("id") }
        return Stored(ids: ids, chunkIDs: chunkIDs, uploadID: uploadID, duplicate: created == 0, created: created, errors: errors)
    }

    /// Stores one communication and its chunks; nil when its upload row was stored before.
    private func insert(_ draft: Draft, upload: UploadFile?, uploadID: Int?, now: Date, _ sql: any SQLExecutor) throws -> (Int, [Int])? {
        // Line breaks are stored as LF whatever the file used (CRLF from mail and Windows); no control characters.
        var draft = draft
        draft.content = StorableText.clean(draft.content).replacing("\r\n", with: "\n")
        draft.subject = StorableText.clean(draft.subject)
        draft.sender = draft.sender.map(StorableText.clean)
        draft.outcome = draft.outcome.map(StorableText.clean)
        draft.companyName = draft.companyName.map(StorableText.clean)
        var companyName = draft.companyName
        var companyID: Int?
        if let prospectID = draft.prospectID {
            guard let prospect = try sql.queryOne("SELECT company_name, company_id FROM sales_prospects WHERE id = ?", prospectID) else {
                throw BundleError(.notFound, "prospect \(prospectID) does not exist",
                                  details: [ErrorDetail(field: "prospect_id", problem: "no prospect has id \(prospectID)")])
            }
            companyName = companyName ?? prospect.optionalString("company_name")
            companyID = prospect.optionalInt("company_id")
        }
        let companyKey = companyName.map(CompanyName.key)
        if let companyKey, companyID == nil || draft.companyName != nil {
            // A named company links to the stored one of that name, when there is one.
            companyID = try sql.queryOne("SELECT id FROM sales_companies WHERE name_key = ?", companyKey)?.optionalInt("id") ?? companyID
        }
        let row = try sql.queryOne("""
            INSERT INTO sales_communications (prospect_id, company_id, company_name, company_key, subject, content, sender, outcome,
                outcome_kind, communication_date, source, upload_id, upload_row, file_name, file_sha256, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (upload_id, upload_row) DO NOTHING RETURNING id
            """, [draft.prospectID, companyID, companyName, companyKey, draft.subject, draft.content, draft.sender, draft.outcome,
                  OutcomeKind.classify(draft.outcome), draft.date, upload == nil ? "manual" : "upload", uploadID,
                  (upload == nil ? nil : draft.row ?? 1) as Int?, upload?.fileName, upload?.sha256, now])
        guard let row else { return nil }
        guard let id = row.optionalInt("id") else { throw BundleError(.internal, "the communication row was not returned") }
        // Many rows a statement: a 10 MB file is thousands of chunks, and on PostgreSQL each
        // statement is a round trip. RETURNING promises no order, so the ids are put in position order.
        let chunks = Array(CommunicationChunks.split(draft.content).enumerated())
        var inserted: [(position: Int, id: Int)] = []
        for start in stride(from: 0, to: chunks.count, by: 200) {
            let part = chunks[start..<min(start + 200, chunks.count)]
            let values = Array(repeating: "(?, ?, ?, ?)", count: part.count).joined(separator: ", ")
            let rows = try sql.query("""
                INSERT INTO sales_communication_chunks (communication_id, position, subject, text) VALUES \(values) RETURNING id, position
                """, part.flatMap { [id, $0.offset, draft.subject, $0.element] as [any SQLBindable] })
            inserted += try rows.map { (try $0.int("position"), try $0.int("id")) }
        }
        return (id, inserted.sorted { $0.position < $1.position }.map(\.id))
    }

    package func communications(_ ids: [Int]) throws -> [Communication] {
        guard !ids.isEmpty else { return [] }
        return try database.read { sql in
            var found: [Int: Communication] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let part = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
                for row in try sql.query("SELECT \(Communication.selectColumns) WHERE m.id IN (\(marks))", part) {
                    let communication = try Communication(row: row)
                    found[communication.id] = communication
                }
            }
            return ids.compactMap { found[$0] }
        }
    }

    /// What a list may be narrowed by.
    package struct Filter: Sendable {
        package var prospectID: Int?
        /// Any spelling of the company's name.
        package var company: String?
        package var outcomeKind: String?
        /// Words that must all appear (full text over subject and content).
        package var query: String?

        package init(prospectID: Int? = nil, company: String? = nil, outcomeKind: String? = nil, query: String? = nil) {
            self.prospectID = prospectID
            self.company = company
            self.outcomeKind = outcomeKind
            self.query = query
        }
    }

    /// A page of communications, newest first (by date, then id), and how many match in all.
    package func list(_ filter: Filter, limit: Int, offset: Int) throws -> (communications: [Communication], total: Int) {
        var conditions: [String] = []
        var arguments: [any SQLBindable] = []
        if let prospectID = filter.prospectID { conditions.append("m.prospect_id = ?"); arguments.append(prospectID) }
        if let company = filter.company?.trimmingWhitespace(), !company.isEmpty {
            conditions.append("m.company_key = ?")
            arguments.append(CompanyName.key(company))
        }
        if let kind = filter.outcomeKind { conditions.append("m.outcome_kind = ?"); arguments.append(kind) }
        if let query = filter.query?.trimmingWhitespace(), !query.isEmpty {
            for word in Words.split(query).prefix(8) {
                conditions.append("(lower(m.subject) LIKE ? ESCAPE '\\' OR lower(m.content) LIKE ? ESCAPE '\\')")
                let pattern = LikePattern.containing(word.lowercased())
                arguments += [pattern, pattern]
            }
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try database.read { sql in
            let total = try sql.queryOne("SELECT COUNT(*) AS n FROM sales_communications m" + whereClause, arguments)?.optionalInt("n") ?? 0
            let rows = try sql.query("SELECT \(Communication.selectColumns)\(whereClause) ORDER BY m.communication_date DESC, m.id DESC LIMIT ? OFFSET ?",
                                     arguments + [limit, offset])
            return (try rows.map(Communication.init(row:)), total)
        }
    }
}

extension CommunicationStore {
    /// Which of these prospect ids exist.
    package func existingProspects(_ ids: Set<Int>) throws -> Set<Int> {
        guard !ids.isEmpty else { return [] }
        let list = Array(ids)
        return try database.read { sql in
            var found: Set<Int> = []
            for start in stride(from: 0, to: list.count, by: 500) {
                let part = Array(list[start..<min(start + 500, list.count)])
                let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
                for row in try sql.query("SELECT id FROM sales_prospects WHERE id IN (\(marks))", part) { found.insert(try row.int("id")) }
            }
            return found
        }
    }
}
