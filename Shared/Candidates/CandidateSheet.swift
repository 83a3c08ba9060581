import Core

/// An uploaded sheet read into candidate profiles: the header is matched to fields, each row
/// becomes a profile or a rejection with its line number and reason, and blank rows are skipped.
/// A file that has no text, no usable header or no rows is refused as a whole: the bundle never
/// invents candidates from a file it cannot read.
package struct CandidateSheet: Sendable {
    package struct Accepted: Sendable {
        package var line: Int
        package var profile: CandidateProfile
    }

    /// What is said about one row: why it was rejected, or what to check in it.
    package struct RowNote: Codable, Sendable, Equatable, Error {
        package var line: Int
        package var reason: String
        /// The start of the row as written, so a person can find it.
        package var excerpt: String

        package static let schema: JSONValue = Schema.object(["line": Schema.integer(minimum: 1), "reason": Schema.string(), "excerpt": Schema.string()])
    }

    package var columns: CandidateColumns
    package var delimiter: Character
    package var rows: Int = 0
    package var accepted: [Accepted] = []
    package var rejected: [RowNote] = []
    /// Accepted rows with something a person should check (the same shape as a rejection).
    package var warnings: [RowNote] = []

    /// Where each field's cells are in a row, worked out once from the header.
    private struct ColumnLayout {
        /// By `Field.ordinal`: the columns that feed the field, in order.
        var columns: [[Int]]
        var extras: [(index: Int, header: String)]

        init(_ columns: CandidateColumns) {
            self.columns = Array(repeating: [], count: CandidateColumns.Field.allCases.count)
            for (index, field) in columns.fields.sorted(by: { $0.key < $1.key }) { self.columns[field.ordinal].append(index) }
            extras = columns.extras.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }

    private var layout: ColumnLayout

    static let maxRows = 100_000
    static let maxFieldLength = 1_000
    static let maxBioLength = 20_000

    package init(text: String) throws {
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw BundleError.validation(field: "file", "the file is empty: upload a CSV with a header line (name,email,skills,...) and a row per candidate")
        }
        let table = CSVTable.parse(text)
        guard let headerIndex = table.records.firstIndex(where: { $0.fields.contains { !$0.trimmingWhitespace().isEmpty } }) else {
            throw BundleError.validation(field: "file", "the file has no readable lines")
        }
        let header = table.records[headerIndex]
        columns = CandidateColumns(headers: header.fields)
        layout = ColumnLayout(columns)
        delimiter = table.delimiter
        guard columns.identifiesCandidates else {
            let shown = header.fields.prefix(8).map { "\"\($0.prefixed(30))\"" }.joined(separator: ", ")
            throw BundleError.validation(field: "file", "line \(header.line) is not a usable header: no column names the candidate (found \(shown)). "
                + "The first line must name the columns, for example: name,email,linkedin,current_role,years_experience,skills")
        }
        let body = table.records[(headerIndex + 1)...]
        guard body.count <= Self.maxRows else {
            throw BundleError.validation(field: "file", "the file has \(body.count) rows; at most \(Self.maxRows) are accepted per upload")
        }
        // Sheets that end every row with extra separators are common; a row wider than both the
        // header and most rows almost always holds an unquoted separator that shifted its columns.
        var widths: [Int: Int] = [:]
        for record in body { widths[record.fields.count, default: 0] += 1 }
        let usualWidth = widths.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? header.fields.count
        accepted.reserveCapacity(body.count)
        for record in body where record.fields.contains(where: { !FieldNormalizer.isBlank($0) }) {
            rows += 1
            switch read(record, usualWidth: usualWidth) {
            case .success(let profile): accepted.append(Accepted(line: record.line, profile: profile))
            case .failure(let rejection): rejected.append(rejection)
            }
        }
        for line in table.unclosedQuoteLines {
            warnings.append(RowNote(line: line, reason: "a quote opened on this line never closes; it was read as text", excerpt: ""))
        }
        guard rows > 0 else {
            throw BundleError.validation(field: "file", "the file has a header but no candidate rows")
        }
    }

    private struct RowProblem: Error {
        var reason: String
    }

    private mutating func read(_ record: CSVTable.Record, usualWidth: Int) -> Result<CandidateProfile, RowNote> {
        // Only rows with something to say about them need their excerpt.
        let separator = String(delimiter)
        func excerpt() -> String { record.fields.joined(separator: separator).prefixed(80) }
        func reject(_ reason: String) -> Result<CandidateProfile, RowNote> {
            .failure(RowNote(line: record.line, reason: reason, excerpt: excerpt()))
        }
        let width = columns.headers.count
        if record.fields.count > width,
           record.fields.count > usualWidth || record.fields[width...].contains(where: { !FieldNormalizer.isBlank($0) }) {
            return reject("has \(record.fields.count) fields but the header has \(width): a value probably holds an unquoted \"\(delimiter)\"; "
                          + "put that value in double quotes")
        }
        let present = min(width, record.fields.count)
        var extra: [String: String] = [:]
        for (index, header) in layout.extras where index < present {
            if let text = FieldNormalizer.text(record.fields[index]) { extra[header] = String(text.prefix(Self.maxFieldLength)) }
        }
        /// The items of the list cells of a field, in column order.
        func items(_ field: CandidateColumns.Field) -> [String] {
            var items: [String] = []
            for index in layout.columns[field.ordinal] where index < present {
                let list = FieldNormalizer.list(record.fields[index])
                if items.isEmpty { items = list } else { items += list }
            }
            return items
        }
        do {
            func single(_ field: CandidateColumns.Field, limit: Int = Self.maxFieldLength, keepLines: Bool = false) throws -> String? {
                guard let first = layout.columns[field.ordinal].first, first < present,
                      let text = FieldNormalizer.text(record.fields[first], keepLines: keepLines) else { return nil }
                // A character takes at least one byte: only long texts need counting.
                guard text.utf8.count <= limit || text.count <= limit else {
                    throw RowProblem(reason: "\(field.rawValue) is \(text.count) characters long; at most \(limit) are accepted")
                }
                return text
            }
            let joinedName: String? = switch (try single(.firstName), try single(.lastName)) {
            case let (first?, last?): first + " " + last
            case let (first?, nil): first
            case let (nil, last?): last
            case (nil, nil): nil
            }
            guard let name = try single(.name) ?? joinedName else {
                return reject("has no name")
            }
            var profile = CandidateProfile(name: name.utf8.count <= 200 ? name : String(name.prefix(200)))
            if let raw = try single(.email) {
                guard let email = FieldNormalizer.email(raw) else { return reject("email \"\(raw.prefixed(60))\" is not an email address") }
                profile.email = email
            }
            profile.phone = try single(.phone)
            if let raw = try single(.linkedin) {
                // Written only for a row with something to say (two thirds of rows have a URL).
                var problem: String { "linkedin_url \"\(raw.prefixed(60))\" is not a LinkedIn profile URL (https://www.linkedin.com/in/...)" }
                if let url = FieldNormalizer.linkedin(raw) {
                    profile.linkedinURL = url
                } else if profile.email != nil || profile.phone != nil {
                    // Another way to reach the person: keep the row and the value, and say so.
                    extra["linkedin (unreadable)"] = String(raw.prefix(Self.maxFieldLength))
                    warnings.append(RowNote(line: record.line, reason: problem + "; kept as an extra", excerpt: excerpt()))
                } else {
                    return reject(problem)
                }
            }
            profile.location = try single(.location)
            profile.currentRole = try single(.currentRole)
            profile.currentCompany = try single(.currentCompany)
            if let raw = try single(.years) {
                profile.yearsExperience = FieldNormalizer.years(raw)
                if profile.yearsExperience.map(YearsCheck.isPlausible) != true {
                    profile.yearsRaw = raw
                    profile.yearsExperience = nil
                }
            }
            profile.industries = items(.industries)
            let skills = items(.skills)
            profile.skills = skills.count <= 200 ? skills : Array(skills.prefix(200))
            profile.previousCompanies = items(.history)
            profile.education = try single(.education)
            profile.bio = try single(.bio, limit: Self.maxBioLength, keepLines: true)
            profile.tenureMonths = try single(.tenure).flatMap(FieldNormalizer.months)
            profile.extra = extra
            return .success(profile)
        } catch let problem as RowProblem {
            return reject(problem.reason)
        } catch {
            return reject("could not be read")
        }
    }
}

/// What counts as a believable number of years of experience.
package enum YearsCheck {
    package static func isPlausible(_ years: Double) -> Bool { years >= 0 && years <= 60 }
}
