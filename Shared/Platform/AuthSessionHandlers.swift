import Core
import FoundationEssentials
import Gateway
import Runtime
import Store

/// The caller as the gateway found it (`_http.auth`), shared by the sign-in handlers.
package struct AuthAnswer: Codable, Sendable {
    var kind: String
    /// The API key's name.
    var name: String?
    var user: SignedInUser?
    /// When the session ends.
    var expiresAt: String?
    var scopes: [AuthScope]

    enum CodingKeys: String, CodingKey {
        case kind, name, user, scopes
        case expiresAt = "expires_at"
    }

    static let schema = Schema.object([
        "kind": Schema.string("How the caller authenticated", enum: ["session", "api_key"]),
        "name": Schema.nullable(Schema.string("The API key's name (API keys)")),
        "user": Schema.nullable(SignedInUser.schema),
        "expires_at": Schema.nullable(Schema.string("When the session ends (sessions)", format: "date-time")),
        "scopes": Schema.array(Schema.string(enum: AuthScope.allCases.map(\.rawValue))),
    ])

    /// Nil when the caller is anonymous, or signed in as a user who no longer exists.
    init?(_ principal: Principal?, context: FunctionContext) throws {
        guard let principal else { return nil }
        kind = principal.kind.rawValue
        name = principal.keyName
        scopes = principal.scopes
        if principal.kind == .session {
            guard let userID = principal.userID, let user = try Users(database: try context.database()).user(id: userID) else { return nil }
            self.user = user
            expiresAt = principal.expiresAt
        }
    }
}

/// `GET /api/auth/me`: who is calling. A signed-in person gets their user and when the session
/// ends; an API key its name and scopes. Anonymous callers never get here over HTTP (the gateway
/// answers 401); piped without `_http.auth`, it is `unauthorized` too.
package struct AuthMeHandler: FunctionHandler {
    package struct Input: Codable, Sendable {}

    package static let manifest = FunctionManifest(
        name: "auth-me",
        summary: "The caller: the signed-in user and when their session ends, or the API key's name and scopes (401 when signed out).",
        routes: [Route("GET", "/api/auth/me")],
        input: Schema.object([:], required: []),
        output: AuthAnswer.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> AuthAnswer {
        guard let answer = try AuthAnswer(Principal(http: context.http), context: context) else {
            throw BundleError(.unauthorized, "not signed in: sign in at /api/auth/login or send an API key")
        }
        return answer
    }
}

/// `GET /api/auth/status` (public): whether the caller is signed in, and where to sign in; the
/// console asks it before anything else.
package struct AuthStatusHandler: FunctionHandler {
    package struct Input: Codable, Sendable {}

    package struct Output: Codable, Sendable {
        var authenticated: Bool
        var authKind: String?
        var user: SignedInUser?
        var loginURL: String
        var providers: [String]

        enum CodingKeys: String, CodingKey {
            case authenticated, user, providers
            case authKind = "auth_kind"
            case loginURL = "login_url"
        }
    }

    package static let manifest = FunctionManifest(
        name: "auth-status",
        summary: "Whether the caller is signed in (session or API key), the user when signed in, the login URL and the sign-in providers configured.",
        routes: [Route("GET", "/api/auth/status")],
        input: Schema.object([:], required: []),
        output: Schema.object([
            "authenticated": Schema.boolean(),
            "auth_kind": Schema.nullable(Schema.string(enum: ["session", "api_key"])),
            "user": Schema.nullable(SignedInUser.schema),
            "login_url": Schema.string("Where a browser starts signing in"),
            "providers": Schema.array(Schema.string(enum: ["oidc"]), "Sign-in providers configured (none: API keys only)"),
        ]),
        timeoutSeconds: 10,
        isPublic: true
    )

    static let loginURL = "/api/auth/login"

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let answer = try AuthAnswer(Principal(http: context.http), context: context)
        return Output(authenticated: answer != nil, authKind: answer?.kind, user: answer?.user, loginURL: Self.loginURL,
                      providers: Self.signInConfigured(context.config) ? ["oidc"] : [])
    }

    /// Sign-in needs a client id (`OIDC_CLIENT_ID`, or the original system's `GOOGLE_CLIENT_ID`).
    static func signInConfigured(_ config: Config) -> Bool {
        ["OIDC_CLIENT_ID", "GOOGLE_CLIENT_ID"].contains { !(config[$0]?.trimmingWhitespace().isEmpty ?? true) }
    }
}

