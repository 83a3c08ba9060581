import Core
import Foundation
import Providers
import Runtime
import Store
import TestSupport
import Testing
import Workspace

/// upload-conversation-file, list-conversation-files, download-conversation-file and
/// serve-conversation-file over a temporary database and storage in memory.
@Suite struct ConversationFileTests {
    let harness: WorkspaceHarness
    let storage = MemoryFileStorage()
    let conversationID: Int
    static let secret = "file-url-secret-for-tests-0123456789abcdef"

    init() throws {
        harness = try WorkspaceHarness()
        conversationID = try ConversationStore(database: harness.database).save(
            ImportedConversation(source: .chatgpt, sourceID: "c1", title: "Trip planning",
                                 messages: [ImportedMessage(role: "user", content: "Where should I go in May?"),
                                            ImportedMessage(role: "assistant", content: "Try Lisbon.")]),
            importedBy: nil, now: Date(timeIntervalSince1970: 1_000)).id
    }

    func context(_ values: [String: String] = ["FILE_URL_SECRET": secret], now: String = WorkspaceHarness.now,
                 http: JSONValue? = ["principal": "key:alice", "url": "http://127.0.0.1:8080/api/x", "headers": [:]]) -> FunctionContext {
        let context = harness.context(values, http: http, now: now)
        context.provide(storage as any FileStorage, as: (any FileStorage).self)
        return context
    }

    @discardableResult
    func upload(_ bytes: [UInt8], _ name: String, conversation: Int? = nil, context: FunctionContext? = nil) async throws -> JSONValue {
        try await harness.call(UploadConversationFileHandler(), [
            "id": .number(Double(conversation ?? conversationID)), "filename": .string(name),
            "content_base64": .string(Data(bytes).base64EncodedString()),
        ], context: context ?? self.context())
    }

    func uploadError(_ bytes: [UInt8], _ name: String, conversation: Int? = nil) async -> BundleError? {
        await harness.error { try await upload(bytes, name, conversation: conversation) }
    }

    @Test func eachAcceptedTypeIsStoredWithItsSizeHashTypeAndUploader() async throws {
        let samples: [([UInt8], String, String)] = [
            (SampleFiles.jpeg, "a.jpg", "image/jpeg"), (SampleFiles.png, "b.png", "image/png"), (SampleFiles.gif, "c.gif", "image/gif"),
            (SampleFiles.webp, "d.webp", "image/webp"), (SampleFiles.pdf, "e.pdf", "application/pdf"), (SampleFiles.svg, "f.svg", "image/svg+xml"),
            (SampleFiles.text, "g.txt", "text/plain; charset=utf-8"),
        ]
        for (bytes, name, type) in samples {
            let file = try await upload(bytes, name)
            let id = try #require(file["id"]?.intValue)
            #expect(file["file_type"]?.stringValue == type)
            #expect(file["filename"]?.stringValue == name)
            #expect(file["file_size"]?.intValue == bytes.count)
            #expect(file["sha256"]?.stringValue == SHA256.hex(SHA256.hash(bytes)))
            #expect(file["uploaded_by"] == "key:alice")
            let key = "conversations/\(conversationID)/files/\(id)-\(name)"
            #expect(file["storage_key"]?.stringValue == key && file["s3_key"]?.stringValue == key)
            #expect(storage.objects[key] == bytes)
        }
        let list = try await harness.call(ListConversationFilesHandler(), ["id": .number(Double(conversationID))], context: context())
        #expect(list["total"] == 7)
        #expect(list["files"]?.arrayValue?.compactMap { $0["filename"]?.stringValue } == samples.map(\.1))
    }

    @Test func aPNGNamedPDFIsStoredAsAPNG() async throws {
        let file = try await upload(SampleFiles.png, "report.pdf")
        #expect(file["file_type"] == "image/png")
        #expect(file["filename"] == "report.png")
    }

    @Test func anExecutableNamedPNGIsRefusedAndNothingIsStored() async throws {
        for bytes in [SampleFiles.elf, SampleFiles.pe] {
            let error = await uploadError(bytes, "cat.png")
            #expect(error?.code == .validationFailed)
            #expect(error?.message.contains("JPEG, PNG, GIF, WebP, PDF, SVG or plain text") == true)
        }
        #expect(storage.objects.isEmpty)
        #expect(try harness.count("conversation_files") == 0)
    }

