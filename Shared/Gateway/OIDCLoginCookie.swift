/// The sign-in's login-state cookie (`bundle_login_state`), which the gateway hands to functions
/// as `_http.login_state`: the `Cookie` header stays withheld from them (it carries the session
/// token), yet the OpenID Connect callback must compare this one cookie with the `state` the
/// provider sent back, to know that the browser finishing the login is the one that started it.
package enum OIDCLoginCookie {
    package static let name = "bundle_login_state"
    package static let envelopeField = "login_state"
    /// States are 43 characters; a longer value is not ours.
    package static let maxValueBytes = 200
    /// Browsers send at most a few kilobytes of cookies; the scan stops there.
    static let maxHeaderBytes = 8 * 1024

    /// The cookie's value in a `Cookie` header (`a=1; bundle_login_state=…`), nil when absent,
    /// empty or too long. One pass over at most `maxHeaderBytes` bytes.
    package static func value(inCookieHeader header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.utf8.prefix(maxHeaderBytes).split(separator: UInt8(ascii: ";")) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let key = pair[pair.startIndex..<equals].drop { $0 == 32 }.reversed().drop { $0 == 32 }
            guard key.elementsEqual(name.utf8.reversed()) else { continue }
            let value = pair[pair.index(after: equals)...].drop { $0 == 32 }.reversed().drop { $0 == 32 }.reversed()
            guard !value.isEmpty, value.count <= maxValueBytes,
                  value.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else { return nil }
            return String(decoding: value, as: UTF8.self)
        }
        return nil
    }
}
