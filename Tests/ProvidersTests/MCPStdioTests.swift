import Core
import Providers
import TestSupport
import Testing

/// The stdio channel against a scripted server (a shell script, no SDK needed): log lines on
/// stdout skipped, a server request answered, an older protocol version accepted.
@Suite struct MCPStdioTests {
    static let script = """
        read init
        echo 'a log line that is not JSON'
        echo '{"jsonrpc":"2.0","id":"srv-1","method":"ping"}'
        read pong
        case "$pong" in *'"id":"srv-1"'*'"result"'*|*'"result"'*'"id":"srv-1"'*) ;; *) exit 3;; esac
        echo '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2024-11-05","capabilities":{"tools":{}}}}'
        read initialized
        read list
        echo '{"jsonrpc":"2.0","method":"notifications/message","params":{}}'
        echo '{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"only"}]}}'
        sleep 30
        """

    @Test func skipsNoiseAnswersServerRequestsAndAcceptsOlderVersions() async throws {
        let client = MCPClient(channel: try StdioChannel(command: ["/bin/sh", "-c", Self.script]))
        let tools = try await client.tools(deadline: Deadline(seconds: 20))
        #expect(tools.map(\.name) == ["only"])
        #expect(await client.protocolVersion == "2024-11-05")
        await client.close(deadline: Deadline(seconds: 1))
    }

    @Test func aServerFloodingStderrNeverBlocks() async throws {
        // 4 MiB of log on stderr before answering: far beyond any pipe buffer.
        let script = "head -c 4194304 /dev/zero >&2; read init; " + #"echo '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25"}}'; read done; sleep 30"#
        let client = MCPClient(channel: try StdioChannel(command: ["/bin/sh", "-c", script]))
        try await client.start(deadline: Deadline(seconds: 20))
        #expect(await client.protocolVersion == "2025-11-25")
        await client.close(deadline: Deadline(seconds: 1))
    }

    @Test func theServerSeesOnlyTheMinimalEnvironmentNotTheBundlesSecrets() async throws {
        // What the official SDKs pass, the locale, TMPDIR and TZ.
        let minimal: Set<String> = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "TZ", "SHELL", "TERM"]
        let inherited = Set(ProcessEnvironment.current().keys).subtracting(MCPEnvironmentServer.shellVariables)
        #expect(!inherited.subtracting(minimal).isEmpty, "the test runner's environment holds only the minimal variables: nothing to keep back")
        let command = ["/bin/sh", "-c", MCPEnvironmentServer.script]
        let client = MCPClient(channel: try StdioChannel(command: command))
        let names = MCPEnvironmentServer.names(try await client.tools(deadline: Deadline(seconds: 20)).first?.name)
        await client.close(deadline: Deadline(seconds: 1))
        #expect(names.contains("PATH"))
        #expect(names == inherited.intersection(minimal), "leaked: \(names.subtracting(minimal).sorted())")

        let chosen = MCPClient(channel: try StdioChannel(command: command, environment: ["ONLY_THIS": "1"]))
        #expect(MCPEnvironmentServer.names(try await chosen.tools(deadline: Deadline(seconds: 20)).first?.name) == ["ONLY_THIS"])
        await chosen.close(deadline: Deadline(seconds: 1))
    }

    @Test func repliesToServerRequestsOnlyForRequests() {
        #expect(JSONRPCMessage.reply(toServerRequest: ["jsonrpc": "2.0", "id": 4, "method": "ping"]) == ["jsonrpc": "2.0", "id": 4, "result": [:]])
        #expect(JSONRPCMessage.reply(toServerRequest: ["jsonrpc": "2.0", "id": "x", "method": "roots/list"])?["error"]?["code"] == -32601)
        #expect(JSONRPCMessage.reply(toServerRequest: ["jsonrpc": "2.0", "method": "notifications/progress"]) == nil)
        #expect(JSONRPCMessage.reply(toServerRequest: ["jsonrpc": "2.0", "id": 1, "result": [:]]) == nil)
    }
}
