import Core
import FoundationEssentials
import Store

/// Who is calling, from an API key (`X-API-Key` or `Authorization: Bearer`) or the session cookie
/// (`Cookie: session_token=…`); when both come, the key decides. A route that is not public needs
/// one of them, the scope its method asks for (`AuthScope.required`), and, for a cookie and a
/// method that changes something, a request from an allowed origin (`OriginPolicy`). A public
/// route still learns who called when a valid key or cookie came along; anything that does not
/// verify leaves it anonymous, and its own check decides. Key failures are `unauthorized` with one
/// message whatever was wrong, so a caller learns nothing about which keys exist.
package enum Authenticator {
    /// `origins` is only evaluated for a cookie and a method that changes something, so a
    /// misconfigured `FRONTEND_URL` refuses those requests and nothing else.
    package static func principal(for request: GatewayRequest, manifest: FunctionManifest, now: Date = Date(),
                                  origins: @autoclosure () throws -> OriginPolicy = OriginPolicy(allowing: []),
                                  database: () throws -> any Database) throws -> Principal? {
        let key = presentedKey(request)
        let token = presentedSessionToken(request)
        if manifest.isPublic {
            if let key {
                return (try? APIKeys(database: try database()).verify(key)).map(Principal.init(key:))
            }
            guard let token, let found = try? Sessions(database: try database()).find(token: token, now: now),
                  (try? origins().permits(request)) == true else { return nil }
            return Principal(session: found)
        }
        let principal: Principal
        if let key {
            guard let found = try APIKeys(database: try database()).verify(key) else {
                throw BundleError(.unauthorized, "the API key is not valid (unknown or revoked)")
            }
            principal = Principal(key: found)
        } else if let token {
            guard let found = try Sessions(database: try database()).find(token: token, now: now) else {
                throw BundleError(.unauthorized, "the session has ended or is not valid: sign in again (GET /api/auth/login) or send an API key")
            }
            guard try origins().permits(request) else {
                throw BundleError(.forbidden, "cross-site request refused: a signed-in request that changes something must come from the bundle's own origin (Origin or Referer matching FRONTEND_URL or PUBLIC_BASE_URL)")
            }
            principal = Principal(session: found)
        } else {
            throw BundleError(.unauthorized, "this route needs an API key (X-API-Key or Authorization: Bearer) or a signed-in session (GET /api/auth/login)")
        }
        let needed = AuthScope.required(method: request.method, manifest: manifest)
        guard principal.allows(needed) else {
            let holder = principal.kind == .session ? "a signed-in session (never admin; use an API key with the admin scope)"
                : "this API key (scopes: \(principal.scopes.map(\.rawValue).joined(separator: " ")))"
            throw BundleError(.forbidden, "\(request.method) \(request.path) needs the \(needed.rawValue) scope, which \(holder) does not have",
                              details: [ErrorDetail(field: "scope", problem: "needs \(needed.rawValue)")])
        }
        return principal
    }

    static func presentedKey(_ request: GatewayRequest) -> String? {
        if let key = request.header("x-api-key")?.trimmingWhitespace(), !key.isEmpty { return key }
        if let authorization = request.header("authorization")?.trimmingWhitespace() {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return parts[1].trimmingWhitespace() }
        }
        return nil
    }

    static func presentedSessionToken(_ request: GatewayRequest) -> String? {
        guard let token = AuthCookies.value(named: Sessions.cookieName, in: request.header("cookie")), !token.isEmpty else { return nil }
        return token
    }

    /// Extra headers on a 401, per RFC 6750.
    package static let challenge: [(name: String, value: String)] = [("WWW-Authenticate", "Bearer realm=\"function-bundle\"")]
}
