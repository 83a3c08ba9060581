/// The sign-in's login-state cookie (`bundle_login_state`), which the gateway hands to functions
/// as `_http.login_state`: the `Cookie` header stays withheld from them (it carries the session
/// token), yet the OpenID Connect callback must compare this one cookie with the `state` the
/// provider sent back, to know that the browser finishing the login is the one that started it.
package enum OIDCLoginCookie {
    package static let name = "bundle_login_state"
    package static let envelopeField = "login_state"
    /// States are 43 characters; a longer value is not ours.
    package static let maxValueBytes = 200

    /// The cookie's value in a `Cookie` header, nil when absent, empty or too long.
    package static func value(inCookieHeader header: String?) -> String? {
        guard let value = AuthCookies.value(named: name, in: header), !value.isEmpty, value.utf8.count <= maxValueBytes else { return nil }
        return value
    }
}
