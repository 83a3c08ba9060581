import Core
import Providers
import Synchronization
import Testing

/// The arguments a documentation search sends when the search tool does not take
/// `search_phrase`: the phrase goes to a required *string* argument, never to a number.
@Suite struct DocumentationToolsTests {
    /// A server that accepts the handshake, answers every tool call with no hits and keeps the
    /// arguments of the calls.
    final class RecordingChannel: MCPChannel {
        let calls = Mutex<[JSONValue]>([])

        func request(_ message: JSONValue, id: Int, deadline: Deadline) async throws -> JSONValue {
            let result: JSONValue
            switch message["method"]?.stringValue {
            case "initialize": result = ["protocolVersion": "2025-06-18", "capabilities": ["tools": [:]]]
            case "tools/call":
                calls.withLock { $0.append(message["params"]?["arguments"] ?? .null) }
                result = ["content": [["type": "text", "text": #"{"search_results": []}"#]]]
            default: result = [:]
            }
            return ["jsonrpc": "2.0", "id": .number(Double(id)), "result": result]
        }

        func notify(_ message: JSONValue, deadline: Deadline) async throws {}
        func established(protocolVersion: String) {}
        func reset() {}
        func close(deadline: Deadline) async {}
    }

    private func arguments(for schema: JSONValue) async throws -> JSONValue? {
        let channel = RecordingChannel()
        let client = MCPClient(channel: channel)
        _ = try await DocumentationTools(client: client).search(MCPTool(name: "search", inputSchema: schema), phrase: "object storage",
                                                                limit: 3, deadline: Deadline(seconds: 60))
        return channel.calls.withLock { $0.last }
    }

    @Test func thePhraseGoesToTheFirstRequiredStringArgument() async throws {
        let numberFirst: JSONValue = ["type": "object", "properties": [
            "page": ["type": "integer"], "query": ["type": "string"], "limit": ["type": "integer"],
        ], "required": ["page", "query"]]
        #expect(try await arguments(for: numberFirst) == ["query": "object storage", "limit": 3])
        let nullable: JSONValue = ["type": "object", "properties": ["tags": ["type": "array"], "q": ["type": ["string", "null"]]], "required": ["tags", "q"]]
        #expect(try await arguments(for: nullable) == ["q": "object storage"])
        let usual: JSONValue = ["type": "object", "properties": ["search_phrase": ["type": "string"], "limit": ["type": "integer"]]]
        #expect(try await arguments(for: usual) == ["search_phrase": "object storage", "limit": 3])
    }
}
