import Core

/// What a provider's discovery document says that sign-in needs (OpenID Connect Discovery 1.0):
/// where to send the browser, where to exchange the code, and how the client authenticates there.
package struct OIDCProviderMetadata: Sendable, Equatable {
    package var issuer: String
    package var authorizationEndpoint: String
    package var tokenEndpoint: String
    /// `token_endpoint_auth_methods_supported`; empty when the document leaves it out, which
    /// means `client_secret_basic` (the specification's default).
    package var tokenEndpointAuthMethods: [String]

    package init(issuer: String, authorizationEndpoint: String, tokenEndpoint: String, tokenEndpointAuthMethods: [String] = []) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.tokenEndpointAuthMethods = tokenEndpointAuthMethods
    }

    /// Discovery documents are a few kilobytes; anything far larger is not one.
    static let maxDocumentBytes = 256 * 1024

    /// Reads a discovery document and checks its `issuer` equals the configured one exactly
    /// (section 4.3: otherwise a document could name another issuer's tokens as valid here).
    package static func parse(_ body: [UInt8], expectedIssuer: String) throws -> OIDCProviderMetadata {
        guard body.count <= maxDocumentBytes, case .object(let document)? = try? JSONValue(parsing: body) else {
            throw BundleError(.upstreamFailed, "the sign-in provider's discovery document is not a JSON object")
        }
        guard let issuer = document["issuer"]?.stringValue, issuer == expectedIssuer else {
            throw BundleError.misconfigured(variable: "OIDC_ISSUER",
                                            "does not match the issuer the provider's discovery document names; set it to that issuer exactly")
        }
        func endpoint(_ field: String) throws -> String {
            // The token endpoint's TLS is what vouches for the ID token (its signature is not
            // checked), so a plain-http endpoint is refused unless it is on this machine.
            guard let value = document[field]?.stringValue, OIDCURL.isTLSOrLoopback(value) else {
                throw BundleError(.upstreamFailed, "the sign-in provider's discovery document has no usable \(field) (an https URL)")
            }
            return value
        }
        var methods: [String] = []
        if case .array(let listed)? = document["token_endpoint_auth_methods_supported"] {
            methods = listed.prefix(50).compactMap(\.stringValue)
        }
        return OIDCProviderMetadata(issuer: issuer, authorizationEndpoint: try endpoint("authorization_endpoint"),
                                    tokenEndpoint: try endpoint("token_endpoint"), tokenEndpointAuthMethods: methods)
    }

    /// How the client authenticates at the token endpoint: HTTP Basic unless the provider lists
    /// only `client_secret_post` among the two (RFC 6749 section 2.3.1 prefers Basic).
    package var clientAuthentication: OIDCClientAuthentication {
        get throws {
            if tokenEndpointAuthMethods.isEmpty || tokenEndpointAuthMethods.contains("client_secret_basic") { return .basic }
            if tokenEndpointAuthMethods.contains("client_secret_post") { return .post }
            throw BundleError(.misconfigured, "the sign-in provider supports neither client_secret_basic nor client_secret_post at its token endpoint (it lists \(tokenEndpointAuthMethods.prefix(5).joined(separator: ", ")))")
        }
    }
}

/// The two ways a confidential client sends its secret to the token endpoint.
package enum OIDCClientAuthentication: String, Sendable, Equatable {
    case basic = "client_secret_basic"
    case post = "client_secret_post"
}
