import Core
import Foundation
import TestSupport
import Testing

/// `import-chats` end to end: the fixtures piped through the binary, and a multipart upload
/// through nginx + fcgiwrap answered as one JSON document and as `text/event-stream` (events in
/// order, `done` last, carrying the same answer).
@Suite struct ChatImportTests {
    static func multipart(files: [(name: String, content: String)]) -> (String, String) {
        let boundary = "----bundle-chats-5YWxkTrZu0gW"
        var body = ""
        for file in files {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(file.name)\"\r\n"
            body += "Content-Type: application/octet-stream\r\n\r\n\(file.content)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    static func demo(_ name: String) throws -> String {
        try String(contentsOf: NginxServer.repositoryRoot.appendingPathComponent("infra/demo/workspace/\(name)"), encoding: .utf8)
    }

    @Test func theFixturesPipeThroughTheBinary() throws {
        let directory = try TemporaryDirectory()
        let environment = ["DATABASE_URL": try TestDatabase.url(directory.file("bundle.sqlite")), "BUNDLE_NOW": "2026-12-02T09:00:00Z"]
        let first = try Binaries.run("import-chats", stdin: try Fixtures.text("import-chats/chatgpt-export.json"), environment: environment,
                                     workingDirectory: directory.path)
        #expect(first.exitCode == 0, "\(first.stdoutText) \(first.stderr)")
        #expect(first.json?["imported"] == 2)
        let again = try Binaries.run("import-chats", stdin: try Fixtures.text("import-chats/chatgpt-export.json"), environment: environment,
                                     workingDirectory: directory.path)
        #expect(again.json?["unchanged"] == 2)
        let markdown = try Binaries.run("import-chats", stdin: try Fixtures.text("import-chats/markdown-transcript.json"),
                                        environment: environment, workingDirectory: directory.path)
        #expect(markdown.json?["imported"] == 1, "\(markdown.stdoutText)")
        let empty = try Binaries.run("import-chats", stdin: "{}", environment: environment, workingDirectory: directory.path)
        #expect(empty.exitCode == 65 || empty.errorCode == "validation_failed", "\(empty.stdoutText)")
    }

    @Test func aMultipartUploadThroughNginxAsJSONAndAsEvents() throws {
        let server = try NginxServer(mode: .dispatch)
        let key = try server.createKey()
        let (type, body) = Self.multipart(files: [("conversations.json", try Self.demo("chatgpt-conversations.json")),
                                                  ("transcript.md", try Self.demo("transcript.md"))])
        let reply = try server.send("POST", "/api/conversations/import", headers: ["X-API-Key": key, "Content-Type": type], body: body)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json?["imported"] == 3)

        let claude = Self.multipart(files: [("conversations.json", try Self.demo("claude-conversations.json"))])
        let client = try StreamingHTTPClient(port: server.port, method: "POST", path: "/api/conversations/import",
                                             headers: ["X-API-Key": key, "Content-Type": claude.0, "Accept": "text/event-stream"],
                                             body: Array(claude.1.utf8))
        client.readToEnd()
        #expect(client.headText.hasPrefix("HTTP/1.1 200"), "\(client.headText)")
        let events = client.events
        #expect(events.first?.event == "status" && events.first?.data?["status"] == "reading")
        #expect(events.map(\.event).filter { $0 == "imported" }.count == 1)
        #expect(events.last?.event == "done", "\(client.bodyText)")
        #expect(events.last?.data?["response"]?["imported"] == 1)
        let order = events.map(\.event)
        let firstImported = try #require(order.firstIndex(of: "imported"))
        #expect(firstImported < (order.lastIndex(of: "status") ?? -1))  // embedding/summarizing follow the imports

        // Refused before any event: a proper 422, not a stream.
        let refused = try StreamingHTTPClient(port: server.port, method: "POST", path: "/api/conversations/import",
                                              headers: ["X-API-Key": key, "Content-Type": "application/json", "Accept": "text/event-stream"],
                                              body: Array("{}".utf8))
        refused.readToEnd()
        #expect(refused.headText.hasPrefix("HTTP/1.1 422"), "\(refused.headText)")
    }
}

/// A 50 MB ChatGPT export imported through the CGI path (the binary started as nginx's fcgiwrap
/// starts it: CGI variables, the multipart body on stdin) peaks under 3x the file's size.
/// Own-process group (CPU- and memory-heavy).
@Suite struct ChatImportMemoryTests {
    /// A ChatGPT `conversations.json` of at least `bytes`: conversations of ten messages each.
    static func export(bytes: Int) -> String {
        var text = "["
        var index = 0
        let filler = String(repeating: "The quick brown fox jumps over the lazy dog while the cache warms up. ", count: 6)
        while text.utf8.count < bytes {
            if index > 0 { text += "," }
            var mapping = "\"root\":{\"id\":\"root\",\"parent\":null,\"children\":[\"n\(index)-0\"],\"message\":null}"
            for message in 0..<10 {
                let role = message % 2 == 0 ? "user" : "assistant"
                let parent = message == 0 ? "root" : "n\(index)-\(message - 1)"
                let children = message == 9 ? "" : "\"n\(index)-\(message + 1)\""
                mapping += ",\"n\(index)-\(message)\":{\"id\":\"n\(index)-\(message)\",\"parent\":\"\(parent)\",\"children\":[\(children)],"
                mapping += "\"message\":{\"id\":\"n\(index)-\(message)\",\"author\":{\"role\":\"\(role)\"},\"create_time\":\(1_764_662_400 + message),"
                mapping += "\"content\":{\"content_type\":\"text\",\"parts\":[\"Message \(message) of chat \(index). \(filler)\"]}}}"
            }
            text += "{\"id\":\"gen-\(index)\",\"title\":\"Generated chat \(index)\",\"create_time\":1764662400,\"update_time\":1764662500,"
            text += "\"current_node\":\"n\(index)-9\",\"mapping\":{\(mapping)}}"
            index += 1
        }
        return text + "]"
    }

    @Test func aFiftyMegabyteExportPeaksUnderThreeTimesItsSize() throws {
        let directory = try TemporaryDirectory()
        let file = Self.export(bytes: 50 << 20)
        let (type, bodyText) = ChatImportTests.multipart(files: [("conversations.json", file)])
        let body = Array(bodyText.utf8)
        let database = try TestDatabase.url(directory.file("bundle.sqlite"))
        let created = try Binaries.run("create-api-key", stdin: #"{"name": "memory"}"#, environment: ["DATABASE_URL": database],
                                       workingDirectory: directory.path)
        let key = try #require(created.json?["key"]?.stringValue)
        let (result, peak) = try Binaries.runMeasuringPeakMemory(Binaries.path("bundle"), stdinBytes: body, environment: [
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "REQUEST_URI": "/api/conversations/import",
            "PATH_INFO": "/api/conversations/import", "CONTENT_TYPE": type, "CONTENT_LENGTH": String(body.count),
            "DATABASE_URL": database, "HTTP_X_API_KEY": key, "LOG_LEVEL": "warning",
        ], workingDirectory: directory.path)
        let head = String(result.stdoutText.prefix(600))
        #expect(result.stdoutText.hasPrefix("Status: 200"), "\(head) \(result.stderr.suffix(600))")
        #expect(result.stdoutText.contains("\"imported\":"), "\(head)")
        #expect(peak < 3 * file.utf8.count, "peak RSS \(peak >> 20) MiB for a \(file.utf8.count >> 20) MiB export")
    }
}
