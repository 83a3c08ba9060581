import Core
import HTTPTransport
import Runtime

/// The configured MCP server and the means to open a session with it. `connect()` starts the
/// stdio child (when that is the provider), so call it only when a live exchange is needed.
package struct MCPConnector: Sendable {
    package let settings: MCPSettings
    private let transport: (any Transport)?

    package init(settings: MCPSettings, transport: (any Transport)?) {
        self.settings = settings
        self.transport = transport
    }

    /// A new client session (not yet initialised); offline has none.
    package func connect() throws -> MCPClient {
        switch settings.provider {
        case .offline:
            throw BundleError(.unavailable, "no MCP server is configured (MCP_PROVIDER is offline)")
        case .http:
            guard let transport, let url = settings.url else { throw BundleError(.misconfigured, "MCP_SERVER_URL is not set") }
            return MCPClient(channel: StreamableHTTPChannel(url: url, authHeaders: settings.authHeaders, transport: transport))
        case .stdio:
            return MCPClient(channel: try StdioChannel(command: settings.command, environment: settings.serverEnvironment))
        }
    }
}

extension FunctionContext {
    /// The MCP server `MCP_PROVIDER` / `MCP_SERVER_URL` / `MCP_SERVER_COMMAND` choose.
    package func mcp() throws -> MCPConnector {
        try service(MCPConnector.self) { context in
            let settings = try MCPSettings(config: context.config)
            return MCPConnector(settings: settings, transport: settings.provider == .http ? try context.transport() : nil)
        }
    }
}
