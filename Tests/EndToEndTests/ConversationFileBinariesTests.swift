import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing
import Workspace

/// The file functions end to end: each piped with its fixture (local storage under the working
/// directory's `var/files`), and uploads through nginx + fcgiwrap as multipart with curl, the
/// signed link followed, an SVG's headers, and the files gone from disk with their conversation.
@Suite(.serialized) struct ConversationFileBinariesTests {
    static let secret = "fixture-file-url-secret-0123456789abcdef"

    static func seed(_ path: String) throws {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let database = try TestDatabase.open(path, migrations: Catalog.migrations)
        let chat = ImportedConversation(source: .chatgpt, sourceID: "trip-1", title: "Trip planning", messages: [
            ImportedMessage(role: "user", content: "Where should I travel in May?"), ImportedMessage(role: "assistant", content: "Lisbon."),
        ])
        #expect(try ConversationStore(database: database).save(chat, importedBy: "test", now: Date(timeIntervalSince1970: 1_800_000_000)).id == 1)
    }

    /// Every file below `directory`, relative to it.
    static func files(under directory: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
        }
        return files.sorted()
    }

    @Test func theFileFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        try Self.seed(directory.file("var/bundle.sqlite"))
        let environment = ["DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite")), "BUNDLE_NOW": "2026-12-02T09:00:00Z", "FILE_URL_SECRET": Self.secret, "LLM_PROVIDER": "offline"]
        func run(_ name: String, _ stdin: String, exit: Int32 = 0, extra: [String: String] = [:]) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: stdin, environment: environment.merging(extra) { $1 }, workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
            if exit == 0, let manifest = Catalog.manifest(named: name) {
                let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
            return json
        }
        let notes = try run("upload-conversation-file", try Fixtures.text("upload-conversation-file/notes.json"))
        #expect(notes["id"] == 1 && notes["filename"] == "notes.txt" && notes["file_type"] == "text/plain; charset=utf-8")
        #expect(notes["storage_backend"] == "local")
        let text = try Fixtures.text("upload-conversation-file/notes.json")
        let fixture = try JSONValue(parsing: Array(text.utf8))
        let bytes = Array(Data(base64Encoded: fixture["content_base64"]?.stringValue ?? "") ?? Data())
        #expect(FileManager.default.contents(atPath: directory.file("var/files/conversations/1/files/1-notes.txt")).map(Array.init) == bytes)
        let png = try run("upload-conversation-file", try Fixtures.text("upload-conversation-file/png-named-pdf.json"))
        #expect(png["filename"] == "dot.png" && png["file_type"] == "image/png")
        let list = try run("list-conversation-files", try Fixtures.text("list-conversation-files/conversation-1.json"))
        #expect(list["total"] == 2)
        let link = try run("download-conversation-file", try Fixtures.text("download-conversation-file/file-1-json.json"))
        let serveFixture = try JSONValue(parsing: Array(try Fixtures.text("serve-conversation-file/file-1.json").utf8))
        #expect(link["url"]?.stringValue == "/api/files/1/content?expires=\(serveFixture["expires"]?.intValue ?? 0)&signature=\(serveFixture["signature"]?.stringValue ?? "")")
        let served = try run("serve-conversation-file", try Fixtures.text("serve-conversation-file/file-1.json"))
        #expect(served["_http"]?["body_base64"]?.stringValue == fixture["content_base64"]?.stringValue)
        // The same link a second after it expired, and with another secret.
        #expect(try run("serve-conversation-file", try Fixtures.text("serve-conversation-file/file-1.json"), exit: 77,
                        extra: ["BUNDLE_NOW": "2026-12-02T09:15:01Z"])["error"]?["code"] == "forbidden")
        #expect(try run("serve-conversation-file", try Fixtures.text("serve-conversation-file/file-1.json"), exit: 77,
                        extra: ["FILE_URL_SECRET": String(repeating: "x", count: 40)])["error"]?["code"] == "forbidden")
        let elf = #"{"id": 1, "filename": "cat.png", "content_base64": "f0VMRgIBAQAAAAAAAAAAAAIAPgA="}"#
        #expect(try run("upload-conversation-file", elf, exit: 65)["error"]?["code"] == "validation_failed")
        #expect(try run("delete-chat", try Fixtures.text("delete-chat/first.json"))["deleted"] == true)
        #expect(Self.files(under: directory.file("var/files")).isEmpty)
    }

    /// curl, for a real multipart upload and for following the link as a browser would.
    static func curl(_ arguments: [String], in directory: String) throws -> ProcessResult {
        try Binaries.run("/usr/bin/curl", arguments: ["-sS", "--max-time", "30"] + arguments, workingDirectory: directory)
    }

    @Test func uploadsAndDownloadsThroughNginx() throws {
        // fcgiwrap runs a CGI program in its own directory, so the storage root is given whole.
        let storage = try TemporaryDirectory()
        let server = try NginxServer(mode: .direct, environment: ["FILE_URL_SECRET": Self.secret, "LLM_PROVIDER": "offline",
                                                                  "FILE_STORAGE_DIR": storage.path])
        let key = try server.createKey()
        try Self.seed(server.databasePath)
        let scratch = try TemporaryDirectory()
        let png = Array(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")!)
        try Data(png).write(to: URL(fileURLWithPath: scratch.file("dot.pdf")))
        try Data("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8).write(to: URL(fileURLWithPath: scratch.file("x.svg")))
        let base = "http://127.0.0.1:\(server.port)"
        func upload(_ file: String, name: String) throws -> JSONValue {
            let result = try Self.curl(["-H", "X-API-Key: \(key)", "-F", "file=@\(file);filename=\(name);type=application/pdf",
                                        "-w", "\n%{http_code}", "\(base)/api/conversations/1/files"], in: scratch.path)
            let lines = result.stdoutText.split(separator: "\n")
            #expect(lines.last == "201", "\(result.stdoutText) \(result.stderr)")
            return try JSONValue(parsing: Array(lines.dropLast().joined(separator: "\n").utf8))
        }
        let uploaded = try upload(scratch.file("dot.pdf"), name: "../dot.pdf")
        #expect(uploaded["filename"] == "dot.png" && uploaded["file_type"] == "image/png")
        #expect(uploaded["uploaded_by"]?.stringValue?.isEmpty == false)
        let id = try #require(uploaded["id"]?.intValue)
        // The redirect (curl sends the Host a browser sends), then the signed link (no API key) answers the bytes.
        let redirect = try Self.curl(["-H", "X-API-Key: \(key)", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                                      "\(base)/api/conversations/files/\(id)/download"], in: scratch.path)
        let parts = redirect.stdoutText.split(separator: " ")
        #expect(parts.first == "302", "\(redirect.stdoutText)")
        let location = String(parts.last ?? "")
        #expect(location.hasPrefix("\(base)/api/files/\(id)/content?expires="))
        let fetched = try Self.curl(["-o", scratch.file("fetched"), "-D", scratch.file("headers"), location], in: scratch.path)
        #expect(fetched.exitCode == 0)
        #expect(FileManager.default.contents(atPath: scratch.file("fetched")).map(Array.init) == png)
        let headers = (try? String(contentsOfFile: scratch.file("headers"), encoding: .utf8))?.lowercased() ?? ""
        #expect(headers.contains("content-type: image/png"))
        #expect(headers.contains("x-content-type-options: nosniff"))
        // Tampered: one hex digit of the signature changed.
        let tampered = location.hasSuffix("0") ? String(location.dropLast()) + "1" : String(location.dropLast()) + "0"
        #expect(try server.send("GET", String(tampered.dropFirst(base.count))).status == 403)
        // As JSON when asked.
        let json = try server.send("GET", "/api/conversations/files/\(id)/download", headers: ["X-API-Key": key, "Accept": "application/json"])
        #expect(json.status == 200 && json.json?["url"]?.stringValue?.contains("/api/files/\(id)/content?expires=") == true)
        // An SVG is an attachment, sandboxed.
        let svg = try upload(scratch.file("x.svg"), name: "x.svg")
        let svgLink = try server.send("GET", "/api/conversations/files/\(svg["id"]?.intValue ?? 0)/download?format=json", headers: ["X-API-Key": key])
        let svgURL = try #require(svgLink.json?["url"]?.stringValue)
        let svgReply = try server.send("GET", String(svgURL[try #require(svgURL.range(of: "/api/files/")).lowerBound...]))
        #expect(svgReply.status == 200)
        #expect(svgReply.header("content-type") == "image/svg+xml")
        #expect(svgReply.header("content-disposition")?.hasPrefix("attachment;") == true)
        #expect(svgReply.header("content-security-policy") == "sandbox")
        // Too large: nginx or the gateway refuses with 413 before the function stores anything.
        try Data(repeating: UInt8(ascii: "a"), count: (10 << 20) + 1).write(to: URL(fileURLWithPath: scratch.file("big.txt")))
        let big = try Self.curl(["-H", "X-API-Key: \(key)", "-F", "file=@\(scratch.file("big.txt"))", "-o", "/dev/null", "-w", "%{http_code}",
                                 "\(base)/api/conversations/1/files"], in: scratch.path)
        #expect(big.stdoutText == "413", "\(big.stdoutText) \(big.stderr)")
        let list = try server.send("GET", "/api/conversations/1/files", headers: ["X-API-Key": key])
        #expect(list.json?["total"] == 2)
        // Deleting the conversation deletes the files on disk.
        let filesDirectory = storage.path
        #expect(Self.files(under: filesDirectory).count == 2)
        #expect(try server.send("DELETE", "/api/conversations/1", headers: ["X-API-Key": key]).status == 200)
        #expect(Self.files(under: filesDirectory).isEmpty)
    }
}
