import Core
import HTTPTransport
import Providers
import Testing

/// The MCP client over Streamable HTTP against a scripted transport: the handshake's headers,
/// both answer styles, paging of tools, the two kinds of failure, and a session the server expired.
@Suite struct MCPWireTests {
    static let url = "https://mcp.example.com/mcp"

    static func sse(_ messages: [JSONValue], session: String? = nil) -> HTTPResponse {
        var body = ": stream opened\r\n\r\n"
        for message in messages { body += "event: message\r\ndata: \(message.jsonText)\r\n\r\n" }
        var headers = ["content-type": "text/event-stream"]
        if let session { headers["mcp-session-id"] = session }
        return HTTPResponse(status: 200, headers: headers, body: Array(body.utf8))
    }

    static func result(_ id: Int, _ result: JSONValue) -> JSONValue { ["jsonrpc": "2.0", "id": .number(Double(id)), "result": result] }

    static func initialized(_ fake: FakeTransport, version: String = "2025-06-18", session: String = "s-1") {
        fake.expect("POST", url) { request in
            let sent = try JSONValue(parsing: request.body)
            #expect(sent["method"] == "initialize" && sent["params"]?["protocolVersion"] == "2025-11-25")
            #expect(request.header("Accept") == "application/json, text/event-stream")
            #expect(request.header("Mcp-Session-Id") == nil && request.header("MCP-Protocol-Version") == nil)
            return sse([result(sent["id"]?.intValue ?? 0, ["protocolVersion": .string(version), "capabilities": ["tools": [:]],
                                                           "serverInfo": ["name": "fake", "version": "1"]])], session: session)
        }
        fake.expect("POST", url) { request in
            let sent = try JSONValue(parsing: request.body)
            #expect(sent["method"] == "notifications/initialized" && sent["id"] == nil)
            #expect(request.header("Mcp-Session-Id") == session && request.header("MCP-Protocol-Version") == version)
            return HTTPResponse(status: 202)
        }
    }

    @Test func handshakeEchoesTheSessionAndVersionAndPagesThroughTools() async throws {
        let fake = FakeTransport()
        Self.initialized(fake)
        fake.expect("POST", Self.url) { request in
            let sent = try JSONValue(parsing: request.body)
            #expect(sent["method"] == "tools/list" && sent["params"] == nil)
            #expect(request.header("Mcp-Session-Id") == "s-1" && request.header("MCP-Protocol-Version") == "2025-06-18")
            // A server notification and a server request come first on the stream: skipped.
            return Self.sse([["jsonrpc": "2.0", "method": "notifications/message", "params": ["level": "info"]],
                             ["jsonrpc": "2.0", "id": .number(Double(sent["id"]?.intValue ?? 0)), "method": "ping"],
                             Self.result(sent["id"]?.intValue ?? 0, ["tools": [["name": "one"]], "nextCursor": "page-2"])])
        }
        fake.expect("POST", Self.url) { request in
            let sent = try JSONValue(parsing: request.body)
            #expect(sent["params"]?["cursor"] == "page-2")
            // The JSON answer style.
            return .json(200, Self.result(sent["id"]?.intValue ?? 0, ["tools": [["name": "two", "inputSchema": ["type": "object"]]]]))
        }
        fake.expect("DELETE", Self.url) { request in
            #expect(request.header("Mcp-Session-Id") == "s-1")
            return HTTPResponse(status: 200)
        }
        let client = MCPClient(channel: StreamableHTTPChannel(url: Self.url, authHeaders: [("Authorization", "Bearer t")], transport: fake))
        let tools = try await client.tools(deadline: Deadline(seconds: 60))
        #expect(tools.map(\.name) == ["one", "two"])
        #expect(await client.protocolVersion == "2025-06-18")
        #expect(try await client.tools(deadline: Deadline(seconds: 60)).count == 2, "listed once per session")
        await client.close(deadline: Deadline(seconds: 60))
        #expect(fake.unexpected.isEmpty && fake.pendingCount == 0)
        #expect(fake.received.allSatisfy { $0.header("Authorization") == "Bearer t" })
    }

    @Test func toolFailureAndProtocolErrorAreToldApart() async throws {
        let fake = FakeTransport()
        Self.initialized(fake)
        fake.expect("POST", Self.url) { request in
            let id = try JSONValue(parsing: request.body)["id"]?.intValue ?? 0
            return .json(200, Self.result(id, ["content": [["type": "text", "text": "no such page"]], "isError": true]))
        }
        fake.expect("POST", Self.url) { request in
            let id = try JSONValue(parsing: request.body)["id"]?.intValue ?? 0
            return Self.sse([["jsonrpc": "2.0", "id": .number(Double(id)), "error": ["code": -32602, "message": "Unknown tool"]]])
        }
        fake.expect("POST", Self.url) { request in
            let id = try JSONValue(parsing: request.body)["id"]?.intValue ?? 0
            return .json(200, Self.result(id, ["content": [["type": "text", "text": "fine"]], "structuredContent": ["ok": true]]))
        }
        let client = MCPClient(channel: StreamableHTTPChannel(url: Self.url, transport: fake))
        let deadline = Deadline(seconds: 60)
        await #expect(throws: MCPError(.toolFailed, "")) { try await client.call("read", arguments: [:], deadline: deadline) }
        do {
            _ = try await client.call("nope", arguments: [:], deadline: deadline)
            Issue.record("a JSON-RPC error must throw")
        } catch {
            #expect(error.kind == .protocolError && error.rpcCode == -32602 && error.message.contains("Unknown tool"))
        }
        let answer = try await client.call("fine", arguments: [:], deadline: deadline)
        #expect(answer.text == "fine" && answer.structuredContent == ["ok": true])
    }

