import Core

/// JSON-RPC 2.0 as MCP uses it: requests with integer ids, notifications without, and the
/// classification of whatever a server sends back.
package enum JSONRPCMessage {
    package static func request(id: Int, method: String, params: JSONValue?) -> JSONValue {
        var fields: [String: JSONValue] = ["jsonrpc": "2.0", "id": .number(Double(id)), "method": .string(method)]
        if let params { fields["params"] = params }
        return .object(fields)
    }

    package static func notification(method: String, params: JSONValue? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let params { fields["params"] = params }
        return .object(fields)
    }

    /// Whether `message` is the response to request `id` (a result or an error). Requests and
    /// notifications from the server carry a `method` and are not responses.
    package static func isResponse(_ message: JSONValue, to id: Int) -> Bool {
        guard message["method"] == nil, let answered = message["id"]?.doubleValue else { return false }
        return answered == Double(id) && (message["result"] != nil || message["error"] != nil)
    }

    /// What the client answers a request the server sent it: `ping` gets an empty result; the
    /// client offers no capabilities (sampling, roots, elicitation), so anything else is
    /// "method not found". Nil when `message` is not a server request.
    package static func reply(toServerRequest message: JSONValue) -> JSONValue? {
        guard let method = message["method"]?.stringValue, let id = message["id"], !id.isNull else { return nil }
        if method == "ping" { return ["jsonrpc": "2.0", "id": id, "result": [:]] }
        return ["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": "the client does not offer this method"]]
    }

    /// The result of a response, or the protocol error it carries.
    package static func result(of response: JSONValue, method: String) throws(MCPError) -> JSONValue {
        if let error = response["error"] {
            let code = error["code"]?.intValue
            let text = error["message"]?.stringValue.map { String($0.prefix(300)) } ?? "no message"
            throw MCPError(.protocolError, "the MCP server refused \(method) (JSON-RPC error \(code.map(String.init) ?? "?")): \(text)",
                           rpcCode: code)
        }
        guard let result = response["result"], result.objectValue != nil else {
            throw MCPError(.malformed, "the MCP server answered \(method) without a result object")
        }
        return result
    }
}