    @Test func emptyAndOversizedFilesAreRefused() async throws {
        #expect(await uploadError([], "empty.txt")?.code == .validationFailed)
        let large = [UInt8](repeating: UInt8(ascii: "a"), count: UploadConversationFileHandler.maximumBytes + 1)
        #expect(await uploadError(large, "big.txt")?.code == .payloadTooLarge)
        // A multipart file's declared size is checked too.
        let multipart = await harness.error {
            try await harness.call(UploadConversationFileHandler(), [
                "id": .number(Double(conversationID)),
                "files": [["field": "file", "filename": "big.txt", "size": .number(Double(large.count)), "text": "a"]],
            ], context: context())
        }
        #expect(multipart?.code == .payloadTooLarge)
        let exactly = try await upload([UInt8](repeating: UInt8(ascii: "b"), count: UploadConversationFileHandler.maximumBytes), "max.txt")
        #expect(exactly["file_size"]?.intValue == UploadConversationFileHandler.maximumBytes)
    }

    @Test func namesWithPathsAndControlCharactersAreSanitised() async throws {
        let file = try await upload(SampleFiles.text, "../../etc/pass\u{1B}wd\u{0}.txt")
        let name = try #require(file["filename"]?.stringValue)
        #expect(name == "passwd.txt")
        #expect(file["storage_key"]?.stringValue?.contains("..") == false)
        let multipart = try await harness.call(UploadConversationFileHandler(), [
            "id": .number(Double(conversationID)),
            "files": [["field": "file", "filename": "..\\..\\.bashrc", "size": 5, "content_type": "image/png", "text": "hello"]],
        ], context: context())
        #expect(multipart["filename"] == "bashrc.txt")
        #expect(multipart["file_type"] == "text/plain; charset=utf-8")
    }

    @Test func missingAndLockedConversationsAreRefused() async throws {
        #expect(await uploadError(SampleFiles.text, "a.txt", conversation: 999)?.code == .notFound)
        try harness.database.write { sql in _ = try sql.execute("UPDATE workspace_conversations SET is_locked = 1 WHERE id = ?", [conversationID]) }
        #expect(await uploadError(SampleFiles.text, "a.txt")?.code == .conflict)
        #expect(storage.objects.isEmpty)
        let missing = await harness.error { _ = try await harness.call(ListConversationFilesHandler(), ["id": 999], context: context()) }
        #expect(missing?.code == .notFound)
    }

    @Test func aFailedStoreLeavesNoRow() async throws {
        storage.failPuts()
        #expect(await uploadError(SampleFiles.text, "a.txt")?.code == .upstreamFailed)
        #expect(try harness.count("conversation_files") == 0)
        #expect(try harness.count("workspace_chunks") == 1)
    }

