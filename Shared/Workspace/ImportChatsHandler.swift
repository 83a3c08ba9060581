import Core
import FoundationEssentials
import Runtime

/// `POST /api/conversations/import`: chat exports into the workspace, from exactly one source: a
/// multipart upload (`files`, one or more export files), a share link (`url`), an export already
/// as JSON (`export`), an export or Markdown transcript as text (`content`, with `filename`), or a
/// ZIP as base64 (`content_base64` with `filename`). Each conversation is saved as it is read, so
/// what was imported before a failure stays and a retry is safe (`unchanged`/`updated`). Streams
/// `status`, `imported` and `skipped` events to a caller that asks for `text/event-stream`.
package struct ImportChatsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var files: [UploadedFile]?
        var url: String?
        var export: JSONValue?
        var content: String?
        var filename: String?
        var contentBase64: String?

        enum CodingKeys: String, CodingKey {
            case files, url, export, content, filename
            case contentBase64 = "content_base64"
        }
    }

    /// A file part as the gateway builds it (`Shared/Gateway/Multipart.swift`).
    struct UploadedFile: Codable, Sendable {
        var filename: String?
        var text: String?
        var contentBase64: String?

        enum CodingKeys: String, CodingKey {
            case filename, text
            case contentBase64 = "content_base64"
        }
    }

    /// One conversation of the answer.
    package struct ImportedChat: Codable, Sendable, Equatable {
        var index: Int
        var id: Int
        var title: String
        var source: String
        var outcome: String
        var messageCount: Int
        var branchCount: Int
        var url: String?

        enum CodingKeys: String, CodingKey {
            case index, id, title, source, outcome, url
            case messageCount = "message_count"
            case branchCount = "branch_count"
        }

        static let schema: JSONValue = Schema.object([
            "index": Schema.integer(minimum: 0), "id": Schema.integer(minimum: 1), "title": Schema.string(),
            "source": Schema.string(enum: ChatSource.allCases.map(\.rawValue)),
            "outcome": Schema.string(enum: ["imported", "updated", "unchanged"]),
            "message_count": Schema.integer(minimum: 0), "branch_count": Schema.integer(minimum: 0),
            "url": Schema.nullable(Schema.string()),
        ], required: ["index", "id", "title", "source", "outcome", "message_count", "branch_count"])
    }

    package struct Output: Codable, Sendable {
        var imported: Int
        var updated: Int
        var unchanged: Int
        var skipped: Int
        /// The first conversations (all of them unless `conversationsTruncated`).
        var conversations: [ImportedChat]
        var conversationsTruncated: Bool
        /// The first problems (all of them unless `problemsTruncated`; `skipped` counts all).
        var problems: [ImportProblem]
        var problemsTruncated: Bool
        var embedding: ChatEmbedding

        enum CodingKeys: String, CodingKey {
            case imported, updated, unchanged, skipped, conversations, problems, embedding
            case conversationsTruncated = "conversations_truncated"
            case problemsTruncated = "problems_truncated"
        }
    }

    package static let manifest = FunctionManifest(
        name: "import-chats",
        summary: "Imports chat exports (ChatGPT, Claude, Grok, JSON or Markdown transcripts, ZIPs) or a share link into the conversation workspace; streams progress as Server-Sent Events when asked.",
        routes: [Route("POST", "/api/conversations/import")],
        input: Schema.object([
            "files": Schema.array(Schema.any, "Multipart export files (set by the HTTP gateway): one or more"),
            "url": Schema.string("A share link (ChatGPT, Claude, Grok)", maxLength: 2_000),
            "export": Schema.any,
            "content": Schema.string("An export (JSON) or a Markdown transcript as text"),
            "filename": Schema.string("The file's name (tells Markdown from JSON; required with content_base64)", maxLength: 255),
            "content_base64": Schema.string("A ZIP export (or any export file), base64"),
        ], required: []),
        output: Schema.object([
            "imported": Schema.integer(minimum: 0), "updated": Schema.integer(minimum: 0), "unchanged": Schema.integer(minimum: 0),
            "skipped": Schema.integer(minimum: 0), "conversations": Schema.array(ImportedChat.schema),
            "conversations_truncated": Schema.boolean("True when only the first 10,000 conversations are listed (the counts are complete)"),
            "problems": Schema.array(ImportProblem.schema),
            "problems_truncated": Schema.boolean("True when only the first 1,000 problems are listed (skipped counts all)"),
            "embedding": ChatEmbedding.schema,
        ]),
        timeoutSeconds: 600,
        maxBodyBytes: FunctionManifest.bodyLimit(forFileBytes: ChatExportReader.maximumFileBytes),
        streams: true
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let source = try Self.source(of: input)
        let run = ChatImportRun(context: context, store: ConversationStore(database: try context.database()))
        switch source {
        case .files(let files):
            for file in files {
                run.nextFile(file.filename)
                do {
                    try Self.read(file, run: run)
                } catch let error as BundleError where files.count > 1 && error.code != .timeout {
                    // One unreadable file of several (malformed, too large, an unknown format) is
                    // that file's problem; the others import. Running out of time ends the import.
                    run.recordFile(reason: error.message)
                }
            }
        case .url(let url):
            let conversation = try await SharedChatImport.fetch(url: url, context: context)
            run.save(conversation, index: 0)
        case .export(let json):
            try ChatExportReader.read(json: json, visit: run.visit)
        case .content(let text, let filename):
            try Self.read(UploadedFile(filename: filename, text: text), run: run)
        case .base64(let encoded, let filename):
            try Self.read(UploadedFile(filename: filename, contentBase64: encoded), run: run)
        }
        let counts = run.counts
        guard run.stored > 0 else {
            let details = run.problems.prefix(100).map {
                ErrorDetail(field: "conversations[\($0.index)]", problem: [$0.file, $0.title, $0.reason].compactMap { $0 }.joined(separator: ": "))
            }
            throw BundleError(.validationFailed, "nothing was imported: \(run.skipped) conversation(s) could not be read",
                              details: details.isEmpty ? [ErrorDetail(field: "(input)", problem: "the export has no conversations")] : details)
        }
        run.status("embedding", ["chunks": .number(Double(run.chunkIDs.count))])
        let embedding = await ChatEmbedding.run(chunkIDs: run.chunkIDs, context: context)
        run.status("summarizing")
        await ChatSummaryQueue.afterImport(conversationIDs: run.changedIDs, context: context)
        return Output(imported: counts[.created] ?? 0, updated: counts[.updated] ?? 0, unchanged: counts[.unchanged] ?? 0,
                      skipped: run.skipped, conversations: run.conversations, conversationsTruncated: run.conversationsTruncated,
                      problems: run.problems, problemsTruncated: run.problemsTruncated, embedding: embedding)
    }

    enum Source {
        case files([UploadedFile])
        case url(String)
        case export(JSONValue)
        case content(String, filename: String?)
        case base64(String, filename: String)
    }

    /// Exactly one source; none or several is `validation_failed` naming the fields.
    static func source(of input: Input) throws -> Source {
        var given: [(field: String, source: Source)] = []
        if let files = input.files, !files.isEmpty { given.append(("files", .files(files))) }
        if let url = input.url?.trimmingWhitespace(), !url.isEmpty { given.append(("url", .url(url))) }
        if let export = input.export, export != .null { given.append(("export", .export(export))) }
        if let content = input.content { given.append(("content", .content(content, filename: input.filename))) }
        if let encoded = input.contentBase64 {
            guard let filename = input.filename, !filename.isEmpty else {
                throw BundleError.validation(field: "filename", "is required with content_base64 (a ZIP's name, or the export's)")
            }
            given.append(("content_base64", .base64(encoded, filename: filename)))
        }
        let fields = ["files", "url", "export", "content", "content_base64"]
        guard given.count == 1, let only = given.first else {
            let problem = given.isEmpty
                ? "send one source: a multipart file (files), url, export, content or content_base64"
                : "send only one source; this request has \(given.map(\.field).joined(separator: ", "))"
            throw BundleError.validation((given.isEmpty ? fields : given.map(\.field)).map { ErrorDetail(field: $0, problem: problem) })
        }
        for file in input.files ?? [] where file.text == nil && file.contentBase64 == nil {
            throw BundleError.validation(field: "files", "the file \(file.filename ?? "(unnamed)") has no content")
        }
        return only.source
    }

    /// Reads one file's bytes in place: text through the String's own UTF-8 storage (no copy of
    /// a 50 MB export), base64 decoded once.
    static func read(_ file: UploadedFile, run: ChatImportRun) throws {
        if var text = file.text {
            try text.withUTF8 { bytes in
                try ChatExportReader.read(bytes, filename: file.filename, visit: run.visit)
            }
        } else if let encoded = file.contentBase64 {
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw BundleError.validation(field: file.text == nil ? "content_base64" : "files", "is not base64")
            }
            try data.withUnsafeBytes { raw in
                try ChatExportReader.read(raw.bindMemory(to: UInt8.self), filename: file.filename, visit: run.visit)
            }
        }
    }
}
