import Core
import FoundationEssentials
import Providers
import Runtime

/// `POST /api/conversations/{id}/files`: attaches one file (multipart, or `{filename,
/// content_base64}` so a fixture can be piped). The content decides the type (`FileType`), the
/// name is sanitised and its extension made to match (`FileName`), the text is extracted
/// (`FileText`). Stored in three steps so nothing half-stored is ever listed: the row (invisible)
/// for its id, the bytes under the key it gives, then the row made visible with its text indexed
/// for search; a failed store deletes the row. 10 MB at most (413 beyond), never empty.
package struct UploadConversationFileHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
        var files: [JSONValue]?
        var filename: String?
        var contentBase64: String?

        enum CodingKeys: String, CodingKey {
            case id, files, filename
            case contentBase64 = "content_base64"
        }
    }

    package static let maximumBytes = 10 << 20

    package static let manifest = FunctionManifest(
        name: "upload-conversation-file",
        summary: "Attaches a file to a conversation (JPEG, PNG, GIF, WebP, PDF, SVG or UTF-8 text, by content; 10 MB); its text is indexed for search and the draft chat.",
        routes: [Route("POST", "/api/conversations/{id:int}/files")],
        successStatus: 201,
        input: Schema.object([
            "id": Schema.integer(minimum: 1),
            "files": Schema.array(Schema.any, "Multipart files (set by the HTTP gateway): send one, in any field"),
            "filename": Schema.string("The file's name (with content_base64); sanitised, extension set from the content", maxLength: 4_096),
            "content_base64": Schema.string("The file's bytes, base64 (with filename)"),
        ], required: ["id"]),
        output: ConversationFile.schema,
        timeoutSeconds: 120,
        maxBodyBytes: FunctionManifest.bodyLimit(forFileBytes: maximumBytes)
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> ConversationFile {
        let (bytes, rawName) = try Self.file(input)
        guard !bytes.isEmpty else { throw BundleError.validation(field: "file", "is empty; upload a file with content") }
        guard let type = FileType.detect(bytes) else {
            throw BundleError.validation(field: "file", "is not an accepted type; accepted: \(FileType.acceptedDescription) (decided by the content, not the name)")
        }
        let filename = FileName.stored(rawName, type: type)
        let store = ConversationFileStore(database: try context.database())
        // The conversation is looked at before the slow parts (storage set-up, pdftotext).
        guard try store.list(conversationID: input.id) != nil else { throw BundleError(.notFound, "no conversation with id \(input.id)") }
        let storage = try context.fileStorage()
        let text = FileText.extract(bytes, type: type, path: context.config["PATH"], deadline: context.deadline, logger: context.logger)
        let now = context.clock.now()
        let new = ConversationFileStore.NewFile(conversationID: input.id, filename: filename, size: bytes.count, type: type,
                                                sha256: SHA256.hex(SHA256.hash(bytes)), backend: storage.backend, text: text,
                                                uploadedBy: context.principal)
        let (id, key) = try store.reserve(new, now: now)
        do {
            try await storage.put(bytes, key: key, contentType: type.mimeType, deadline: context.deadline)
        } catch {
            try? store.discard(id)
            context.logger.warning("workspace.file_store_failed", ["file": .number(Double(id)), "backend": .string(storage.backend)])
            throw BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the file could not be stored; try again"))
        }
        guard let stored = try store.markStored(id, now: context.clock.now()) else {
            // The conversation was deleted while the bytes were written.
            try? await storage.delete(key: key, deadline: context.deadline)
            throw BundleError(.notFound, "conversation \(input.id) was deleted during the upload")
        }
        if !stored.chunkIDs.isEmpty { _ = await ChatEmbedding.run(chunkIDs: stored.chunkIDs, context: context) }
        context.logger.info("workspace.file_uploaded", ["conversation": .number(Double(input.id)), "file": .number(Double(id)),
                                                        "type": .string(type.rawValue), "bytes": .number(Double(bytes.count)),
                                                        "chunks": .number(Double(stored.chunkIDs.count))])
        return stored.file
    }

    /// The bytes and the client's name (`UploadedFile`), `file` when none was given.
    static func file(_ input: Input) throws -> ([UInt8], String) {
        let file = try UploadedFile.read(files: input.files, contentBase64: input.contentBase64, name: input.filename, nameField: "filename",
                                         maximumBytes: maximumBytes, tooLarge: tooLarge)
        return (file.bytes, file.name ?? FileName.fallback)
    }

    static func tooLarge(_ size: Int) -> BundleError {
        BundleError(.payloadTooLarge, "the file is \(size) bytes; attach at most \(maximumBytes >> 20) MB")
    }
}
