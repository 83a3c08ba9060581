import Core
import Providers
import Testing

/// `MCP_*` configuration: defaults, the provider choice, credentials kept out of the URL, the
/// command split like shell words without a shell, and bad values named.
@Suite struct MCPSettingsTests {
    private func settings(_ values: [String: String]) throws -> MCPSettings { try MCPSettings(config: Config(values)) }

    private func misconfigured(_ values: [String: String]) -> String? {
        do {
            _ = try settings(values)
            return nil
        } catch let error as BundleError {
            return error.code == .misconfigured ? error.details?.first?.field : "code \(error.code)"
        } catch { return "other error" }
    }

    @Test func defaultsToOfflineAndPicksTheConfiguredServer() throws {
        let offline = try settings([:])
        #expect(offline.provider == .offline && offline.serverLabel == nil)
        #expect(offline.searchTool == "search_documentation" && offline.readTool == "read_documentation")
        #expect(offline.availabilityTool == "get_regional_availability" && offline.timeout == .seconds(20))
        #expect(try settings(["MCP_PROVIDER": "http"]).url == MCPSettings.defaultURL)
        #expect(try settings(["MCP_SERVER_URL": "http://127.0.0.1:9/mcp"]).provider == .http)
        let stdio = try settings(["MCP_SERVER_COMMAND": "uvx awslabs.aws-documentation-mcp-server@latest", "MCP_TIMEOUT_SECONDS": "2.5"])
        #expect(stdio.provider == .stdio && stdio.command == ["uvx", "awslabs.aws-documentation-mcp-server@latest"])
        #expect(stdio.timeout == .milliseconds(2500) && stdio.serverLabel == "uvx")
    }

    @Test func aStdioServerGetsTheMinimalEnvironmentAndTheAllowListOnly() throws {
        let secrets = ["OPENAI_API_KEY": "sk-1", "TWILIO_AUTH_TOKEN": "t", "EMBEDDINGS_API_KEY": "e", "DATABASE_URL": "postgres://u:p@h/db"]
        let base = ["MCP_SERVER_COMMAND": "uvx server", "PATH": "/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8"].merging(secrets) { $1 }
        #expect(try settings(base).serverEnvironment == ["PATH": "/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8"])
        let allowed = try settings(base.merging(["MCP_SERVER_ENV": " AWS_PROFILE, OPENAI_API_KEY,,UNSET ", "AWS_PROFILE": "docs"]) { $1 })
        #expect(allowed.serverEnvironment == ["PATH": "/usr/bin:/bin", "HOME": "/home/app", "LANG": "C.UTF-8", "AWS_PROFILE": "docs", "OPENAI_API_KEY": "sk-1"])
        #expect(try settings(["MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "PATH": "/bin"]).serverEnvironment.isEmpty)
        for bad in ["HTTP_PROXY", "http_proxy", "AWS-PROFILE", "1ABC", "A B"] {
            #expect(misconfigured(["MCP_SERVER_COMMAND": "uvx server", "MCP_SERVER_ENV": bad]) == "MCP_SERVER_ENV", "\(bad)")
        }
    }

    @Test func serversStartedByTheSameProgramAreCachedApart() throws {
        let docs = try settings(["MCP_SERVER_COMMAND": "uvx awslabs.aws-documentation-mcp-server@latest --key s3cr3t"])
        let other = try settings(["MCP_SERVER_COMMAND": "uvx other-server"])
        #expect(docs.serverLabel == other.serverLabel && docs.serverKey != other.serverKey)
        #expect(docs.serverKey == (try settings(["MCP_SERVER_COMMAND": "uvx  awslabs.aws-documentation-mcp-server@latest --key 's3cr3t'"])).serverKey)
        #expect(!docs.serverKey.contains("s3cr3t") && docs.serverKey.hasPrefix("stdio:"))
        #expect(try settings(["MCP_SERVER_URL": "https://u:p@h.example/mcp"]).serverKey == "https://h.example/mcp")
    }

    @Test func credentialsBecomeHeadersAndLeaveTheURL() throws {
        let basic = try settings(["MCP_SERVER_URL": "https://ada:s%40cret@mcp.example.com/mcp?api_key=k-42#frag"])
        #expect(basic.url == "https://mcp.example.com/mcp?api_key=k-42#frag" && basic.serverLabel == "https://mcp.example.com/mcp",
                "the label that answers and logs show keeps no query")
        #expect(basic.authHeaders.map(\.value) == ["Basic YWRhOnNAY3JldA=="])
        let bearer = try settings(["MCP_SERVER_URL": "https://mcp.example.com", "MCP_AUTH_TOKEN": "tok-123"])
        #expect(bearer.authHeaders.map(\.value) == ["Bearer tok-123"])
    }

    @Test func badValuesNameTheVariable() {
        #expect(misconfigured(["MCP_PROVIDER": "smoke-signals"]) == "MCP_PROVIDER")
        #expect(misconfigured(["MCP_SERVER_URL": "ftp://x", "MCP_SERVER_COMMAND": "y"]) == "MCP_PROVIDER")
        #expect(misconfigured(["MCP_SERVER_URL": "ftp://x"]) == "MCP_SERVER_URL")
        #expect(misconfigured(["MCP_PROVIDER": "stdio"]) == "MCP_SERVER_COMMAND")
        #expect(misconfigured(["MCP_SERVER_COMMAND": "python3 'server.py"]) == "MCP_SERVER_COMMAND")
        #expect(misconfigured(["MCP_TIMEOUT_SECONDS": "soon"]) == "MCP_TIMEOUT_SECONDS")
        #expect(misconfigured(["MCP_SEARCH_TOOL": "search docs"]) == "MCP_SEARCH_TOOL")
        #expect(misconfigured(["MCP_PROVIDER": "http", "MCP_AUTH_TOKEN": "two words"]) == "MCP_AUTH_TOKEN")
    }

    @Test func splitsCommandsLikeAShellWithoutExpanding() throws {
        #expect(try CommandWords.split(#"python3 "my server.py" --name 'a "b"' x\ y $HOME ~ *"#)
                == ["python3", "my server.py", "--name", #"a "b""#, "x y", "$HOME", "~", "*"])
        #expect(try CommandWords.split(#"a "q\"uote\n" '' """#) == ["a", #"q"uote\n"#, "", ""])
        #expect(try CommandWords.split("  \t ").isEmpty)
    }
}
