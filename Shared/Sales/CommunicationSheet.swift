import Core
import FoundationEssentials

/// A CSV of communications, one per row, read with loose headers (case, spaces and punctuation
/// do not matter; "Body", "Message", "Email Body" are content, "Result", "Deal Stage" are the
/// outcome, and so on). A row without content, with a date that is not a date or a prospect id
/// that is not a number is reported by the line it starts on and skipped; the others become drafts.
package struct CommunicationSheet: Sendable {
    package static let maxRows = 50_000

    enum Field: CaseIterable {
        case subject, content, outcome, date, company, prospectID, sender
    }

    /// Folded header names (letters and digits, lower-cased) for each field, most usual first.
    static let aliases: [Field: [String]] = [
        .subject: ["subject", "title", "topic", "emailsubject", "subjectline"],
        .content: ["content", "body", "message", "text", "emailbody", "notes", "note", "description", "messagebody", "transcript"],
        .outcome: ["outcome", "result", "status", "dealstage", "stage", "response", "outcomes"],
        .date: ["date", "communicationdate", "sentat", "sent", "sentdate", "createdat", "timestamp", "datesent"],
        .company: ["company", "companyname", "account", "accountname", "organisation", "organization", "customer"],
        .prospectID: ["prospectid", "prospect"],
        .sender: ["from", "sender", "author", "owner"],
    ]

    package var drafts: [CommunicationStore.Draft] = []
    /// The line each draft starts on.
    package var lines: [Int] = []
    package var errors: [CommunicationFile.RowError] = []

    package init(text: String, defaults: CommunicationFile.Defaults, now: Date) throws {
        let table = CSVTable.parse(text, maxRecords: Self.maxRows + 1)
        guard let header = table.records.first else {
            throw BundleError.validation(field: "file", "the CSV is empty: send a header line (subject, content, outcome, date, company) and one row per communication")
        }
        guard !table.truncated else {
            throw BundleError(.payloadTooLarge, "the CSV has more than \(Self.maxRows) rows; upload at most \(Self.maxRows) at a time")
        }
        let keys = header.fields.prefix(500).map(ProspectColumns.folded)
        var columns: [Field: Int] = [:]
        for field in Field.allCases {
            for alias in Self.aliases[field] ?? [] {
                if let index = keys.firstIndex(of: alias), !columns.values.contains(index) { columns[field] = index; break }
            }
        }
        guard let contentColumn = columns[.content] else {
            throw BundleError.validation(field: "file", "the CSV header (line \(header.line)) has no content column (e.g. \"content\", \"body\", "
                                         + "\"message\"); found: " + header.fields.prefix(30).joined(separator: ", "))
        }
        for record in table.records.dropFirst() {
            if record.fields.allSatisfy(CellText.isBlank) { continue }
            func cell(_ field: Field) -> String? {
                guard let index = columns[field], index < record.fields.count else { return nil }
                let value = StorableText.clean(record.fields[index]).trimmingWhitespace()
                return value.isEmpty ? nil : value
            }
            var problems: [String] = []
            let content = contentColumn < record.fields.count ? StorableText.clean(record.fields[contentColumn]).trimmingWhitespace() : ""
            if content.isEmpty { problems.append("content is empty") }
            var date = defaults.date ?? now
            if let text = cell(.date) {
                if let parsed = Timestamp.parse(text) ?? MIMEDecoding.date(text) { date = parsed } else {
                    problems.append("date \"\(text.prefix(40))\" is not a date (use YYYY-MM-DD or ISO-8601)")
                }
            }
            var prospectID = defaults.prospectID
            if let text = cell(.prospectID) {
                if let id = Int(text), id > 0 { prospectID = id } else { problems.append("prospect_id \"\(text.prefix(40))\" is not a number") }
            }
            guard problems.isEmpty else {
                errors.append(.init(line: record.line, message: "line \(record.line): " + problems.joined(separator: "; ")))
                continue
            }
            let subject = cell(.subject) ?? defaults.subject ?? String(content.split(separator: "\n").first?.prefix(80) ?? "")
            lines.append(record.line)
            drafts.append(CommunicationStore.Draft(prospectID: prospectID, companyName: cell(.company) ?? defaults.companyName,
                                                   subject: String(subject.prefix(500)), content: content, sender: cell(.sender),
                                                   outcome: cell(.outcome) ?? defaults.outcome, date: date, row: record.line))
        }
        guard !drafts.isEmpty || !errors.isEmpty else {
            throw BundleError.validation(field: "file", "the CSV has a header but no communication rows")
        }
    }
}
