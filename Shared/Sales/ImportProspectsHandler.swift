import Core
import Runtime

/// `POST /api/v1/prospects/import/csv`: a CSV of prospects (multipart, `text/csv`, `{csv}` or
/// `{content_base64}`, loose headers) stored in one transaction. Rows are matched by LinkedIn
/// URL (an earlier row of the file or a stored prospect is updated, never duplicated), companies
/// by normalised name; each bad row is reported with its line and skipped. The same file again
/// is the same import: the answer says so and repeats the first result.
package struct ImportProspectsHandler: FunctionHandler {
    package typealias Input = CSVSource.Upload

    package struct Output: Codable, Sendable {
        var importID: Int
        var alreadyImported: Bool
        var created: Int
        var updated: Int
        var skipped: Int
        var errors: [ProspectSheet.RowError]
        var `import`: ProspectImport.Ledger
        var message: String

        enum CodingKeys: String, CodingKey {
            case created, updated, skipped, errors, `import`, message
            case importID = "import_id"
            case alreadyImported = "already_imported"
        }
    }

    /// The largest file accepted, in bytes.
    package static let maxFileBytes = 10 << 20

    package static let manifest = FunctionManifest(
        name: "import-prospects",
        summary: "Imports a CSV of prospects (multipart, text/csv, {csv} or {content_base64}; loose headers; 10 MB): created, updated and skipped counts, row errors by line.",
        routes: [Route("POST", "/api/v1/prospects/import/csv")],
        input: CSVSource.Upload.schema,
        output: Schema.object([
            "import_id": Schema.integer(minimum: 1),
            "already_imported": Schema.boolean("true when this exact file was imported before: the counts are that import's"),
            "created": Schema.integer(minimum: 0), "updated": Schema.integer(minimum: 0), "skipped": Schema.integer(minimum: 0),
            "errors": Schema.array(ProspectSheet.RowError.schema), "import": ProspectImport.Ledger.schema, "message": Schema.string(),
        ]),
        timeoutSeconds: 120,
        maxBodyBytes: FunctionManifest.bodyLimit(forFileBytes: maxFileBytes)
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let source = try input.source()
        let size = source.byteCount
        guard size <= Self.maxFileBytes else {
            throw BundleError(.payloadTooLarge, "the file is \(size) bytes; import at most \(Self.maxFileBytes >> 20) MB at a time (split it)")
        }
        let sheet = try ProspectSheet(text: source.text)
        let (record, created) = try ProspectStore(database: try context.database()).importSheet(sheet, source: source, now: context.clock.now())
        let ledger = record.ledger
        let fields: [String: JSONValue] = ["import": .number(Double(ledger.id)), "rows": .number(Double(ledger.rows)),
                                           "created": .number(Double(record.created)), "updated": .number(Double(record.updated)),
                                           "skipped": .number(Double(record.skipped)), "again": .bool(!created)]
        context.logger.info("prospects.imported", fields)
        let counts: String = "\(record.created) created, \(record.updated) updated, \(record.skipped) skipped"
        let message: String = created ? "imported \(ledger.rows) rows: " + counts
            : "this file was already imported (import \(ledger.id) at \(ledger.createdAt)); nothing was changed"
        return Output(importID: ledger.id, alreadyImported: !created, created: record.created, updated: record.updated,
                      skipped: record.skipped, errors: record.errors, import: ledger, message: message)
    }
}

/// `GET /api/v1/prospects/import/template`: the CSV an import expects, with one example row.
/// Over HTTP it is a `text/csv` download; piped, the JSON carries the same text.
package struct ProspectImportTemplateHandler: FunctionHandler {
    package struct Input: Codable, Sendable {}

    package static let fileName = "prospects-template.csv"
    package static let headers = ["linkedin_url", "full_name", "title", "company_name", "company_size", "industry", "location", "email",
                                  "phone", "status"]
    package static let example = ["https://www.linkedin.com/in/jane-example", "Jane Example", "VP of Engineering", "Example Corp",
                                  "201-500", "Financial Services", "London, UK", "jane@example.com", "+44 20 7946 0000", "new"]

    /// The template: a header and the example row, CRLF as spreadsheets write it.
    package static var csv: String {
        [headers, example].map { $0.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    package static let manifest = FunctionManifest(
        name: "prospect-import-template",
        summary: "The CSV template for prospect imports, with one example row (a text/csv download over HTTP).",
        routes: [Route("GET", "/api/v1/prospects/import/template")],
        input: Schema.object([:], required: []),
        output: Schema.object([
            "file_name": Schema.string(), "content_type": Schema.string(), "csv": Schema.string("The template's text"),
            "columns": Schema.array(Schema.string()), "required": Schema.array(Schema.string()),
        ], additionalProperties: true),
        timeoutSeconds: 5,
        otherContentTypes: ["text/csv"]
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        let text = Self.csv
        return [
            "_http": ["content_type": "text/csv; charset=utf-8", "body": .string(text),
                      "headers": ["Content-Disposition": .string("attachment; filename=\"\(Self.fileName)\"")]],
            "file_name": .string(Self.fileName), "content_type": "text/csv", "csv": .string(text),
            "columns": .array(Self.headers.map(JSONValue.string)),
            "required": ["linkedin_url", "full_name", "title", "company_name"],
        ]
    }
}
