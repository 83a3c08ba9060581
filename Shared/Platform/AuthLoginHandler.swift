import Core
import FoundationEssentials
import Providers
import Runtime

/// `GET /api/auth/login` (public): starts signing in with OpenID Connect. It makes a fresh
/// `state` (256 bits), `nonce` and PKCE verifier, keeps them (the state hashed) for 10 minutes,
/// sets the short `bundle_login_state` cookie that binds the login to this browser, and sends
/// the browser to the provider's authorization endpoint (302). `?format=json`, an
/// `Accept: application/json` request or a piped call answers `{"authorization_url": …}` instead.
package struct AuthLoginHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var returnTo: String?
        var format: String?
        var loginHint: String?

        enum CodingKeys: String, CodingKey {
            case format
            case returnTo = "return_to"
            case loginHint = "login_hint"
        }
    }

    package static let manifest = FunctionManifest(
        name: "auth-login",
        summary: "Starts signing in with OpenID Connect: redirects (302) to the provider with state, nonce and PKCE; ?format=json answers the URL instead.",
        routes: [Route("GET", "/api/auth/login")],
        input: Schema.object([
            // Query parameters carry no maxLength here: a request breaking one could only be a URI
            // longer than nginx takes (414); the handler bounds them (422 naming the field).
            "return_to": Schema.string("Where to land after signing in: a path on this site or a URL on FRONTEND_URL's origin (at most 2,048 bytes)"),
            "format": Schema.string("json answers {authorization_url} instead of redirecting", enum: ["json", "redirect"]),
            "login_hint": Schema.string("Passed to the provider: the account to suggest (at most 320 bytes)"),
        ], required: []),
        output: Schema.object([
            "authorization_url": Schema.string("The provider's authorization URL for this login"),
            "_http": Schema.object([:], required: [], additionalProperties: true, "302 with Location and the login-state cookie; stripped over HTTP"),
        ], required: ["authorization_url"]),
        timeoutSeconds: 20,
        isPublic: true,
        redirects: true
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        let settings = try OIDCSettings(config: context.config)
        let returnTo = try OIDCReturnTo.checked(input.returnTo, frontendURL: context.config["FRONTEND_URL"])
        let client = OIDCClient(settings: settings, transport: try context.transport())
        let metadata = try await client.discover(deadline: context.deadline)

        let state = OIDCRandom.token()
        let verifier = PKCE.newVerifier()
        let pending = OIDCLoginStates.Pending(nonce: OIDCRandom.token(), codeVerifier: verifier, returnTo: returnTo)
        try OIDCLoginStates(database: try context.database()).start(state: state, pending: pending, now: context.clock.now())
        let hint = input.loginHint?.trimmingWhitespace()
        if let hint, hint.utf8.count > 320 { throw BundleError.validation(field: "login_hint", "must be at most 320 bytes") }
        let url = client.authorizationURL(metadata, .init(state: state, nonce: pending.nonce, codeChallenge: PKCE.challenge(for: verifier),
                                                          loginHint: hint?.isEmpty == false ? hint : nil))
        context.logger.info("auth.login_started", ["issuer_host": .string(OIDCURL.host(settings.issuer) ?? ""), "return_to": .bool(returnTo != nil)])

        var headers: [String: JSONValue] = [
            "Set-Cookie": .string(OIDCCookies.setLoginState(state, secure: OIDCCookies.isSecure(http: context.http))),
            "Cache-Control": "no-store",
        ]
        if Self.wantsJSON(input, http: context.http) {
            return ["authorization_url": .string(url), "_http": ["headers": .object(headers)]]
        }
        headers["Location"] = .string(url)
        return ["authorization_url": .string(url), "_http": ["status": 302, "headers": .object(headers)]]
    }

    /// JSON when asked (`format=json`, `Accept: application/json`) or when there is no browser
    /// to redirect (a piped call).
    static func wantsJSON(_ input: Input, http: JSONValue?) -> Bool {
        if input.format == "json" { return true }
        if input.format == "redirect" { return false }
        guard let http else { return true }
        return http["headers"]?["accept"]?.stringValue?.lowercased().contains("application/json") ?? false
    }
}
