import Core
import FoundationEssentials
import Store

extension CandidateStore {
    /// Stores an upload's accepted rows in one transaction: a row whose email or LinkedIn URL
    /// (or, with neither, name and company) matches a candidate of the role updates that
    /// candidate; the rest are created. The same file uploaded again for the same role returns
    /// the first upload (`created` false) and changes nothing.
    package func ingest(_ sheet: CandidateSheet, source: CSVSource, role: Role, now: Date) throws -> (upload: Upload, created: Bool) {
        try database.write { sql in
            if let row = try sql.queryOne("SELECT * FROM uploads WHERE role_id = ? AND content_sha256 = ?", role.id, source.sha256) {
                return (try Upload(row: row), false)
            }
            var firstLine: [Int: Int] = [:]
            var duplicates: [Upload.Duplicate] = []
            var created = 0, updated = 0
            var links: [(candidate: Int, line: Int)] = []
            for row in sheet.accepted {
                let (id, wasCreated) = try upsert(row.profile, roleID: role.id, source: "csv_upload", sql: sql, now: now)
                if let earlier = firstLine[id] {
                    duplicates.append(Upload.Duplicate(line: row.line, sameAsLine: earlier, candidateID: id))
                    continue
                }
                firstLine[id] = row.line
                links.append((id, row.line))
                if wasCreated { created += 1 } else { updated += 1 }
            }
            var columns: [String: String] = [:]
            for (index, header) in sheet.columns.headers.enumerated() where !header.isEmpty {
                columns[header] = sheet.columns.fields[index]?.rawValue ?? "extra"
            }
            let row = try sql.queryOne("""
                INSERT INTO uploads (role_id, file_name, content_sha256, delimiter, columns, rows, accepted, created_candidates,
                                     updated_candidates, rejected, duplicates, warnings, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *
                """, role.id, source.fileName, source.sha256, String(sheet.delimiter), try JSONValue(encoding: columns), sheet.rows,
                     sheet.accepted.count, created, updated, try JSONValue(encoding: sheet.rejected), try JSONValue(encoding: duplicates),
                     try JSONValue(encoding: sheet.warnings), now)
            guard let row else { throw BundleError(.internal, "the upload was not stored") }
            let upload = try Upload(row: row)
            for link in links {
                try sql.execute("INSERT INTO upload_candidates (upload_id, candidate_id, line) VALUES (?, ?, ?)", upload.id, link.candidate, link.line)
            }
            return (upload, true)
        }
    }

    package func attachJob(_ jobID: Int, toUpload uploadID: Int) throws -> Upload {
        try database.write { sql in
            guard let row = try sql.queryOne("UPDATE uploads SET job_id = ? WHERE id = ? RETURNING *", jobID, uploadID) else {
                throw BundleError(.notFound, "no upload with id \(uploadID)")
            }
            return try Upload(row: row)
        }
    }

    package func upload(_ id: Int) throws -> Upload? {
        try database.read { sql in try sql.queryOne("SELECT * FROM uploads WHERE id = ?", id).map(Upload.init(row:)) }
    }

    /// The most recent upload (the original's `GET /api/pluto/status` reported the last one).
    package func latestUpload() throws -> Upload? {
        try database.read { sql in try sql.queryOne("SELECT * FROM uploads ORDER BY id DESC LIMIT 1").map(Upload.init(row:)) }
    }

    /// How far scoring has got for an upload's candidates.
    package func uploadProgress(_ id: Int) throws -> (extracted: Int, scored: Int, aiFailed: Int) {
        try database.read { sql in
            let row = try sql.queryOne("""
                SELECT SUM(CASE WHEN c.extracted_at IS NOT NULL AND c.needs_scoring = 0 THEN 1 ELSE 0 END) AS extracted,
                       SUM(CASE WHEN c.scored_at IS NOT NULL AND c.needs_scoring = 0 AND c.ai_status <> 'pending' THEN 1 ELSE 0 END) AS scored,
                       SUM(CASE WHEN c.ai_status = 'failed' THEN 1 ELSE 0 END) AS failed
                FROM upload_candidates u JOIN candidates c ON c.id = u.candidate_id WHERE u.upload_id = ?
                """, id)
            return (row?.optionalInt("extracted") ?? 0, row?.optionalInt("scored") ?? 0, row?.optionalInt("failed") ?? 0)
        }
    }

    /// Creates the candidate or merges the profile into the one it matches; returns its id.
    func upsert(_ incoming: CandidateProfile, roleID: Int, source: String, sql: any SQLExecutor, now: Date) throws -> (id: Int, created: Bool) {
        var profile = incoming
        let byEmail = try profile.email.flatMap { try sql.queryOne("SELECT * FROM candidates WHERE role_id = ? AND email = ?", roleID, $0) }
        let byLinkedIn = try profile.linkedinURL.flatMap {
            try sql.queryOne("SELECT * FROM candidates WHERE role_id = ? AND linkedin_url = ?", roleID, $0)
        }
        var match = byEmail ?? byLinkedIn
        if match == nil, profile.email == nil, profile.linkedinURL == nil {
            match = try sql.queryOne("""
                SELECT * FROM candidates WHERE role_id = ? AND email IS NULL AND linkedin_url IS NULL AND LOWER(name) = LOWER(?)
                    AND LOWER(COALESCE(current_company, '')) = LOWER(?)
                ORDER BY id LIMIT 1
                """, roleID, profile.name, profile.currentCompany ?? "")
        }
        // Matched by email, with a LinkedIn URL another candidate has: the URL stays with that one.
        if let byEmail, let byLinkedIn, try byEmail.int("id") != byLinkedIn.int("id") { profile.linkedinURL = nil }
        guard let match else {
            let columns = profile.columnValues
            let names = columns.map(\.0).joined(separator: ", ")
            let marks = Array(repeating: "?", count: columns.count + 5).joined(separator: ", ")
            let row = try sql.queryOne("""
                INSERT INTO candidates (\(names), role_id, source, needs_scoring, created_at, updated_at)
                VALUES (\(marks)) RETURNING id
                """, columns.map(\.1) + [roleID, source, 1, now, now])
            guard let id = row?.optionalInt("id") else { throw BundleError(.internal, "the candidate was not stored") }
            return (id, true)
        }
        let id = try match.int("id")
        let known = try CandidateProfile(row: match)
        let merged = known.merged(with: profile)
        guard merged != known else { return (id, false) }
        let rescore = merged.differsInScoredFields(from: known)
        try update(id, profile: merged, rescore: rescore, sql: sql, now: now)
        return (id, false)
    }

    func update(_ id: Int, profile: CandidateProfile, rescore: Bool, sql: any SQLExecutor, now: Date) throws {
        let columns = profile.columnValues
        let assignments = columns.map { "\($0.0) = ?" }.joined(separator: ", ")
        try sql.execute("""
            UPDATE candidates SET \(assignments), needs_scoring = CASE WHEN ? THEN 1 ELSE needs_scoring END,
                profile_version = profile_version + 1, updated_at = ?
            WHERE id = ?
            """, columns.map(\.1) + [rescore, now, id])
    }
}
