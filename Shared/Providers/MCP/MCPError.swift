import Core

/// Why an MCP exchange failed. A tool that ran and reported failure (`isError: true`) and a
/// server that refused the request at the JSON-RPC level are different kinds, so callers can
/// tell "the tool said no" from "the server is broken". Equal when the kinds are equal, so
/// tests and callers can match on the kind alone.
package struct MCPError: BundleErrorConvertible, CustomStringConvertible, Equatable {
    package static func == (lhs: MCPError, rhs: MCPError) -> Bool { lhs.kind == rhs.kind }

    package enum Kind: Sendable, Equatable {
        /// The tool ran and answered `isError: true`.
        case toolFailed
        /// A JSON-RPC `error` response (the code is in `rpcCode`).
        case protocolError
        /// The server could not be reached, or answered with a non-MCP HTTP status.
        case unreachable
        /// The budget ran out (a hanging server, a slow network).
        case timeout
        /// The answer was not the JSON-RPC the protocol promises, or broke a size bound.
        case malformed
        /// The server speaks a protocol version this client does not.
        case unsupportedVersion
        /// The server does not list the tool asked for.
        case toolMissing
        /// The server forgot the session (Streamable HTTP 404 with a session id): start a new one.
        case sessionExpired
    }

    package let kind: Kind
    package let message: String
    package let rpcCode: Int?

    package init(_ kind: Kind, _ message: String, rpcCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.rpcCode = rpcCode
    }

    package var description: String { message }

    package var bundleError: BundleError {
        switch kind {
        case .timeout: BundleError(.timeout, message)
        case .toolMissing: BundleError(.misconfigured, message)
        case .unreachable, .sessionExpired: BundleError(.unavailable, message)
        case .toolFailed, .protocolError, .malformed, .unsupportedVersion: BundleError(.upstreamFailed, message)
        }
    }
}
