import Core
import Foundation
import HTTPTransport
import Providers
import TestSupport
import Testing

/// The client against a real MCP server (the official Python SDK, `Tests/Fixtures/mcp/server.py`)
/// over real libcurl and real pipes: Streamable HTTP answering JSON and answering SSE, and stdio.
@Suite(.serialized, .enabled(if: MCPTestServer.enabled, "needs the PyPI package mcp (python3 -m pip install mcp)")) struct MCPServerTests {
    static func exercise(_ client: MCPClient) async throws {
        let deadline = Deadline(seconds: 60)
        let tools = try await client.tools(deadline: deadline)
        #expect(Set(tools.map(\.name)).isSuperset(of: ["search_documentation", "read_documentation", "get_regional_availability", "broken_tool"]))
        #expect(MCPClient.supportedVersions.contains(await client.protocolVersion ?? "none"))
        let search = try #require(DocumentationTools.resolve("search_documentation", in: tools))
        #expect(search.argumentNames.contains("search_phrase"))
        let hits = try await DocumentationTools(client: client).search(search, phrase: "Amazon S3 for backups", limit: 2, deadline: deadline)
        #expect(hits.map(\.title) == ["Amazon S3 guide, part 1", "Amazon S3 guide, part 2"])
        #expect(hits.first?.url == "https://docs.aws.amazon.com/test/amazon-s3-for/page-1.html")
        do {
            _ = try await client.call("broken_tool", arguments: ["reason": "disk on fire"], deadline: deadline)
            Issue.record("isError must throw")
        } catch {
            #expect(error.kind == .toolFailed && error.message.contains("disk on fire"))
        }
        do {
            _ = try await client.call("protocol_failure", arguments: [:], deadline: deadline)
            Issue.record("a JSON-RPC error must throw")
        } catch {
            #expect(error.kind == .protocolError && error.rpcCode == -32001)
        }
        // The session still works after both failures.
        let page = try await client.call("read_documentation", arguments: ["url": "https://docs.aws.amazon.com/x"], deadline: deadline)
        #expect(page.text.hasPrefix("# https://docs.aws.amazon.com/x"))
        await client.close(deadline: deadline)
    }

    @Test(arguments: [true, false]) func streamableHTTP(jsonResponse: Bool) async throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let server = try MCPTestServer(jsonResponse: jsonResponse)
        let channel = StreamableHTTPChannel(url: server.url, transport: CurlTransport())
        try await Self.exercise(MCPClient(channel: channel))
        #expect(channel.sessionID == nil, "the session was deleted")
    }

    @Test func stdio() async throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let channel = try StdioChannel(command: try CommandWords.split(MCPTestServer.stdioCommand()))
        try await Self.exercise(MCPClient(channel: channel))
    }

    @Test func aHangingStdioServerIsAbandonedAtTheDeadlineAndKilled() async throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let channel = try StdioChannel(command: try CommandWords.split(MCPTestServer.stdioCommand(mode: "hang")))
        let client = MCPClient(channel: channel)
        let tools = try await client.tools(deadline: Deadline(seconds: 60))
        let search = try #require(DocumentationTools.resolve("search_documentation", in: tools))
        do {
            _ = try await DocumentationTools(client: client).search(search, phrase: "x", limit: 1, deadline: Deadline(seconds: 1.5))
            Issue.record("a hanging tool must time out")
        } catch {
            #expect(error.kind == .timeout)
        }
        await client.close(deadline: Deadline(seconds: 1))
    }

    @Test func aStdioCommandThatIsNotThereOrExitsIsUnreachable() async throws {
        #expect(throws: BundleError.self) { try StdioChannel(command: ["/nonexistent/mcp-server"]) }
        let client = MCPClient(channel: try StdioChannel(command: ["/bin/sh", "-c", "echo not-json; exit 0"]))
        await #expect(throws: MCPError(.unreachable, "")) { try await client.start(deadline: Deadline(seconds: 10)) }
    }
}
