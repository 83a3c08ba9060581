import Core
import FoundationEssentials
import Gateway

/// The cookies sign-in sets, and where it reads the request's host and login-state cookie from.
///
/// `bundle_login_state` binds a login to the browser that started it (login CSRF: without it, an
/// attacker could send someone a callback URL carrying the attacker's own code and sign them in
/// as the attacker). It lives 10 minutes, only under `/api/auth`.
enum OIDCCookies {
    static let loginStateName = OIDCLoginCookie.name
    static let loginStatePath = "/api/auth"

    static func setLoginState(_ state: String, secure: Bool) -> String {
        "\(loginStateName)=\(state); Path=\(loginStatePath); Max-Age=\(Int(OIDCLoginStates.lifetimeSeconds)); HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    static func clearLoginState(secure: Bool) -> String {
        "\(loginStateName)=; Path=\(loginStatePath); Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// The session cookie. NOTE for the lead: helper A's `SessionCookie.set(token:expiresAt:secure:)`
    /// (Shared/Gateway/SessionCookie.swift) is the one place for these attributes; this private
    /// copy, with the same attributes, stands in until that branch is merged, then calls it.
    static func setSession(token: String, expiresAt: Date, now: Date, secure: Bool) -> String {
        let maxAge = max(0, Int(expiresAt.timeIntervalSince(now).rounded()))
        return "\(Sessions.cookieName)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// `Secure` unless the browser reached the bundle on loopback (http://127.0.0.1 in
    /// development, where a Secure cookie would never be sent back). The host comes from the
    /// request's public URL (`PUBLIC_BASE_URL` when set); piped, there is none, so Secure.
    static func isSecure(http: JSONValue?) -> Bool {
        guard let url = http?["url"]?.stringValue, let host = OIDCURL.host(url) else { return true }
        return !(host == "localhost" || host == "::1" || host.hasPrefix("127."))
    }

    /// The login-state cookie the gateway passed in `_http.login_state` (the `Cookie` header
    /// itself is withheld from functions; see `OIDCLoginCookie`).
    static func loginState(http: JSONValue?) -> String? {
        guard let value = http?[OIDCLoginCookie.envelopeField]?.stringValue, !value.isEmpty, value.utf8.count <= OIDCLoginCookie.maxValueBytes else { return nil }
        return value
    }
}