    /// The download link's query, for the serve function.
    func linkInput(_ url: String) throws -> JSONValue {
        let components = try #require(URLComponents(string: url))
        let path = components.path.split(separator: "/")
        var input: [String: JSONValue] = ["file_id": .number(Double(try #require(Int(path[2]))))]
        for item in components.queryItems ?? [] {
            input[item.name] = item.name == "expires" ? .number(Double(item.value ?? "") ?? 0) : .string(item.value ?? "")
        }
        return .object(input)
    }

    func link(_ fileID: Int) async throws -> JSONValue {
        try await harness.call(DownloadConversationFileHandler(), ["file_id": .number(Double(fileID)), "format": "json"], context: context())
    }

    @Test func signedLinksServeTheFileUntilTheyExpireAndRefuseTampering() async throws {
        let file = try await upload(SampleFiles.png, "dot.png")
        let id = try #require(file["id"]?.intValue)
        let answer = try await link(id)
        let url = try #require(answer["url"]?.stringValue)
        #expect(url.hasPrefix("/api/files/\(id)/content?expires="))
        let absolute = try await harness.call(DownloadConversationFileHandler(), ["file_id": .number(Double(id)), "format": "json"],
                                            context: context(["FILE_URL_SECRET": Self.secret, "PUBLIC_BASE_URL": "https://files.example"]))
        #expect(absolute["url"]?.stringValue?.hasPrefix("https://files.example/api/files/\(id)/content?expires=") == true)
        #expect(answer["expires_at"] == "2026-12-02T09:15:00Z")
        #expect(answer["_http"] == nil)
        let input = try linkInput(url)
        let served = try await harness.call(ServeConversationFileHandler(), input, context: context(http: nil))
        #expect(served["_http"]?["body_base64"]?.stringValue == Data(SampleFiles.png).base64EncodedString())
        #expect(served["_http"]?["content_type"] == "image/png")
        #expect(served["_http"]?["headers"]?["Content-Disposition"]?.stringValue?.hasPrefix("inline;") == true)
        #expect(served["_http"]?["headers"]?["X-Content-Type-Options"] == "nosniff")
        // Expired: the same link a second after its expiry.
        let expired = await harness.error { _ = try await harness.call(ServeConversationFileHandler(), input, context: context(now: "2026-12-02T09:15:01Z")) }
        #expect(expired?.code == .forbidden)
        // Tampered: another file id, a later expiry, a changed signature.
        guard case .object(let fields) = input else { return }
        for (name, value) in [("file_id", JSONValue.number(Double(id + 1))), ("expires", .number((input["expires"]?.doubleValue ?? 0) + 3_600)),
                              ("signature", .string(String(repeating: "0", count: 64)))] {
            var changed = fields
            changed[name] = value
            let error = await harness.error { _ = try await harness.call(ServeConversationFileHandler(), .object(changed), context: context()) }
            #expect(error?.code == .forbidden, "\(name)")
        }
        // Another deployment's secret does not accept this link.
        let other = await harness.error {
            _ = try await harness.call(ServeConversationFileHandler(), input, context: context(["FILE_URL_SECRET": String(repeating: "z", count: 40)]))
        }
        #expect(other?.code == .forbidden)
        // A deployment with no secret issued no link: any link is refused, not a server error.
        let unconfigured = await harness.error { _ = try await harness.call(ServeConversationFileHandler(), input, context: context([:])) }
        #expect(unconfigured?.code == .forbidden)
    }

    @Test func theDownloadRedirectsUnlessJSONIsAskedFor() async throws {
        let id = try #require(try await upload(SampleFiles.text, "a.txt")["id"]?.intValue)
        let redirect = try await harness.call(DownloadConversationFileHandler(), ["file_id": .number(Double(id))], context: context())
        #expect(redirect["_http"]?["status"] == 302)
        #expect(redirect["_http"]?["headers"]?["Location"] == redirect["url"])
        let byAccept = try await harness.call(DownloadConversationFileHandler(), ["file_id": .number(Double(id))],
                                              context: context(http: ["url": "http://h/x", "headers": ["accept": "application/json"]]))
        #expect(byAccept["_http"] == nil)
        let forced = try await harness.call(DownloadConversationFileHandler(), ["file_id": .number(Double(id)), "format": "redirect"],
                                            context: context(http: ["url": "http://h/x", "headers": ["accept": "application/json"]]))
        #expect(forced["_http"]?["status"] == 302)
        let missing = await harness.error { _ = try await harness.call(DownloadConversationFileHandler(), ["file_id": 999], context: context()) }
        #expect(missing?.code == .notFound)
        let unsigned = await harness.error { _ = try await harness.call(DownloadConversationFileHandler(), ["file_id": .number(Double(id))], context: context([:])) }
        #expect(unsigned?.code == .misconfigured && unsigned?.message.contains("FILE_URL_SECRET") == true)
    }

    @Test func anSVGWithAScriptIsServedOnlyAsASandboxedAttachment() async throws {
        let file = try await upload(SampleFiles.svg, "drawing.png")
        #expect(file["file_type"] == "image/svg+xml")
        #expect(file["filename"] == "drawing.svg")
        let id = try #require(file["id"]?.intValue)
        let served = try await harness.call(ServeConversationFileHandler(), try linkInput(try #require(try await link(id)["url"]?.stringValue)),
                                            context: context())
        let headers = try #require(served["_http"]?["headers"])
        #expect(headers["Content-Disposition"]?.stringValue?.hasPrefix("attachment; filename=\"drawing.svg\"") == true)
        #expect(headers["Content-Security-Policy"] == "sandbox")
        #expect(headers["X-Content-Type-Options"] == "nosniff")
        #expect(served["_http"]?["body_base64"]?.stringValue == Data(SampleFiles.svg).base64EncodedString())
    }

    @Test func deletingTheConversationRemovesItsFilesFromStorage() async throws {
        try await upload(SampleFiles.text, "a.txt")
        try await upload(SampleFiles.png, "b.png")
        let other = try ConversationStore(database: harness.database).save(
            ImportedConversation(source: .claude, sourceID: "c2", title: "Other", messages: [ImportedMessage(role: "user", content: "Hi")]),
            importedBy: nil, now: Date(timeIntervalSince1970: 2_000)).id
        try await upload(SampleFiles.gif, "c.gif", conversation: other)
        #expect(storage.objects.count == 3)
        let deleted = try await harness.call(DeleteChatHandler(), ["id": .number(Double(conversationID))], context: context())
        #expect(deleted["deleted"] == true)
        #expect(storage.objects.keys.sorted() == ["conversations/\(other)/files/3-c.gif"])
        #expect(try harness.count("conversation_files") == 1)
        let fileChunks = try harness.database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM workspace_chunks WHERE source_type = 'file'")?.int("n") }
        #expect(fileChunks == 0)
        // A storage failure does not undo or fail the deletion.
        storage.failDeletes()
        let again = try await harness.call(DeleteChatHandler(), ["id": .number(Double(other))], context: context())
        #expect(again["deleted"] == true)
        #expect(try harness.count("conversation_files") == 0)
    }

    /// A database may hand a deleted file's id out again (SQLite does for the newest row; ids are
    /// plain identities, portable to PostgreSQL): a link still in its lifetime must not serve the
    /// later file, since the link signs the file's SHA-256 too.
    /// SQLite only: PostgreSQL's identities never hand an id out again, so the case cannot arise.
    @Test(.enabled(if: TestDatabase.dialect == .sqlite))
    func aLinkToADeletedFileNeverServesALaterFileWithItsID() async throws {
        let first = try await upload(SampleFiles.png, "first.png")
        let firstID = try #require(first["id"]?.intValue)
        let input = try linkInput(try #require(try await link(firstID)["url"]?.stringValue))
        _ = try await harness.call(DeleteChatHandler(), ["id": .number(Double(conversationID))], context: context())
        let other = try ConversationStore(database: harness.database).save(
            ImportedConversation(source: .claude, sourceID: "c3", title: "Other", messages: [ImportedMessage(role: "user", content: "Hi")]),
            importedBy: nil, now: Date(timeIntervalSince1970: 3_000)).id
        let second = try await upload(SampleFiles.gif, "second.gif", conversation: other)
        #expect(second["id"]?.intValue == firstID, "the case this test is about: the id was handed out again")
        let error = await harness.error { _ = try await harness.call(ServeConversationFileHandler(), input, context: context()) }
        #expect(error?.code == .forbidden)
    }

    @Test func searchFindsTextFromAnUploadedFileAndNamesTheFile() async throws {
        try await upload(SampleFiles.text, "notes.txt")
        let answer = try await harness.call(SearchChatsHandler(), ["q": "zebrafish"], context: context())
        let hit = try #require(answer["results"]?.arrayValue?.first)
        #expect(hit["conversation"]?["id"]?.intValue == conversationID)
        #expect(hit["chunk"]?["source_type"] == "file")
        #expect(hit["chunk"]?["file"]?["filename"] == "notes.txt")
        #expect(hit["snippet"]?.stringValue?.contains("zebrafish") == true)
        let onlyChats = try await harness.call(SearchChatsHandler(), ["q": "zebrafish", "source_type": "imported_chat"], context: context())
        #expect(onlyChats["total"] == 0)
        let onlyFiles = try await harness.call(SearchChatsHandler(), ["q": "Lisbon", "source_type": "file"], context: context())
        #expect(onlyFiles["total"] == 0)
        // Re-importing the chat with new content keeps the file's chunks.
        _ = try ConversationStore(database: harness.database).save(
            ImportedConversation(source: .chatgpt, sourceID: "c1", title: "Trip planning",
                                 messages: [ImportedMessage(role: "user", content: "Where should I go in June?")]),
            importedBy: nil, now: Date(timeIntervalSince1970: 3_000))
        let after = try await harness.call(SearchChatsHandler(), ["q": "zebrafish"], context: context())
        #expect(after["total"] == 1)
    }

    @Test func pdfTextIsExtractedWithPdftotextWhenInstalled() async throws {
        let installed = FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext")
        let file = try await upload(SampleFiles.pdf, "harvest.pdf")
        if installed {
            #expect(file["text_note"] == .null)
            #expect((file["extracted_text_length"]?.intValue ?? 0) > 0)
            let answer = try await harness.call(SearchChatsHandler(), ["q": "kiwi harvest"], context: context())
            #expect(answer["results"]?.arrayValue?.first?["chunk"]?["file"]?["filename"] == "harvest.pdf")
        } else {
            // CI installs poppler-utils (infra/dev setup); locally the note path is what runs.
            #expect(file["text_note"]?.stringValue == FileText.missingPDFToText)
        }
        let without = try await upload(SampleFiles.pdf, "again.pdf", context: context(["FILE_URL_SECRET": Self.secret, "PATH": "/nonexistent"]))
        #expect(without["text_note"]?.stringValue == FileText.missingPDFToText)
        #expect(without["extracted_text_length"] == 0)
    }

    @Test func theDraftChatContextCarriesTheFilesTextBounded() async throws {
        try await upload(SampleFiles.text, "notes.txt")
        try await upload(Array(String(repeating: "long ", count: 5_000).utf8), "long.txt")
        try await upload(SampleFiles.png, "image.png")
        let texts = try ConversationFileStore(database: harness.database).texts(conversationID: conversationID, perFile: 100, total: 150)
        #expect(texts.map(\.filename) == ["notes.txt", "long.txt"])
        #expect(texts[0].text.hasPrefix("Meeting notes: the zebrafish"))
        #expect(texts.map(\.text.count).reduce(0, +) == 150)
    }
}