    @Test func overlappingCallsShareOneHandshake() async throws {
        let fake = FakeTransport()
        Self.initialized(fake)
        for _ in 0..<4 {
            fake.expect("POST", Self.url) { request in
                let sent = try JSONValue(parsing: request.body)
                #expect(sent["method"] == "tools/call" && request.header("Mcp-Session-Id") == "s-1")
                return .json(200, Self.result(sent["id"]?.intValue ?? 0, ["content": [["type": "text", "text": sent["params"]?["name"] ?? ""]]]))
            }
        }
        let client = MCPClient(channel: StreamableHTTPChannel(url: Self.url, transport: fake))
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<4 { group.addTask { try await client.call("tool-\(index)", arguments: [:], deadline: Deadline(seconds: 60)).text } }
            var texts: [String] = []
            for try await text in group { texts.append(text) }
            return texts.sorted()
        }
        #expect(texts == ["tool-0", "tool-1", "tool-2", "tool-3"])
        #expect(fake.unexpected.isEmpty && fake.pendingCount == 0)
    }

    @Test func anExpiredSessionIsSetUpAgainOnce() async throws {
        let fake = FakeTransport()
        Self.initialized(fake, session: "old")
        fake.expect("POST", Self.url) { request in
            #expect(request.header("Mcp-Session-Id") == "old")
            return .json(404, ["jsonrpc": "2.0", "id": nil, "error": ["code": -32600, "message": "Session not found"]])
        }
        Self.initialized(fake, session: "new")
        fake.expect("POST", Self.url) { request in
            #expect(request.header("Mcp-Session-Id") == "new")
            let id = try JSONValue(parsing: request.body)["id"]?.intValue ?? 0
            return .json(200, Self.result(id, ["tools": []]))
        }
        let client = MCPClient(channel: StreamableHTTPChannel(url: Self.url, transport: fake))
        #expect(try await client.tools(deadline: Deadline(seconds: 60)).isEmpty)
        #expect(fake.pendingCount == 0 && fake.unexpected.isEmpty)
    }

    @Test func refusesAnUnsupportedVersionAndAnAnswerWithoutItsResponse() async throws {
        let fake = FakeTransport()
        fake.expect("POST", Self.url) { request in
            let id = try JSONValue(parsing: request.body)["id"]?.intValue ?? 0
            return .json(200, Self.result(id, ["protocolVersion": "2023-01-01", "capabilities": [:]]))
        }
        let client = MCPClient(channel: StreamableHTTPChannel(url: Self.url, transport: fake))
        await #expect(throws: MCPError(.unsupportedVersion, "")) { try await client.start(deadline: Deadline(seconds: 60)) }

        let other = FakeTransport()
        other.expect("POST", Self.url, respond: Self.sse([["jsonrpc": "2.0", "method": "notifications/progress"]]))
        let second = MCPClient(channel: StreamableHTTPChannel(url: Self.url, transport: other))
        await #expect(throws: MCPError(.malformed, "")) { try await second.start(deadline: Deadline(seconds: 60)) }

        let refused = FakeTransport()
        refused.expect("POST", Self.url) { _ in throw TransportError(.connection, host: "mcp.example.com", "connection refused") }
        let third = MCPClient(channel: StreamableHTTPChannel(url: Self.url, transport: refused))
        await #expect(throws: MCPError(.unreachable, "")) { try await third.start(deadline: Deadline(seconds: 60)) }
    }

    @Test func readsSearchResultsDefensively() {
        let structured = MCPToolResult(content: [], structuredContent: ["result": ["search_results": [
            ["rank_order": 2, "url": "https://docs.aws.amazon.com/b", "title": "B", "context": "  second\n page "],
            ["rank_order": 1, "url": "https://docs.aws.amazon.com/a", "title": "A"],
            ["rank_order": 3, "url": "javascript:alert(1)", "title": "bad"],
            ["rank_order": 4, "url": "https://docs.aws.amazon.com/a", "title": "dup"],
        ]]])
        let hits = DocumentationTools.hits(in: structured, limit: 3)
        #expect(hits.map(\.url) == ["https://docs.aws.amazon.com/a", "https://docs.aws.amazon.com/b"])
        #expect(hits[1].excerpt == "second page")
        let text = MCPToolResult(content: [["type": "text", "text": #"{"search_results":[{"url":"https://x.example/p","title":"P"}]}"#]])
        #expect(DocumentationTools.hits(in: text, limit: 3).map(\.title) == ["P"])
        #expect(DocumentationTools.hits(in: MCPToolResult(content: [["type": "text", "text": "# Markdown, not JSON"]]), limit: 3).isEmpty)
        let tools = [MCPTool(name: "aws___search_documentation"), MCPTool(name: "other")]
        #expect(DocumentationTools.resolve("search_documentation", in: tools)?.name == "aws___search_documentation")
    }
}
