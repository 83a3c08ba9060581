import Core
import Gateway

/// The cookies sign-in sets, and where it reads the request's host and login-state cookie from.
///
/// `bundle_login_state` binds a login to the browser that started it (login CSRF: without it, an
/// attacker could send someone a callback URL carrying the attacker's own code and sign them in
/// as the attacker). It lives 10 minutes, only under `/api/auth`.
enum OIDCCookies {
    static let loginStateName = "bundle_login_state"
    /// States are 43 characters; a longer value is not one of ours.
    static let maxLoginStateBytes = 200
    static let loginStatePath = "/api/auth"

    static func setLoginState(_ state: String, secure: Bool) -> String {
        "\(loginStateName)=\(state); Path=\(loginStatePath); Max-Age=\(Int(OIDCLoginStates.lifetimeSeconds)); HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    static func clearLoginState(secure: Bool) -> String {
        "\(loginStateName)=; Path=\(loginStatePath); Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// `Secure` unless the browser reached the bundle on loopback (the session cookie's rule).
    static func isSecure(http: JSONValue?) -> Bool {
        SessionCookie.isSecure(http: http)
    }

    /// The login-state cookie, from the request cookies the gateway passes in `_http.cookies`
    /// (every cookie but the session's); nil when absent, empty or too long.
    static func loginState(http: JSONValue?) -> String? {
        guard let value = http?["cookies"]?[loginStateName]?.stringValue, !value.isEmpty, value.utf8.count <= maxLoginStateBytes else { return nil }
        return value
    }
}
