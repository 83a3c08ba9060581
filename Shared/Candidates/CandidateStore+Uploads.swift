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
            var keys = try CandidateKeys(roleID: role.id, sql: sql)
            keys.reserveCapacity(sheet.accepted.count)
            var pending = PendingCandidates(roleID: role.id, source: "csv_upload", now: now)
            // `links` index of each pending row, whose placeholder id becomes the stored one.
            var pendingLinks: [Int] = []
            func flush() throws {
                for (index, id) in try pending.flush(keys: &keys, sql: sql).enumerated() {
                    links[pendingLinks[index]].candidate = id
                    firstLine[id] = links[pendingLinks[index]].line
                }
                pendingLinks.removeAll(keepingCapacity: true)
            }
            // Each row's profile taken once: `for row in` and each use of `row.profile` copied the
            // whole row (a retain and release of every field), four times a row.
            for index in sheet.accepted.indices {
                let line = sheet.accepted[index].line, profile = sheet.accepted[index].profile
                var match = keys.match(profile)
                if !pending.isEmpty, match.needsStoredRows {
                    try flush()
                    match = keys.match(profile)
                }
                let (id, wasCreated) = try upsert(profile, match: match, roleID: role.id, keys: &keys, pending: &pending, sql: sql, now: now)
                if id < 0 {
                    pendingLinks.append(links.count)
                    links.append((id, line))
                    created += 1
                    if pending.isFull { try flush() }
                    continue
                }
                if let earlier = firstLine[id] {
                    duplicates.append(Upload.Duplicate(line: line, sameAsLine: earlier, candidateID: id))
                    continue
                }
                firstLine[id] = line
                links.append((id, line))
                if wasCreated { created += 1 } else { updated += 1 }
            }
            try flush()
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
            // Several rows per statement: one statement per row was a tenth of a large upload's time.
            // Values built as one flat array (not an array of bindables per row).
            var start = 0
            var values: [SQLValue] = []
            values.reserveCapacity(3 * min(links.count, Self.linksPerStatement))
            while start < links.count {
                let chunk = links[start..<min(start + Self.linksPerStatement, links.count)]
                values.removeAll(keepingCapacity: true)
                for link in chunk {
                    values.append(.integer(Int64(upload.id)))
                    values.append(.integer(Int64(link.candidate)))
                    values.append(.integer(Int64(link.line)))
                }
                let placeholders = Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", ")
                _ = try sql.query("INSERT INTO upload_candidates (upload_id, candidate_id, line) VALUES \(placeholders)", values: values)
                start += chunk.count
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

    /// Rows of `upload_candidates` written per statement (three parameters each, far below
    /// SQLite's and PostgreSQL's limits).
    static let linksPerStatement = 200

    /// Queues the candidate in `pending` (returning its placeholder id) or merges the profile
    /// into the one it matches; returns its id. Matches by email, then LinkedIn URL (from
    /// `keys`, which this keeps current), and for a row with neither, by name and company.
    /// `found` is `keys.match(incoming)`; the caller flushes `pending` first (and matches again)
    /// when `found.needsStoredRows` says the match must see it.
    func upsert(_ incoming: CandidateProfile, match found: CandidateMatch, roleID: Int, keys: inout CandidateKeys,
                pending: inout PendingCandidates, sql: any SQLExecutor, now: Date) throws -> (id: Int, created: Bool) {
        var profile = incoming
        let byEmail = found.byEmail
        let byLinkedIn = found.byLinkedIn
        var match: Row?
        if found.unidentifiedKey != nil, found.changedUnidentified {
            match = try sql.queryOne("""
                SELECT * FROM candidates WHERE role_id = ? AND email IS NULL AND linkedin_url IS NULL AND LOWER(name) = LOWER(?)
                    AND LOWER(COALESCE(current_company, '')) = LOWER(?)
                ORDER BY id LIMIT 1
                """, roleID, profile.name, profile.currentCompany ?? "")
        } else if let id = byEmail ?? byLinkedIn ?? found.byNameAndCompany {
            match = try sql.queryOne("SELECT * FROM candidates WHERE id = ?", id)
            guard match != nil else { throw BundleError(.internal, "candidate \(id) disappeared during the upload") }
        }
        // Matched by email, with a LinkedIn URL another candidate has: the URL stays with that one.
        if let byEmail, let byLinkedIn, byEmail != byLinkedIn { profile.linkedinURL = nil }
        guard let match else {
            let id = pending.add(profile)
            keys.record(id, was: nil, now: profile)
            return (id, true)
        }
        let id = try match.int("id")
        let known = try CandidateProfile(row: match)
        let merged = known.merged(with: profile)
        guard merged != known else { return (id, false) }
        let rescore = merged.differsInScoredFields(from: known)
        try update(id, profile: merged, rescore: rescore, sql: sql, now: now)
        keys.record(id, was: known, now: merged)
        return (id, false)
    }

    func update(_ id: Int, profile: CandidateProfile, rescore: Bool, sql: any SQLExecutor, now: Date) throws {
        let columns = profile.columnValues
        let assignments = columns.map { "\($0.0) = ?" }.joined(separator: ", ")
        try sql.execute("""
            UPDATE candidates SET \(assignments), needs_scoring = CASE WHEN ? = 1 THEN 1 ELSE needs_scoring END,
                profile_version = profile_version + 1, updated_at = ?
            WHERE id = ?
            """, columns.map(\.1) + [rescore, now, id])
    }
}

