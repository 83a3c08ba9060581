import Core
import FoundationEssentials

/// An uploaded file of communications read into drafts: `.txt` and `.md` (one document), `.eml`
/// (one e-mail: subject, date and sender from its headers, its text part), `.docx` (one document,
/// `word/document.xml`'s text) and `.csv` (one communication per row, loose headers; a bad row is
/// reported by line and skipped). The type comes from the file name and is checked against the
/// content: text that holds NUL bytes or is not UTF-8, or a `.docx` that is not a Word ZIP, is
/// refused, so a renamed binary never becomes a communication.
package struct CommunicationFile: Sendable {
    package static let acceptedTypes = ["txt", "md", "eml", "csv", "docx"]
    /// The largest file accepted, counted on the bytes received.
    package static let maxBytes = 10 << 20

    /// Values given with the upload: they fill in a single document's fields (and a CSV row's
    /// empty cells), winning over what the file says.
    package struct Defaults: Sendable {
        package var prospectID: Int?
        package var companyName: String?
        package var outcome: String?
        package var date: Date?
        package var subject: String?

        package init(prospectID: Int? = nil, companyName: String? = nil, outcome: String? = nil, date: Date? = nil, subject: String? = nil) {
            self.prospectID = prospectID
            self.companyName = companyName
            self.outcome = outcome
            self.date = date
            self.subject = subject
        }
    }

    /// What makes two uploads of the same bytes the same upload: the file's SHA-256 alone when
    /// no value was given, else a hash of it with each given value normalised (company by its
    /// key, outcome lower-cased with spaces collapsed, the date in UTC), so the same notes sent
    /// for another prospect, company or outcome are another upload.
    package static func uploadKey(sha256: String, defaults: Defaults) -> String {
        func collapsed(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let values: [(String, String?)] = [
            ("prospect_id", defaults.prospectID.map(String.init)), ("company", defaults.companyName.map(CompanyName.key)),
            ("outcome", defaults.outcome.map { collapsed($0).lowercased() }), ("date", defaults.date.map { Timestamp.format($0) }),
            ("subject", defaults.subject.map(collapsed)),
        ]
        let given = values.compactMap { name, value in value.map { "\(name)=\($0.utf8.count):\($0)" } }
        guard !given.isEmpty else { return sha256 }
        return SHA256.hex(SHA256.hash(Array(([sha256] + given).joined(separator: "\n").utf8)))
    }

    /// A row of a CSV that was not stored: its line and why.
    package struct RowError: Codable, Sendable, Equatable {
        package var line: Int
        package var message: String

        package static let schema: JSONValue = Schema.object(["line": Schema.integer(minimum: 1), "message": Schema.string()])
    }

    package var fileType: String
    package var drafts: [CommunicationStore.Draft]
    package var errors: [RowError]
    /// For a CSV, the line each draft starts on (nil for a single document).
    package var lines: [Int]?

    package static func fileType(of fileName: String) throws -> String {
        let name = fileName.lowercased()
        guard let dot = name.lastIndex(of: "."), case let type = String(name[name.index(after: dot)...]), acceptedTypes.contains(type) else {
            throw BundleError.validation(field: "file", "\"\(fileName.prefix(100))\" is not a type that can be read; accepted types: "
                                         + acceptedTypes.map { "." + $0 }.joined(separator: ", "))
        }
        return type
    }

    /// Moves the rows whose prospect is not in `known` to the errors (a CSV row naming a prospect
    /// that does not exist is skipped, not the whole file).
    package mutating func dropRows(withProspectsOtherThan known: Set<Int>) {
        guard let lines else { return }
        var keptDrafts: [CommunicationStore.Draft] = []
        var keptLines: [Int] = []
        for (draft, line) in zip(drafts, lines) {
            if let id = draft.prospectID, !known.contains(id) {
                errors.append(RowError(line: line, message: "line \(line): prospect_id \(id) does not exist"))
            } else {
                keptDrafts.append(draft)
                keptLines.append(line)
            }
        }
        drafts = keptDrafts
        self.lines = keptLines
        errors.sort { $0.line < $1.line }
    }

    package init(bytes: [UInt8], fileName: String, defaults: Defaults, now: Date) throws {
        guard bytes.count <= Self.maxBytes else {
            throw BundleError(.payloadTooLarge, "the file is \(bytes.count) bytes; upload at most \(Self.maxBytes >> 20) MB at a time")
        }
        fileType = try Self.fileType(of: fileName)
        errors = []
        lines = nil
        let title = Self.baseName(fileName)
        switch fileType {
        case "txt", "md":
            let text = try Self.utf8Text(bytes, type: fileType)
            let heading = fileType == "md" ? text.split(separator: "\n").first { $0.hasPrefix("#") }.map { $0.drop { $0 == "#" }.trimmingWhitespace() } : nil
            drafts = [try Self.document(content: text, subject: heading, sender: nil, date: nil, defaults: defaults, title: title, now: now)]
        case "eml":
            try Self.refuseBinary(bytes, type: "eml")
            let message = try MIMEMessage(bytes: bytes)
            guard !message.headers.isEmpty else {
                throw BundleError.validation(field: "file", "the .eml file has no e-mail headers; save the message as .eml from the mail program")
            }
            guard let text = message.text, !text.trimmingWhitespace().isEmpty else {
                throw BundleError.validation(field: "file", "the e-mail has no text part to read")
            }
            drafts = [try Self.document(content: text, subject: message.subject, sender: message.from, date: message.date, defaults: defaults,
                                        title: title, now: now)]
        case "docx":
            let text = try DocxText.text(of: bytes)
            let firstLine = text.split(separator: "\n").first { !$0.trimmingWhitespace().isEmpty }.map { String($0.trimmingWhitespace().prefix(200)) }
            drafts = [try Self.document(content: text, subject: firstLine, sender: nil, date: nil, defaults: defaults, title: title, now: now)]
        default:
            let sheet = try CommunicationSheet(text: try CSVSource(bytes: bytes, fileName: fileName).text, defaults: defaults, now: now)
            drafts = sheet.drafts
            errors = sheet.errors
            lines = sheet.lines
        }
    }

    static func document(content: String, subject: String?, sender: String?, date: Date?, defaults: Defaults, title: String,
                         now: Date) throws -> CommunicationStore.Draft {
        let content = StorableText.clean(content).trimmingWhitespace()
        guard !content.isEmpty else { throw BundleError.validation(field: "file", "the file has no text") }
        let subject = [defaults.subject, subject, title].compactMap { $0?.trimmingWhitespace() }.first { !$0.isEmpty } ?? title
        return CommunicationStore.Draft(prospectID: defaults.prospectID, companyName: defaults.companyName, subject: String(subject.prefix(500)),
                                        content: content, sender: sender.map { String($0.prefix(500)) }, outcome: defaults.outcome,
                                        date: defaults.date ?? date ?? now)
    }

    /// UTF-8 text (a byte order mark dropped), or UTF-16 with its byte order mark (as Windows
    /// saves "Unicode" text, and as CSVs are read); otherwise NUL bytes or invalid UTF-8 mean the
    /// file is not text.
    static func utf8Text(_ bytes: [UInt8], type: String) throws -> String {
        if TextBytes.hasUTF16ByteOrderMark(bytes) { return try utf16Text(bytes, type: type) }
        try refuseBinary(bytes, type: type)
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        guard let text = String(validating: body, as: UTF8.self) else {
            throw BundleError.validation(field: "file", "the .\(type) file is not UTF-8 text; save it as UTF-8 (or upload the original document)")
        }
        return text
    }

    /// UTF-16 after its byte order mark, transcoded strictly: an odd length, an unpaired
    /// surrogate, or a NUL or other control character (tab, CR and LF aside) means a renamed
    /// binary that happens to start with FF FE or FE FF, refused like the others.
    static func utf16Text(_ bytes: [UInt8], type: String) throws -> String {
        guard let text = TextBytes.utf16(bytes),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\r" && $0 != "\n" }) else {
            throw BundleError.validation(field: "file", "the .\(type) file holds binary data, not text; was another file renamed?")
        }
        return text
    }

    static func refuseBinary(_ bytes: [UInt8], type: String) throws {
        if bytes.contains(0) || ArchiveMagic.isArchive(bytes) || bytes.starts(with: Array("%PDF".utf8)) {
            throw BundleError.validation(field: "file", "the .\(type) file holds binary data, not text; was another file renamed?")
        }
    }

    static func baseName(_ fileName: String) -> String {
        let last = fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? fileName
        guard let dot = last.lastIndex(of: "."), dot > last.startIndex else { return last }
        return String(last[..<dot])
    }
}

/// The magic numbers of archives (a `.docx` renamed to `.txt` starts with one).
enum ArchiveMagic {
    static func isArchive(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x1F, 0x8B]) || bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
    }
}