/// `POST /api/auth/logout` (public, so a stale cookie can still be cleared): ends the session the
/// gateway found for the cookie and answers with the cookie cleared; 200 when signed out too.
package struct AuthLogoutHandler: FunctionHandler {
    package struct Input: Codable, Sendable {}

    package struct Output: Codable, Sendable {
        /// Whether a session was ended (false when there was none, or it had ended already).
        var loggedOut: Bool
        var http: JSONValue

        enum CodingKeys: String, CodingKey {
            case loggedOut = "logged_out"
            case http = "_http"
        }
    }

    package static let manifest = FunctionManifest(
        name: "auth-logout",
        summary: "Ends the caller's session and clears the session cookie (200 even when not signed in).",
        routes: [Route("POST", "/api/auth/logout")],
        input: Schema.object([:], required: []),
        output: Schema.object([
            "logged_out": Schema.boolean("Whether a session was ended"),
            "_http": Schema.object(["headers": Schema.map(Schema.string())], "The Set-Cookie that clears the cookie; stripped over HTTP"),
        ], required: ["logged_out"]),
        timeoutSeconds: 10,
        isPublic: true
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        var ended = false
        if let principal = Principal(http: context.http), principal.kind == .session, let sessionID = principal.sessionID {
            ended = try Sessions(database: try context.database()).delete(sessionID: sessionID)
            context.logger.info("auth.logout", ["session": .number(Double(sessionID)), "ended": .bool(ended)])
        }
        // A page on another site posting here (its Origin or Referer refused) may not sign the
        // person out of this browser: without a session found, the cookie is cleared only for a
        // caller of this site's own or one that sent neither header (a script, curl).
        guard ended || !Self.crossSite(context) else {
            return Output(loggedOut: false, http: ["headers": ["Cache-Control": "no-store"]])
        }
        let clear = SessionCookie.clear(secure: SessionCookie.isSecure(http: context.http))
        return Output(loggedOut: ended, http: ["headers": ["Set-Cookie": .string(clear), "Cache-Control": "no-store"]])
    }

    /// True when the request names an origin (Origin, else Referer) that the origin policy refuses.
    static func crossSite(_ context: FunctionContext) -> Bool {
        var headers: [String: String] = [:]
        for (name, value) in context.http?["headers"]?.objectValue ?? [:] {
            if let text = value.stringValue { headers[name.lowercased()] = text }
        }
        guard headers["origin"] != nil || headers["referer"] != nil else { return false }
        let scheme = context.http?["url"]?.stringValue?.lowercased().hasPrefix("https://") == true ? "https" : "http"
        let request = GatewayRequest(method: "POST", path: "/api/auth/logout", headers: headers, scheme: scheme)
        guard let policy = try? OriginPolicy(config: context.config) else { return true }
        return !policy.permits(request)
    }
}

/// `DELETE /api/auth/cleanup` (an API key with the `admin` scope): removes expired sessions and
/// logins in flight. Piped, or from cron, it needs no key.
package struct AuthCleanupHandler: FunctionHandler {
    package struct Input: Codable, Sendable {}

    package struct Output: Codable, Sendable {
        var deletedSessions: Int

        enum CodingKeys: String, CodingKey {
            case deletedSessions = "deleted_sessions"
        }
    }

    package static let manifest = FunctionManifest(
        name: "auth-cleanup",
        summary: "Deletes expired sessions and expired logins in flight (an admin API key only).",
        routes: [Route("DELETE", "/api/auth/cleanup")],
        input: Schema.object([:], required: []),
        output: Schema.object(["deleted_sessions": Schema.integer(minimum: 0)]),
        timeoutSeconds: 30,
        adminOnly: true
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let deleted = try Sessions(database: try context.database()).deleteExpired(now: context.clock.now())
        context.logger.info("auth.cleanup", ["deleted_sessions": .number(Double(deleted))])
        return Output(deletedSessions: deleted)
    }
}
