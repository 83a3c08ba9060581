import Core
import Foundation
import TestSupport
import Testing

/// `mcp-check` as a person, cron or nginx runs it: offline, against the loopback MCP server (the
/// official Python SDK) over Streamable HTTP and stdio, an absent server, and `POST /mcp/check`
/// through real nginx + fcgiwrap.
@Suite(.serialized) struct MCPCheckTests {
    let directory: TemporaryDirectory
    let input: String

    init() throws {
        directory = try TemporaryDirectory()
        input = try Fixtures.text("mcp-check/search.json")
    }

    @Test func offlineSaysSoWithoutFailing() throws {
        let result = try Binaries.run("mcp-check", stdin: input, workingDirectory: directory.path)
        #expect(result.exitCode == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(result.json?["provider"] == "offline" && result.json?["tools"] == [])
    }

    @Test(.enabled(if: MCPTestServer.enabled, "needs the PyPI package mcp (python3 -m pip install mcp)"))
    func listsToolsAndSearchesOverStreamableHTTPAndStdio() throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let server = try MCPTestServer(jsonResponse: false)
        let http = try Binaries.run("mcp-check", stdin: input, environment: ["MCP_SERVER_URL": server.url], workingDirectory: directory.path)
        #expect(http.exitCode == 0, "\(http.stdoutText) \(http.stderr)")
        #expect(http.json?["provider"] == "http" && http.json?["server"] == .string(server.url))
        #expect(http.json?["protocol_version"] == "2025-11-25")
        #expect(http.json?["configured_tools"]?["search_tool"] == "search_documentation")
        #expect(http.json?["search"]?.arrayValue?.map { $0["title"] } == [
            "Amazon S3 lifecycle rules guide, part 1", "Amazon S3 lifecycle rules guide, part 2", "Amazon S3 lifecycle rules guide, part 3",
        ])

        // The python3 that has the SDK is the test runner's: pass its PATH on.
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let stdio = try Binaries.run("mcp-check", stdin: "{}", environment: [
            "MCP_SERVER_COMMAND": MCPTestServer.stdioCommand(mode: "prefixed"), "PATH": path,
        ], workingDirectory: directory.path)
        #expect(stdio.exitCode == 0, "\(stdio.stdoutText) \(stdio.stderr)")
        #expect(stdio.json?["provider"] == "stdio" && stdio.json?["server"] == "python3")
        #expect(stdio.json?["configured_tools"]?["search_tool"] == "aws___search_documentation")
        #expect(stdio.json?["search"] == [])
    }

    @Test func aStdioServerSeesNoSecretOnlyTheMinimalEnvironmentAndTheAllowList() throws {
        let script = directory.file("env-server.sh")
        try MCPEnvironmentServer.script.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try Binaries.run("mcp-check", stdin: "{}", environment: [
            "MCP_SERVER_COMMAND": "/bin/sh " + script, "MCP_TIMEOUT_SECONDS": "10",
            "OPENAI_API_KEY": "sk-must-not-leak", "TWILIO_AUTH_TOKEN": "t", "EMBEDDINGS_API_KEY": "e", "DATABASE_URL": try TestDatabase.url(directory.file("db.sqlite")),
            "LANG": "C.UTF-8", "MCP_SERVER_ENV": "AWS_PROFILE", "AWS_PROFILE": "docs",
        ], workingDirectory: directory.path)
        #expect(result.exitCode == 0, "\(result.stdoutText) \(result.stderr)")
        let names = MCPEnvironmentServer.names(result.json?["tools"]?.arrayValue?.first?["name"]?.stringValue)
        #expect(names == ["PATH", "HOME", "LANG", "AWS_PROFILE"], "\(names.sorted())")
        #expect(!result.stdoutText.contains("sk-must-not-leak"))
    }

    @Test func anAbsentServerIsUnavailableAndABadSettingIsNamed() throws {
        let absent = try Binaries.run("mcp-check", stdin: "{}", environment: ["MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "MCP_TIMEOUT_SECONDS": "3"],
                                      workingDirectory: directory.path)
        #expect(absent.exitCode == 75 && absent.errorCode == "unavailable", "\(absent.stdoutText)")
        let bad = try Binaries.run("mcp-check", stdin: "{}", environment: ["MCP_PROVIDER": "carrier-pigeon"], workingDirectory: directory.path)
        #expect(bad.exitCode == 78 && bad.json?["error"]?["details"]?.arrayValue?.first?["field"] == "MCP_PROVIDER", "\(bad.stdoutText)")
    }

    @Test(.enabled(if: MCPTestServer.enabled, "needs the PyPI package mcp (python3 -m pip install mcp)"))
    func throughNginx() throws {
        #expect(MCPTestServer.packageInstalled, "\(MCPTestServer.missingPackage)")
        let mcp = try MCPTestServer(jsonResponse: true)
        let server = try NginxServer(mode: .direct, environment: ["MCP_SERVER_URL": mcp.url])
        let key = try server.createKey()
        let reply = try server.send("POST", "/mcp/check", headers: ["X-API-Key": key, "Content-Type": "application/json"], body: input)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json?["search"]?.arrayValue?.count == 3 && reply.json?["tools"]?.arrayValue?.isEmpty == false)
        #expect(try server.send("POST", "/mcp/check", headers: ["Content-Type": "application/json"], body: input).status == 401)
    }
}
