import Core
import FoundationEssentials
import Runtime

/// `POST /api/v1/communications/upload`: a file of past communications (multipart, or
/// `{file_name, content_base64}` so a fixture can be piped), read by `CommunicationFile`, with
/// optional fields that apply to a single document (prospect_id, company_name, outcome, date,
/// subject). 10 MB at most, counted on the bytes received. The same file with the same values again
/// is the same upload: rows skipped before (a prospect that did not exist) are stored now, and
/// when nothing is new the answer says `duplicate: true` and lists the upload's communications.
package struct UploadCommunicationsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var files: [JSONValue]?
        var fileName: String?
        var contentBase64: String?
        var prospectID: Int?
        var companyName: String?
        var outcome: String?
        var date: String?
        var subject: String?

        enum CodingKeys: String, CodingKey {
            case files, outcome, date, subject
            case fileName = "file_name"
            case contentBase64 = "content_base64"
            case prospectID = "prospect_id"
            case companyName = "company_name"
        }
    }

    package struct Output: Codable, Sendable {
        var uploadID: Int?
        var fileName: String
        var fileType: String
        var sha256: String
        var duplicate: Bool
        var created: Int
        var communications: [Communication]
        var errors: JSONValue
        var embedding: CommunicationEmbedding
        var message: String

        enum CodingKeys: String, CodingKey {
            case sha256, duplicate, created, communications, errors, embedding, message
            case uploadID = "upload_id"
            case fileName = "file_name"
            case fileType = "file_type"
        }
    }

    package static let manifest = FunctionManifest(
        name: "upload-communications",
        summary: "Uploads past communications from a file (.txt, .md, .eml, .csv one per row, .docx; 10 MB), chunked and embedded for similar-wins search.",
        routes: [Route("POST", "/api/v1/communications/upload")],
        successStatus: 201,
        input: Schema.object([
            "files": Schema.array(Schema.any, "Multipart files (set by the HTTP gateway): send one, in any field"),
            "file_name": Schema.string("The file's name; its extension gives the type", maxLength: 255),
            "content_base64": Schema.string("The file's bytes, base64 (with file_name)"),
            "prospect_id": Schema.integer("The prospect a single document is with", minimum: 1),
            "company_name": Schema.string(maxLength: 300),
            "outcome": Schema.string("What came of it (\"closed won\", \"no reply\"…)", maxLength: 2_000),
            "date": Schema.string("ISO-8601 time or YYYY-MM-DD", maxLength: 40),
            "subject": Schema.string(maxLength: 500),
        ], required: []),
        output: Schema.object([
            "upload_id": Schema.nullable(Schema.integer(minimum: 1)), "file_name": Schema.string(), "file_type": Schema.string(enum: CommunicationFile.acceptedTypes),
            "sha256": Schema.string(), "duplicate": Schema.boolean("true when this exact file was uploaded before with the same values: nothing new was stored"),
            "created": Schema.integer(minimum: 0), "communications": Schema.array(Communication.schema),
            "errors": Schema.array(CommunicationFile.RowError.schema), "embedding": CommunicationEmbedding.schema, "message": Schema.string(),
        ]),
        timeoutSeconds: 300,
        maxBodyBytes: FunctionManifest.bodyLimit(forFileBytes: CommunicationFile.maxBytes)
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let (bytes, fileName) = try Self.file(input)
        let now = context.clock.now()
        var defaults = CommunicationFile.Defaults(prospectID: input.prospectID, outcome: Self.optional(input.outcome), subject: Self.optional(input.subject))
        defaults.companyName = Self.optional(input.companyName)
        if let text = Self.optional(input.date) {
            guard let date = Timestamp.parse(text) else {
                throw BundleError.validation(field: "date", "must be an ISO-8601 time or YYYY-MM-DD, got \"\(text.prefix(40))\"")
            }
            defaults.date = date
        }
        var file = try CommunicationFile(bytes: bytes, fileName: fileName, defaults: defaults, now: now)
        let store = CommunicationStore(database: try context.database())
        if file.lines != nil {
            file.dropRows(withProspectsOtherThan: try store.existingProspects(Set(file.drafts.compactMap(\.prospectID))))
        }
        // A file none of whose rows can be stored is refused, not recorded: fixed and sent again,
        // it must not be taken for a duplicate.
        guard !file.drafts.isEmpty else {
            throw BundleError(.validationFailed, "no row of the file could be stored: " + (file.errors.first?.message ?? "no rows"),
                              details: file.errors.prefix(50).map { ErrorDetail(field: "line \($0.line)", problem: $0.message) })
        }
        let sha256 = SHA256.hex(SHA256.hash(bytes))
        let errors = try JSONValueEncoder.encode(file.errors)
        let upload = CommunicationStore.UploadFile(fileName: fileName, fileType: file.fileType, sha256: sha256,
                                                   key: CommunicationFile.uploadKey(sha256: sha256, defaults: defaults), byteCount: bytes.count, errors: errors)
        let stored = try store.store(file.drafts, upload: upload, now: now)
        let communications = try store.communications(Array(stored.ids.prefix(200)))
        // A duplicate reports (and completes) the first upload's vectors: a retry after a failure must not say complete.
        let embedding = await CommunicationEmbedding.run(communicationChunkIDs: stored.chunkIDs, context: context)
        context.logger.info("sales.communications_uploaded", ["type": .string(file.fileType), "created": .number(Double(stored.created)),
                                                              "skipped": .number(Double(file.errors.count)), "duplicate": .bool(stored.duplicate)])
        let skipped = file.errors.isEmpty ? "" : "; \(file.errors.count) row\(file.errors.count == 1 ? "" : "s") skipped"
        let message = stored.duplicate
            ? "this file was already uploaded with these values (upload \(stored.uploadID ?? 0)); nothing new was stored"
            : "stored \(stored.created) communication\(stored.created == 1 ? "" : "s") from \(fileName)" + skipped
                + (stored.ids.count > stored.created ? "; \(stored.ids.count - stored.created) were stored by an earlier upload of this file" : "")
        return Output(uploadID: stored.uploadID, fileName: fileName, fileType: file.fileType, sha256: sha256, duplicate: stored.duplicate,
                      created: stored.created, communications: communications, errors: stored.errors, embedding: embedding, message: message)
    }

    static func optional(_ text: String?) -> String? { text?.trimmingWhitespace().isEmpty == false ? text?.trimmingWhitespace() : nil }

    /// The file's bytes and name (`UploadedFile`); the name is required, its extension giving the type.
    static func file(_ input: Input) throws -> ([UInt8], String) {
        let file = try UploadedFile.read(files: input.files, contentBase64: input.contentBase64, name: optional(input.fileName),
                                         nameField: "file_name", maximumBytes: CommunicationFile.maxBytes, tooLarge: tooLarge)
        guard let name = file.name else {
            throw BundleError.validation(field: input.contentBase64 == nil ? "files" : "file_name",
                                         input.contentBase64 == nil ? "the uploaded file has no name; its extension gives the type"
                                                                    : "is required with content_base64 (its extension gives the type)")
        }
        return (file.bytes, name)
    }

    static func tooLarge(_ size: Int) -> BundleError {
        BundleError(.payloadTooLarge, "the file is \(size) bytes; upload at most \(CommunicationFile.maxBytes >> 20) MB at a time")
    }
}
