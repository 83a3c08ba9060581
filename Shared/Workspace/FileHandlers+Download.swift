import Core
import FoundationEssentials
import Providers
import Runtime

/// `GET /api/conversations/{id}/files`: the conversation's files, oldest first.
package struct ListConversationFilesHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Output: Codable, Sendable {
        var conversationID: Int
        var files: [ConversationFile]
        var total: Int

        enum CodingKeys: String, CodingKey {
            case files, total
            case conversationID = "conversation_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "list-conversation-files",
        summary: "The files attached to a conversation, oldest first.",
        routes: [Route("GET", "/api/conversations/{id:int}/files")],
        input: Schema.object(["id": Schema.integer(minimum: 1)], required: ["id"]),
        output: Schema.object([
            "conversation_id": Schema.integer(minimum: 1), "files": Schema.array(ConversationFile.schema), "total": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        guard let files = try ConversationFileStore(database: try context.database()).list(conversationID: input.id) else {
            throw BundleError(.notFound, "no conversation with id \(input.id)")
        }
        return Output(conversationID: input.id, files: files, total: files.count)
    }
}

/// `GET /api/conversations/files/{file_id}/download`: a signed link to the file that expires
/// (`FILE_URL_EXPIRES_SECONDS`, default 900): S3's presigned GET, or for local storage the
/// bundle's own link (`FileLinkSigner`, served by `serve-conversation-file`). One rule decides
/// the answer's form: `format=json`, or no `format` and an `Accept` header naming
/// `application/json`, answers 200 with `{url, expires_at, filename, file_type}`; anything else
/// (a browser following a link) is a 302 to the URL, carrying the same JSON as its body.
package struct DownloadConversationFileHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var fileID: Int
        var format: String?

        enum CodingKeys: String, CodingKey {
            case format
            case fileID = "file_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "download-conversation-file",
        summary: "A signed, expiring download link for an attached file: a 302 to it, or the link as JSON with format=json or Accept: application/json.",
        routes: [Route("GET", "/api/conversations/files/{file_id:int}/download")],
        input: Schema.object([
            "file_id": Schema.integer(minimum: 1),
            "format": Schema.string("json (the link as JSON) or redirect (a 302); default by the Accept header", enum: ["json", "redirect"]),
        ], required: ["file_id"]),
        output: Schema.object([
            "url": Schema.string("Fetch within the expiry; no API key needed. A path on this server for local storage unless PUBLIC_BASE_URL is set"), "expires_at": Schema.string(format: "date-time"),
            "filename": Schema.string(), "file_type": Schema.string(enum: FileType.mimeTypes), "file_id": Schema.integer(minimum: 1),
            "_http": Schema.object(["status": Schema.integer(), "headers": Schema.map(Schema.string())], required: [],
                                   "The redirect (302 with Location) when JSON was not asked for; stripped over HTTP"),
        ], required: ["url", "expires_at", "filename", "file_type", "file_id"]),
        timeoutSeconds: 10,
        redirects: true
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        guard let file = try ConversationFileStore(database: try context.database()).file(input.fileID) else {
            throw BundleError(.notFound, "no file with id \(input.fileID)")
        }
        let seconds = try FileLinkSigner.expirySeconds(context.config)
        let now = context.clock.now()
        let expires = Int(now.timeIntervalSince1970.rounded(.down)) + seconds
        let type = file.type
        let storage = try context.fileStorage()
        let disposition = FileName.contentDisposition(file.filename, inline: type.servedInline)
        let url: String
        if let presigned = try storage.presignedDownload(key: file.storageKey, contentType: type.mimeType, contentDisposition: disposition,
                                                         expiresInSeconds: seconds, now: now) {
            url = presigned
        } else {
            let signer = try FileLinkSigner(config: context.config)
            url = FileLinkSigner.base(config: context.config) + signer.path(fileID: file.id, sha256: file.sha256, expires: expires)
        }
        var answer: [String: JSONValue] = [
            "url": .string(url), "expires_at": .string(Timestamp.format(Date(timeIntervalSince1970: Double(expires)))),
            "filename": .string(file.filename), "file_type": .string(file.fileType), "file_id": .number(Double(file.id)),
        ]
        if !Self.wantsJSON(format: input.format, accept: context.http?["headers"]?["accept"]?.stringValue) {
            answer["_http"] = ["status": 302, "headers": ["Location": .string(url), "Cache-Control": "no-store"]]
        }
        context.logger.info("workspace.file_link_made", ["file": .number(Double(file.id)), "backend": .string(storage.backend)])
        return .object(answer)
    }

    /// `format` when given; else whether `Accept` names `application/json`.
    static func wantsJSON(format: String?, accept: String?) -> Bool {
        if let format { return format == "json" }
        return accept?.lowercased().contains("application/json") ?? false
    }
}

/// `GET /api/files/{file_id}/content?expires=…&signature=…`: the bytes behind a local download
/// link. Public (the signature is the credential, checked in constant time along with the
/// expiry: tampered or expired is 403). Served with the stored type, `nosniff`, and inline only
/// for images, PDFs and text; SVG always as an attachment under `Content-Security-Policy:
/// sandbox`, so a script inside never runs on this origin.
package struct ServeConversationFileHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var fileID: Int
        var expires: Int
        var signature: String

        enum CodingKeys: String, CodingKey {
            case expires, signature
            case fileID = "file_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "serve-conversation-file",
        summary: "Serves an attached file's bytes through a signed, expiring link made by download-conversation-file (local storage).",
        routes: [Route("GET", "/api/files/{file_id:int}/content")],
        input: Schema.object([
            "file_id": Schema.integer(minimum: 1),
            "expires": Schema.integer("Unix seconds, from the link", minimum: 0),
            "signature": Schema.string("Hex HMAC-SHA-256, from the link", maxLength: 128),
        ], required: ["file_id", "expires", "signature"]),
        output: Schema.object([
            "_http": Schema.object([
                "status": Schema.integer(), "content_type": Schema.string(), "body_base64": Schema.string("The file's bytes"),
                "headers": Schema.map(Schema.string()),
            ], required: []),
        ], required: ["_http"]),
        timeoutSeconds: 30,
        isPublic: true,
        otherContentTypes: FileType.allCases.map(\.mimeType)
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        // With no usable FILE_URL_SECRET no link was ever issued, so whatever link this is, it is
        // not one of ours: refused like a tampered one (download-conversation-file, which issues
        // links, is the one that says misconfigured).
        let signer: FileLinkSigner
        do {
            signer = try FileLinkSigner(config: context.config)
        } catch let error as BundleError where error.code == .misconfigured {
            throw BundleError(.forbidden, "this download link is not valid: no FILE_URL_SECRET is configured, so none was issued")
        }
        // The link signs the file's SHA-256 as well as its id, so the row is read first; a file
        // that is gone answers like any link that does not hold (nothing learnt about ids).
        guard let file = try ConversationFileStore(database: try context.database()).file(input.fileID) else {
            throw FileLinkSigner.refused
        }
        try signer.verify(fileID: file.id, sha256: file.sha256, expires: input.expires, signature: input.signature, now: context.clock.now())
        let bytes = try await context.fileStorage().get(key: file.storageKey, deadline: context.deadline)
        context.logger.info("workspace.file_served", ["file": .number(Double(file.id)), "bytes": .number(Double(bytes.count))])
        return ["_http": ["status": 200, "content_type": .string(file.type.mimeType), "body_base64": .string(Data(bytes).base64EncodedString()),
                          "headers": .object(Self.headers(file))]]
    }

    static func headers(_ file: ConversationFile) -> [String: JSONValue] {
        var headers: [String: JSONValue] = [
            "Content-Disposition": .string(FileName.contentDisposition(file.filename, inline: file.type.servedInline)),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        ]
        if file.type == .svg { headers["Content-Security-Policy"] = "sandbox" }
        return headers
    }
}
