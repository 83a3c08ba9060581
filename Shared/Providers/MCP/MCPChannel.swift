import Core

/// One way of carrying MCP's JSON-RPC messages to a server: Streamable HTTP or a stdio child.
/// Calls are made one at a time by `MCPClient` (an actor), so a channel need not order them.
package protocol MCPChannel: Sendable {
    /// Sends request `id` and returns the server's response to it, skipping the notifications
    /// and requests the server sends on the way.
    func request(_ message: JSONValue, id: Int, deadline: Deadline) async throws -> JSONValue
    /// Sends a notification (no answer expected beyond an acknowledgement).
    func notify(_ message: JSONValue, deadline: Deadline) async throws
    /// The session is set up at `protocolVersion` (Streamable HTTP then sends it on every request).
    func established(protocolVersion: String)
    /// Forgets the session (after the server expired it) so the next `initialize` starts a new one.
    func reset()
    /// Ends the session (HTTP: DELETE it; stdio: stop the child). Never throws.
    func close(deadline: Deadline) async
}
