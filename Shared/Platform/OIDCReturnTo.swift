import Core
import Providers

/// Where a person lands after signing in. `return_to` is kept only when it cannot send them to
/// another site (an open redirect would let a phishing link borrow the bundle's sign-in page): a
/// path on this site (`/x`, never `//host` or `/\host`, which browsers read as another host), or
/// an absolute URL on `FRONTEND_URL`'s origin.
enum OIDCReturnTo {
    static let maxBytes = 2_048

    /// The accepted target, nil when none was asked for; anything else is `validation_failed`
    /// naming `return_to`.
    static func checked(_ value: String?, frontendURL: String?) throws -> String? {
        guard let value = value?.trimmingWhitespace(), !value.isEmpty else { return nil }
        guard value.utf8.count <= maxBytes, value.utf8.allSatisfy({ $0 > 32 && $0 != 127 }) else {
            throw refused("must be a path or a URL on FRONTEND_URL's origin, without spaces or control characters")
        }
        if isLocalPath(value) { return value }
        if let origin = OIDCURL.origin(value), let frontend = frontendURL.flatMap(OIDCURL.origin), origin == frontend { return value }
        throw refused("must be a path on this site (/...) or a URL on FRONTEND_URL's origin")
    }

    /// Where to go after signing in: the login's `return_to`, else `FRONTEND_URL`, else `/`.
    static func destination(_ returnTo: String?, config: Config) -> String {
        returnTo ?? config["FRONTEND_URL"] ?? "/"
    }

    static func isLocalPath(_ value: String) -> Bool {
        let bytes = Array(value.utf8.prefix(2))
        guard bytes.first == UInt8(ascii: "/") else { return false }
        return bytes.count == 1 || (bytes[1] != UInt8(ascii: "/") && bytes[1] != UInt8(ascii: "\\"))
    }

    private static func refused(_ problem: String) -> BundleError {
        BundleError.validation([ErrorDetail(field: "return_to", problem: problem)])
    }
}
