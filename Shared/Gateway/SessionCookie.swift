import Core
import FoundationEssentials

/// The `Set-Cookie` text for the session cookie, in one place for every function that sets or
/// clears it (the OpenID Connect callback, logout): `HttpOnly` (no script reads it), `Path=/`
/// (every route), `SameSite=Lax` (not sent on cross-site POSTs; the gateway's origin check covers
/// the rest), `Max-Age`, and `Secure` unless the request came to a loopback host, where local
/// development runs over plain HTTP and a `Secure` cookie would never come back.
package enum SessionCookie {
    static let attributes = "Path=/; HttpOnly; SameSite=Lax"

    /// Sets the session cookie to `token` until `expiresAt`. Pass the context clock's `now`
    /// (`context.clock.now()`) so `Max-Age` agrees with the stored expiry under `BUNDLE_NOW`.
    package static func set(token: String, expiresAt: Date, secure: Bool, now: Date = Date()) -> String {
        let seconds = max(0, Int(expiresAt.timeIntervalSince(now).rounded(.down)))
        return "\(Sessions.cookieName)=\(cookieSafe(token)); Max-Age=\(seconds); \(attributes)\(secure ? "; Secure" : "")"
    }

    /// Removes the session cookie from the browser: an empty value that expires at once, with the
    /// same attributes (a browser only replaces a cookie with the same name, path and domain).
    package static func clear(secure: Bool) -> String {
        "\(Sessions.cookieName)=; Max-Age=0; \(attributes)\(secure ? "; Secure" : "")"
    }

    /// Whether a cookie set in answer to this request should be `Secure`: yes unless the request's
    /// public URL (`_http.url`, which `PUBLIC_BASE_URL` decides when set) or else its `Host` is a
    /// loopback name. No request at all (piped) counts as loopback.
    package static func isSecure(http: JSONValue?) -> Bool {
        guard let http else { return false }
        if let url = http["url"]?.stringValue, let host = OriginPolicy.origin(of: url)?.host {
            return !isLoopback(host: host)
        }
        guard let host = http["headers"]?["host"]?.stringValue else { return false }
        return !isLoopback(host: hostName(host))
    }

    /// `127.0.0.1`, `::1` and `localhost` (any letter case, with or without IPv6 brackets).
    package static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.hasSuffix(".") { name.removeLast() }
        return name == "localhost" || name == "127.0.0.1" || name == "::1"
    }

    /// The host of a `Host` header value, without its port (`[::1]:8080` is `[::1]`).
    static func hostName(_ header: String) -> String {
        let value = header.trimmingWhitespace()
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") { return String(value[...close]) }
        return String(value.prefix { $0 != ":" })
    }

    /// Tokens are hex digits; anything else is dropped rather than written into a header.
    private static func cookieSafe(_ token: String) -> String {
        String(decoding: token.utf8.filter { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }, as: UTF8.self)
    }
}
