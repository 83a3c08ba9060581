import Core
import FoundationEssentials
import Gateway
import Providers
import Runtime

/// `GET /api/auth/callback` (public): where the provider sends the browser back. It checks the
/// `state` (known, unexpired, equal to this browser's `bundle_login_state` cookie, consumed once),
/// exchanges the code at the token endpoint with the PKCE verifier, checks the ID token
/// (`IDToken`: issuer, audience, expiry, nonce; its signature rests on the direct TLS channel to
/// the token endpoint, OpenID Connect Core 3.1.3.7), the email (present, not unverified, in
/// `ALLOWED_EMAIL_DOMAINS` when set), then creates or updates the user, starts a session and
/// redirects (302) to the login's `return_to` or `FRONTEND_URL` with the session cookie set and
/// the login-state cookie cleared. Every failure is the contract's JSON error.
package struct AuthCallbackHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var code: String?
        var state: String?
        var error: String?
        var errorDescription: String?
        var iss: String?

        enum CodingKeys: String, CodingKey {
            case code, state, error, iss
            case errorDescription = "error_description"
        }
    }

    package static let manifest = FunctionManifest(
        name: "auth-callback",
        summary: "Finishes signing in with OpenID Connect: checks state, exchanges the code, checks the ID token, starts a session (cookie) and redirects to FRONTEND_URL.",
        routes: [Route("GET", "/api/auth/callback")],
        input: Schema.object([
            // No maxLength on these query parameters: breaking one could only be a URI longer than
            // nginx takes (414); the handler bounds them (`limits`, 401 beyond).
            "code": Schema.string("The authorization code"),
            "state": Schema.string("The login's state"),
            "error": Schema.string("The provider's OAuth error code when the person refused or the request was wrong"),
            "error_description": Schema.string(),
            "iss": Schema.string("The issuer (RFC 9207), checked when sent"),
        // Providers add their own parameters (Google: scope, authuser, hd, prompt): accepted, unused.
        ], required: [], additionalProperties: true),
        output: Schema.object([
            "signed_in": Schema.boolean(),
            "user": SignedInUser.schema,
            "expires_at": Schema.string(format: "date-time"),
            "redirect_to": Schema.string(),
            "_http": Schema.object([:], required: [], additionalProperties: true, "302 with Location and the cookies; stripped over HTTP"),
        ], required: ["signed_in", "user", "expires_at", "redirect_to"]),
        timeoutSeconds: 30,
        isPublic: true,
        redirects: true
    )

    /// The longest each parameter may be: more than any provider sends.
    static let limits: [(name: String, bytes: Int)] = [("code", 4_096), ("state", 512), ("error", 200), ("error_description", 2_000), ("iss", 2_048)]

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> JSONValue {
        let now = context.clock.now()
        let values = [input.code, input.state, input.error, input.errorDescription, input.iss]
        for (limit, value) in zip(Self.limits, values) where (value?.utf8.count ?? 0) > limit.bytes {
            throw BundleError(.unauthorized, "the callback's \(limit.name) is longer than \(limit.bytes) bytes; sign in again")
        }
        let states = OIDCLoginStates(database: try context.database())
        if let error = input.error {
            // The login is over either way: its state is not left to be tried again.
            if let state = input.state { _ = try states.consume(state: state, now: now) }
            context.logger.info("auth.provider_refused", ["error": .string(Self.printable(error, limit: 60))])
            let description = input.errorDescription.map { ": " + Self.printable($0, limit: 200) } ?? ""
            throw BundleError(.unauthorized, "the sign-in provider refused the sign-in (\(Self.printable(error, limit: 60))\(description))")
        }
        guard let state = input.state, !state.isEmpty, let code = input.code, !code.isEmpty else {
            throw BundleError(.unauthorized, "the callback carries no code and state; sign in again from /api/auth/login")
        }
        // Over HTTP the browser must be the one that started this login (login CSRF); a piped
        // call has no browser and is trusted like any local caller.
        if context.http != nil {
            guard let cookie = OIDCCookies.loginState(http: context.http),
                  SHA256.constantTimeEquals(Array(cookie.utf8), Array(state.utf8)) else {
                throw BundleError(.unauthorized, "this sign-in was not started in this browser (the login-state cookie is missing or differs); sign in again")
            }
        }
        guard let pending = try states.consume(state: state, now: now) else {
            throw BundleError(.unauthorized, "the sign-in's state is unknown, already used or expired; sign in again")
        }

        let settings = try OIDCSettings(config: context.config)
        if let iss = input.iss, !IDToken.sameIssuer(iss, settings.issuer) {
            throw BundleError(.unauthorized, "the callback names another issuer than OIDC_ISSUER (iss); sign in again")
        }
        let client = OIDCClient(settings: settings, transport: try context.transport())
        let metadata = try await client.discover(deadline: context.deadline)
        let idToken = try await client.exchange(code: code, codeVerifier: pending.codeVerifier, metadata: metadata, deadline: context.deadline)
        let claims = try IDToken.claims(of: idToken)
        try IDToken.validate(claims, issuer: settings.issuer, clientID: settings.clientID, nonce: pending.nonce, now: now)
        let email = try OIDCEmailPolicy(config: context.config).accepted(claims)

        let database = try context.database()
        let user = try Users(database: database).upsert(issuer: settings.issuer, subject: claims.subject, email: email,
                                                         name: claims.name, pictureURL: claims.picture, now: now)
        let session = try Sessions(database: database).create(userID: user.id, now: now, lifetimeHours: try Self.sessionHours(context.config),
                                                               userAgent: context.http?["headers"]?["user-agent"]?.stringValue)
        let destination = OIDCReturnTo.destination(pending.returnTo, config: context.config)
        context.logger.info("auth.signed_in", ["user_id": .number(Double(user.id))])

        let secure = OIDCCookies.isSecure(http: context.http)
        let cookies: [JSONValue] = [.string(SessionCookie.set(token: session.token, expiresAt: session.expiresAt, secure: secure, now: now)),
                                    .string(OIDCCookies.clearLoginState(secure: secure))]
        return [
            "signed_in": true, "user": try JSONValueEncoder.encode(user), "expires_at": .string(Timestamp.format(session.expiresAt)),
            "redirect_to": .string(destination),
            "_http": ["status": 302, "headers": ["Location": .string(destination), "Set-Cookie": .array(cookies), "Cache-Control": "no-store"]],
        ]
    }

    /// `SESSION_EXPIRE_HOURS`: how long a sign-in lasts (default 24; 5 minutes to a year).
    static func sessionHours(_ config: Config) throws -> Double {
        try config.double("SESSION_EXPIRE_HOURS", default: Sessions.defaultLifetimeHours, in: (5.0 / 60)...8_760)
    }

    /// The provider's words, cut short and without control characters, for a message.
    static func printable(_ text: String, limit: Int) -> String {
        String(text.unicodeScalars.prefix(limit).filter { $0.value >= 32 && $0.value != 127 }.map(Character.init))
    }
}
