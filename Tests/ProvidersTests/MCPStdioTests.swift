import Core
import Providers
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

    @Test func repliesToServerRequestsOnlyForRequests() {
        #expect(JSONRPCMessage.reply(toServerRequest: ["jsonrpc": "2.0", "id": 4, "method": "ping"]) == ["jsonrpc": "2.0", "id": 4, "result": [:]])
        #expect(JSONRPCMessage.reply(toServerRequest: ["jsonrpc": "2.0", "id": "x", "method": "roots/list"])?["error"]?["code"] == -32601)
        #expect(JSONRPCMessage.reply(toServerRequest: ["jsonrpc": "2.0", "method": "notifications/progress"]) == nil)
        #expect(JSONRPCMessage.reply(toServerRequest: ["jsonrpc": "2.0", "id": 1, "result": [:]]) == nil)
    }
}