/// A role's candidates by email, by LinkedIn URL and (those with neither) by name and company,
/// read once per upload inside its write transaction and kept current as rows are stored:
/// matching a row then costs no query, and rows earlier in the same file are found as they
/// would be in the table. (A query per row with neither email nor LinkedIn URL made 10,000
/// such rows take 9 s.)
struct CandidateKeys {
    var byEmail: [String: Int] = [:]
    var byLinkedIn: [String: Int] = [:]
    /// The first (lowest id) candidate with neither email nor LinkedIn URL for each name and company.
    var unidentified: [UnidentifiedKey: Int] = [:]
    /// Names and companies whose first candidate gained an email or LinkedIn URL, or was renamed,
    /// during the upload (merging never does that today): those are matched by a query again.
    var changedUnidentified: Set<UnidentifiedKey> = []

    init(roleID: Int, sql: any SQLExecutor) throws {
        for row in try sql.query("""
            SELECT id, email, linkedin_url FROM candidates WHERE role_id = ? AND (email IS NOT NULL OR linkedin_url IS NOT NULL)
            """, roleID) {
            let id = try row.int("id")
            if let email = row.optionalString("email") { byEmail[email] = id }
            if let url = row.optionalString("linkedin_url") { byLinkedIn[url] = id }
        }
        for row in try sql.query("""
            SELECT id, name, current_company FROM candidates WHERE role_id = ? AND email IS NULL AND linkedin_url IS NULL ORDER BY id
            """, roleID) {
            let key = UnidentifiedKey(name: try row.string("name"), company: row.optionalString("current_company"))
            if unidentified[key] == nil { unidentified[key] = try row.int("id") }
        }
    }

    /// Room for `count` more candidates, so a large upload does not rehash the tables as they grow.
    mutating func reserveCapacity(_ count: Int) {
        byEmail.reserveCapacity(byEmail.count + count)
        byLinkedIn.reserveCapacity(byLinkedIn.count + count)
    }

    /// What these keys hold for `profile`, looked up once per row (each lookup hashes the text).
    func match(_ profile: CandidateProfile) -> CandidateMatch {
        let key = UnidentifiedKey(profile)
        return CandidateMatch(byEmail: profile.email.flatMap { byEmail[$0] }, byLinkedIn: profile.linkedinURL.flatMap { byLinkedIn[$0] },
                              unidentifiedKey: key, changedUnidentified: key.map { changedUnidentified.contains($0) } ?? false,
                              byNameAndCompany: key.flatMap { unidentified[$0] })
    }

    /// A pending row (`placeholder`) was stored as candidate `id`.
    mutating func replace(_ placeholder: Int, with id: Int, email: String?, linkedinURL: String?, unidentified key: UnidentifiedKey?) {
        // Found once and changed in place: hashing the key twice was most of the cost.
        if let email, let index = byEmail.index(forKey: email), byEmail.values[index] == placeholder { byEmail.values[index] = id }
        if let linkedinURL, let index = byLinkedIn.index(forKey: linkedinURL), byLinkedIn.values[index] == placeholder {
            byLinkedIn.values[index] = id
        }
        if let key, unidentified[key] == placeholder { unidentified[key] = id }
    }

    /// Candidate `id` (a placeholder while pending) was stored with `profile` (replacing `previous`).
    mutating func record(_ id: Int, was previous: CandidateProfile?, now profile: CandidateProfile) {
        if let old = previous?.email, old != profile.email, byEmail[old] == id { byEmail[old] = nil }
        if let old = previous?.linkedinURL, old != profile.linkedinURL, byLinkedIn[old] == id { byLinkedIn[old] = nil }
        if let email = profile.email { byEmail[email] = id }
        if let url = profile.linkedinURL { byLinkedIn[url] = id }
        let key = UnidentifiedKey(profile)
        if let old = previous.flatMap(UnidentifiedKey.init), old != key, unidentified[old] == id {
            unidentified[old] = nil
            changedUnidentified.insert(old)
        }
        // A later candidate never takes a name and company from an earlier one (ids grow).
        if let key, unidentified[key] == nil { unidentified[key] = id }
    }
}

/// The candidates `CandidateKeys` holds for one row's profile (ids, negative while pending), found
/// once: deciding whether to flush and then matching looked each key up twice.
struct CandidateMatch {
    let byEmail: Int?
    let byLinkedIn: Int?
    /// The profile's name and company when it has neither email nor LinkedIn URL.
    let unidentifiedKey: UnidentifiedKey?
    /// That key's first candidate changed during the upload: matched by a query instead.
    let changedUnidentified: Bool
    let byNameAndCompany: Int?

    /// Whether matching needs the pending rows stored first: it matches a pending row, or it has
    /// no email or LinkedIn URL and is matched by a query on name and company.
    var needsStoredRows: Bool {
        changedUnidentified || (byNameAndCompany ?? 0) < 0 || (byEmail ?? 0) < 0 || (byLinkedIn ?? 0) < 0
    }
}

/// The name and company that identify a candidate with neither email nor LinkedIn URL, compared
/// as the SQL match compares them: `LOWER` changes only ASCII letters (SQLite without ICU), a
/// missing company equals an empty one, and text is equal byte for byte (not by Unicode
/// equivalence, as `String` compares).
struct UnidentifiedKey: Hashable {
    let name: [UInt8]
    let company: [UInt8]

    init(name: String, company: String?) {
        self.name = name.utf8.map(FieldNormalizer.asciiLowercased)
        self.company = (company ?? "").utf8.map(FieldNormalizer.asciiLowercased)
    }

    /// The key of a profile with neither email nor LinkedIn URL; nil for one with either.
    init?(_ profile: CandidateProfile) {
        guard profile.email == nil, profile.linkedinURL == nil else { return nil }
        self.init(name: profile.name, company: profile.currentCompany)
    }
}
