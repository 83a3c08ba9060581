import Core
import FoundationEssentials
import HTTPTransport

/// The wire side of signing in with OpenID Connect (authorization code flow with PKCE):
/// discovery, the authorization URL, and the code exchange at the token endpoint. The rules
/// about what a sign-in may do (state, cookies, users, sessions) live with the handlers.
///
/// Messages never carry the code, the tokens or the client secret; the provider's OAuth error
/// code (`invalid_grant`, …) is quoted, cut short, since it says what to fix.
package struct OIDCClient: Sendable {
    package let settings: OIDCSettings
    let transport: any Transport

    package init(settings: OIDCSettings, transport: any Transport) {
        self.settings = settings
        self.transport = transport
    }

    /// What the authorization endpoint is sent besides the client's settings.
    package struct AuthorizationRequest: Sendable {
        package var state: String
        package var nonce: String
        package var codeChallenge: String
        package var loginHint: String?

        package init(state: String, nonce: String, codeChallenge: String, loginHint: String? = nil) {
            self.state = state
            self.nonce = nonce
            self.codeChallenge = codeChallenge
            self.loginHint = loginHint
        }
    }

    /// Fetches and checks the discovery document. A login is rare, so it is fetched for each
    /// login and each callback rather than cached: a provider's rotated endpoints apply at once.
    package func discover(deadline: Deadline) async throws -> OIDCProviderMetadata {
        let request = HTTPRequest(url: settings.discoveryURL, headers: [("Accept", "application/json")], timeout: .seconds(10))
        let response = try await transport.send(request, deadline: deadline)
        guard response.isSuccess else {
            throw BundleError(.upstreamFailed, "the sign-in provider's discovery document answered HTTP \(response.status) at \(request.host)")
        }
        return try OIDCProviderMetadata.parse(response.body, expectedIssuer: settings.issuer)
    }

    /// The URL the browser is sent to (section 3.1.2.1: `response_type=code`, PKCE S256).
    package func authorizationURL(_ metadata: OIDCProviderMetadata, _ request: AuthorizationRequest) -> String {
        var parameters: [(String, String)] = [
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", settings.redirectURI),
            ("scope", settings.scopes), ("state", request.state), ("nonce", request.nonce),
            ("code_challenge", request.codeChallenge), ("code_challenge_method", PKCE.method),
        ]
        if let hint = request.loginHint { parameters.append(("login_hint", hint)) }
        return OIDCURL.adding(parameters, to: metadata.authorizationEndpoint)
    }

    /// Token answers are small; an ID token is a few kilobytes.
    static let maxTokenResponseBytes = 64 * 1024

    /// Exchanges the code (section 3.1.3.1) and answers the ID token's text. A refused code
    /// (`invalid_grant`: used, expired, or a verifier that does not match) is `unauthorized`;
    /// refused client credentials are `misconfigured` naming the variable; a 5xx or an
    /// answer without an ID token is `upstream_failed`.
    package func exchange(code: String, codeVerifier: String, metadata: OIDCProviderMetadata, deadline: Deadline) async throws -> String {
        var form: [(String, String)] = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI), ("code_verifier", codeVerifier),
        ]
        var headers: [(name: String, value: String)] = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        switch try metadata.clientAuthentication {
        case .basic:
            // RFC 6749 section 2.3.1: the id and secret are form-encoded before Basic encoding.
            let credentials = "\(URLEncoding.component(settings.clientID)):\(URLEncoding.component(settings.clientSecret))"
            headers.append(("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString()))
        case .post:
            form += [("client_id", settings.clientID), ("client_secret", settings.clientSecret)]
        }
        let request = HTTPRequest(method: "POST", url: metadata.tokenEndpoint, headers: headers,
                                  body: Array(FormEncoding.encode(form).utf8), timeout: .seconds(15))
        let response = try await transport.send(request, deadline: deadline)
        guard response.body.count <= Self.maxTokenResponseBytes else {
            throw BundleError(.upstreamFailed, "the sign-in provider's token endpoint sent an answer larger than \(Self.maxTokenResponseBytes) bytes")
        }
        guard response.isSuccess else { throw Self.failure(response, host: request.host) }
        guard let idToken = response.json?["id_token"]?.stringValue, !idToken.isEmpty else {
            throw BundleError(.upstreamFailed, "the sign-in provider's token endpoint answered without an id_token (is openid among OIDC_SCOPES?)")
        }
        return idToken
    }

    /// What a refused token request means (RFC 6749 section 5.2).
    static func failure(_ response: HTTPResponse, host: String) -> BundleError {
        let code = String((response.json?["error"]?.stringValue ?? "").prefix(60).filter { $0.isLetter || $0 == "_" })
        switch (response.status, code) {
        case (_, "invalid_grant"):
            return BundleError(.unauthorized, "the sign-in provider refused the code (invalid_grant: used, expired or not issued for this login); sign in again")
        case (_, "invalid_client"), (401, _):
            return BundleError.misconfigured(variable: "OIDC_CLIENT_SECRET", "was refused by the sign-in provider's token endpoint (invalid_client); check OIDC_CLIENT_ID and OIDC_CLIENT_SECRET")
        case (_, "unauthorized_client"):
            return BundleError.misconfigured(variable: "OIDC_CLIENT_ID", "may not use the authorization code flow at the sign-in provider (unauthorized_client)")
        case (500...599, _):
            return BundleError(.upstreamFailed, "the sign-in provider's token endpoint at \(host) failed with HTTP \(response.status)")
        default:
            return BundleError(.upstreamFailed, "the sign-in provider's token endpoint at \(host) refused the exchange with HTTP \(response.status)\(code.isEmpty ? "" : " (\(code))")")
        }
    }
}
