import Core

/// An imported CSV read into checked prospect rows: each data row becomes `ProspectFields` or a
/// row error naming its line (the physical line where the record starts, which is what a
/// spreadsheet shows) and every problem. Blank rows are passed over. A header without the
/// columns that identify a prospect refuses the whole file, saying which columns are missing.
package struct ProspectSheet: Sendable {
    /// A row that could not be imported: its line and why.
    package struct RowError: Codable, Sendable, Equatable {
        package var line: Int
        package var message: String
        package var problems: [ErrorDetail]

        package static let schema: JSONValue = Schema.object([
            "line": Schema.integer("The line of the file where the row starts", minimum: 1), "message": Schema.string(),
            "problems": Schema.array(Schema.object(["field": Schema.string(), "problem": Schema.string()], required: ["field", "problem"])),
        ])
    }

    /// A row that passed the checks: the line where it starts and its normalised fields.
    package struct Row: Sendable {
        package var line: Int
        package var fields: ProspectFields
    }

    package static let maxRows = 100_000

    package var columns: ProspectColumns
    package var delimiter: String
    package var rows: [Row] = []
    package var errors: [RowError] = []
    /// Data rows other than blank ones.
    package var rowCount = 0

    package init(text: String) throws {
        // The header and one row more than accepted: reading stops there. Blank rows are not
        // records, so they neither count nor cost memory.
        let table = CSVTable.parse(text, maxRecords: Self.maxRows + 1)
        guard let header = table.records.first else {
            throw BundleError.validation(field: "csv", "the file is empty: send a header line and one row per prospect (GET /api/v1/prospects/import/template)")
        }
        guard header.fields.count <= ProspectColumns.maxColumns else {
            throw BundleError.validation(field: "csv", "the header (line \(header.line)) has \(header.fields.count) columns; "
                                         + "at most \(ProspectColumns.maxColumns) are read: is the first line the header?")
        }
        guard !table.truncated else {
            throw BundleError(.payloadTooLarge, "the file has more than \(Self.maxRows) prospect rows; import at most \(Self.maxRows) at a time")
        }
        columns = ProspectColumns(headers: header.fields)
        delimiter = String(table.delimiter)
        let missing = columns.missing
        guard missing.isEmpty else {
            throw BundleError.validation(field: "csv", "the header (line \(header.line)) lacks columns for "
                                         + missing.joined(separator: "; ") + "; found: " + columns.headers.prefix(30).joined(separator: ", "))
        }
        let data = table.records.dropFirst()
        let positions = Dictionary(uniqueKeysWithValues: columns.fields.map { ($0.value, $0.key) })
        rows.reserveCapacity(data.count)
        for record in data {
            if record.fields.allSatisfy(CellText.isBlank) { continue }
            rowCount += 1
            func cell(_ field: ProspectColumns.Field) -> String? {
                guard let index = positions[field], index < record.fields.count else { return nil }
                return record.fields[index]
            }
            var fullName = cell(.fullName)
            if fullName.map(CellText.isBlank) ?? true {
                let parts = [cell(.firstName), cell(.lastName)].compactMap { $0 }.filter { !CellText.isBlank($0) }
                fullName = parts.isEmpty ? nil : parts.joined(separator: " ")
            }
            let raw = ProspectFields.Raw(linkedinURL: cell(.linkedinURL), fullName: fullName, title: cell(.title), companyName: cell(.companyName),
                                         companySize: cell(.companySize), industry: cell(.industry), location: cell(.location),
                                         email: cell(.email), phone: cell(.phone), status: cell(.status))
            switch ProspectFields.check(raw) {
            case .success(let fields): rows.append(Row(line: record.line, fields: fields))
            case .failure(let found):
                let problems = found.details
                let message = "line \(record.line): " + problems.map { "\($0.field) \($0.problem)" }.joined(separator: "; ")
                errors.append(RowError(line: record.line, message: message, problems: problems))
            }
        }
        guard rowCount > 0 else {
            throw BundleError.validation(field: "csv", "the file has a header but no prospect rows")
        }
    }
}
