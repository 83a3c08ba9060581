import Core
import HTTPTransport
import Synchronization

/// MCP over Streamable HTTP: every message is a POST to one endpoint that accepts JSON or an
/// event stream back; the server's `Mcp-Session-Id` is echoed and, once negotiated,
/// `MCP-Protocol-Version` is sent. Credentials (a bearer token, or basic auth taken from the
/// URL's userinfo) ride in `authHeaders` and never appear in messages.
package final class StreamableHTTPChannel: MCPChannel {
    package let url: String
    private let authHeaders: [(name: String, value: String)]
    private let transport: any Transport
    private let events: ServerSentEvents
    private let state = Mutex<(session: String?, version: String?)>((nil, nil))

    package init(url: String, authHeaders: [(name: String, value: String)] = [], transport: any Transport,
                 events: ServerSentEvents = ServerSentEvents()) {
        self.url = url
        self.authHeaders = authHeaders
        self.transport = transport
        self.events = events
    }

    package var sessionID: String? { state.withLock { $0.session } }

    package func established(protocolVersion: String) {
        state.withLock { $0.version = protocolVersion }
    }

    package func reset() {
        state.withLock { $0 = (nil, nil) }
    }

    package func request(_ message: JSONValue, id: Int, deadline: Deadline) async throws -> JSONValue {
        let response = try await post(message, deadline: deadline)
        let method = message["method"]?.stringValue ?? "request"
        let kind = response.header("content-type")?.lowercased() ?? ""
        var candidates: [JSONValue] = []
        if kind.hasPrefix("text/event-stream") {
            for data in try events.messages(in: response.body) {
                guard let parsed = try? JSONValue(parsing: data) else {
                    throw MCPError(.malformed, "the MCP server's event stream carried an event that is not JSON")
                }
                candidates.append(parsed)
            }
        } else {
            guard let parsed = try? JSONValue(parsing: response.body) else {
                throw MCPError(.malformed, "the MCP server answered \(method) with a body that is not JSON (HTTP \(response.status))")
            }
            candidates = parsed.arrayValue ?? [parsed]
        }
        guard let answer = candidates.first(where: { JSONRPCMessage.isResponse($0, to: id) }) else {
            throw MCPError(.malformed, "the MCP server's answer to \(method) did not include its response")
        }
        return answer
    }

    package func notify(_ message: JSONValue, deadline: Deadline) async throws {
        _ = try await post(message, deadline: deadline)
    }

    package func close(deadline: Deadline) async {
        guard let session = sessionID else { return }
        var request = HTTPRequest(method: "DELETE", url: url, headers: authHeaders + [("Mcp-Session-Id", session)],
                                  timeout: .seconds(2))
        if let version = state.withLock({ $0.version }) { request.headers.append(("MCP-Protocol-Version", version)) }
        // A server may refuse (405) or already have forgotten the session: either way it is over.
        _ = try? await transport.send(request, deadline: deadline)
        reset()
    }

    /// POSTs one message; a 2xx answer is returned (202 for notifications), anything else thrown
    /// as the MCPError it means.
    private func post(_ message: JSONValue, deadline: Deadline) async throws -> HTTPResponse {
        let (session, version) = state.withLock { ($0.session, $0.version) }
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"),
        ]
        if let session { headers.append(("Mcp-Session-Id", session)) }
        if let version { headers.append(("MCP-Protocol-Version", version)) }
        let request = HTTPRequest(method: "POST", url: url, headers: headers + authHeaders, body: Array(message.jsonText.utf8),
                                  timeout: deadline.remaining)
        let method = message["method"]?.stringValue ?? "request"
        let response: HTTPResponse
        do {
            response = try await transport.send(request, deadline: deadline)
        } catch let error as TransportError {
            if error.kind == .timeout { throw MCPError(.timeout, "the MCP server did not answer \(method) in time") }
            throw MCPError(.unreachable, "cannot reach the MCP server: \(error.message)")
        }
        if let assigned = response.header("mcp-session-id"), !assigned.isEmpty, session == nil {
            // Visible ASCII only (the spec's rule): it goes back in a header.
            guard assigned.utf8.count <= 1_024, assigned.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
                throw MCPError(.malformed, "the MCP server sent an unusable Mcp-Session-Id")
            }
            state.withLock { $0.session = assigned }
        }
        if response.status == 404 && session != nil {
            state.withLock { $0 = (nil, nil) }
            throw MCPError(.sessionExpired, "the MCP server expired the session")
        }
        guard response.isSuccess else {
            if let error = response.json?["error"], error["code"] != nil {
                _ = try JSONRPCMessage.result(of: .object(["error": error]), method: method)
            }
            if response.status == 401 || response.status == 403 {
                throw MCPError(.unreachable, "the MCP server refused the credentials (HTTP \(response.status)); check MCP_AUTH_TOKEN or MCP_SERVER_URL")
            }
            throw MCPError(.unreachable, "the MCP server answered \(method) with HTTP \(response.status)")
        }
        return response
    }
}
