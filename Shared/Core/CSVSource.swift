import FoundationEssentials

/// The CSV text of an upload, from whichever way it came: a multipart file, a `text/csv` body,
/// `{"csv": "..."}` or `{"content_base64": "..."}`. Bytes are read as UTF-8 (with or without a
/// byte order mark), UTF-16 with a byte order mark (Excel's "Unicode text"), or else as
/// Windows-1252 (what Excel on Windows writes as "CSV"). A workbook, a PDF or any other binary
/// file is refused with a message saying what to export instead.
package struct CSVSource: Sendable, Equatable {
    package var text: String
    package var fileName: String?
    /// SHA-256 of the bytes as received, so the same file uploaded twice is recognised.
    package var sha256: String
    /// How many bytes were received (a decoded Windows-1252 file is longer as UTF-8 text):
    /// what a size limit is checked against.
    package var byteCount: Int

    /// The ways a function's input can carry one CSV file, as their JSON fields: a handler that
    /// takes nothing else uses it as its `Input` and `schema` as its input schema.
    package struct Upload: Codable, Sendable {
        package var csv: String?
        package var bodyText: String?
        package var contentBase64: String?
        package var fileName: String?
        package var files: [JSONValue]?

        enum CodingKeys: String, CodingKey {
            case csv, files
            case bodyText = "body_text"
            case contentBase64 = "content_base64"
            case fileName = "file_name"
        }

        package static let schema: JSONValue = Schema.object([
            "csv": Schema.string("The CSV text"),
            "body_text": Schema.string("A text/csv request body (set by the HTTP gateway)"),
            "content_base64": Schema.string("The file's bytes, base64 (for files that are not UTF-8)"),
            "file_name": Schema.string(maxLength: 255),
            "files": Schema.array(Schema.any, "Multipart files (set by the HTTP gateway): send one, in any field"),
        ], required: [])

        /// The file, from whichever field carried it.
        package func source() throws -> CSVSource {
            try CSVSource.resolve(csv: csv, bodyText: bodyText, contentBase64: contentBase64, fileName: fileName, files: files)
        }
    }

    package static func resolve(csv: String?, bodyText: String?, contentBase64: String?, fileName: String?,
                                files: [JSONValue]?) throws -> CSVSource {
        let given = [csv != nil, bodyText != nil, contentBase64 != nil, !(files ?? []).isEmpty].filter { $0 }.count
        guard given <= 1 else {
            throw BundleError.validation(field: "csv", "send the file one way: a multipart file, a text/csv body, csv or content_base64")
        }
        if let text = csv ?? bodyText {
            return try CSVSource(text: text, fileName: fileName)
        }
        if let encoded = contentBase64 {
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw BundleError.validation(field: "content_base64", "is not base64")
            }
            return try CSVSource(bytes: Array(data), fileName: fileName)
        }
        guard let files, !files.isEmpty else {
            throw BundleError.validation(field: "csv", "no file was sent: upload a CSV as multipart (field \"file\"), as a text/csv body, or as {\"csv\": \"...\"}")
        }
        guard files.count == 1, let file = files.first else {
            throw BundleError.validation(field: "files", "send one CSV file per upload, not \(files.count)")
        }
        let name = file["filename"]?.stringValue ?? fileName
        if let text = file["text"]?.stringValue { return try CSVSource(text: text, fileName: name) }
        guard let encoded = file["content_base64"]?.stringValue, let data = Data(base64Encoded: encoded) else {
            throw BundleError.validation(field: "files", "the uploaded file has no content")
        }
        return try CSVSource(bytes: Array(data), fileName: name)
    }

    package init(bytes: [UInt8], fileName: String?) throws {
        self.fileName = fileName.map { String($0.prefix(255)) }
        sha256 = SHA256.hex(SHA256.hash(bytes))
        byteCount = bytes.count
        text = try Self.decode(bytes)
    }

    /// Text that arrived as a JSON string: already Unicode, so it is hashed as its UTF-8 bytes
    /// and kept as it is (decoding those bytes again gave the same text, after a validating copy).
    package init(text: String, fileName: String?) throws {
        let bytes = Array(text.utf8)
        self.fileName = fileName.map { String($0.prefix(255)) }
        sha256 = SHA256.hex(SHA256.hash(bytes))
        byteCount = bytes.count
        try Self.refuseBinary(bytes)
        self.text = text
    }

    static func decode(_ bytes: [UInt8]) throws -> String {
        if TextBytes.hasUTF16ByteOrderMark(bytes) {
            guard let text = TextBytes.utf16(bytes) else {
                throw BundleError.validation(field: "file", "the file is binary data, not CSV text: export the sheet as CSV (comma or semicolon separated) and upload that")
            }
            return text
        }
        try refuseBinary(bytes)
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return TextBytes.windows1252(bytes)
    }

    private static func refuseBinary(_ bytes: [UInt8]) throws {
        if let kind = binaryKind(bytes) {
            throw BundleError.validation(field: "file", "the file is \(kind), not CSV text: export the sheet as CSV (comma or semicolon separated) and upload that")
        }
    }

    private static func binaryKind(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a ZIP archive (an .xlsx or .numbers workbook?)" }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return "an old Excel workbook (.xls)" }
        if bytes.starts(with: Array("%PDF".utf8)) { return "a PDF" }
        let sample = bytes.prefix(8192)
        let controls = sample.filter { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C }.count
        if sample.contains(0) || controls * 20 > sample.count { return "binary data" }
        return nil
    }
}
