import Core

/// The OpenID Connect client's settings: `OIDC_ISSUER` (default Google's), `OIDC_CLIENT_ID`,
/// `OIDC_CLIENT_SECRET`, `OIDC_REDIRECT_URI` and `OIDC_SCOPES`. The original system's
/// `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET` and `GOOGLE_REDIRECT_URI` are read when the OIDC
/// names are unset, so its deployments sign in unchanged.
package struct OIDCSettings: Sendable, Equatable {
    package static let defaultIssuer = "https://accounts.google.com"
    package static let defaultScopes = "openid email profile"

    package var issuer: String
    package var clientID: String
    package var clientSecret: String
    package var redirectURI: String
    package var scopes: String

    package init(issuer: String = OIDCSettings.defaultIssuer, clientID: String, clientSecret: String, redirectURI: String,
                 scopes: String = OIDCSettings.defaultScopes) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.scopes = scopes
    }

    /// The settings from the configuration; a missing client id, secret or redirect URI is
    /// `misconfigured` naming the variable, as is an issuer or redirect URI that is not an
    /// http(s) URL or scopes without `openid`.
    package init(config: Config) throws {
        let issuer = config.string("OIDC_ISSUER", default: Self.defaultIssuer).trimmingWhitespace()
        guard OIDCURL.isTLSOrLoopback(issuer) else {
            throw BundleError.misconfigured(variable: "OIDC_ISSUER",
                                            "must be an https URL (http only on loopback), the issuer of the sign-in provider")
        }
        let clientID = try Self.require(config, "OIDC_CLIENT_ID", fallback: "GOOGLE_CLIENT_ID", for: "signing in with OpenID Connect")
        let clientSecret = try Self.require(config, "OIDC_CLIENT_SECRET", fallback: "GOOGLE_CLIENT_SECRET",
                                            for: "exchanging sign-in codes at the provider's token endpoint")
        let redirectURI = try Self.require(config, "OIDC_REDIRECT_URI", fallback: "GOOGLE_REDIRECT_URI",
                                           for: "the address the sign-in provider sends people back to (…/api/auth/callback)")
        guard OIDCURL.isHTTP(redirectURI) else {
            throw BundleError.misconfigured(variable: "OIDC_REDIRECT_URI", "must be an absolute http(s) URL ending in /api/auth/callback")
        }
        let scopes = config.string("OIDC_SCOPES", default: Self.defaultScopes).split(separator: " ").joined(separator: " ")
        guard scopes.split(separator: " ").contains("openid") else {
            throw BundleError.misconfigured(variable: "OIDC_SCOPES", "must contain openid (default \"\(Self.defaultScopes)\")")
        }
        self.init(issuer: issuer, clientID: clientID, clientSecret: clientSecret, redirectURI: redirectURI, scopes: scopes)
    }

    /// Whether sign-in is configured at all (the status endpoint reports it without failing).
    package static func isConfigured(_ config: Config) -> Bool {
        (config["OIDC_CLIENT_ID"] ?? config["GOOGLE_CLIENT_ID"]) != nil
    }

    /// `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0, section 4).
    package var discoveryURL: String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/.well-known/openid-configuration"
    }

    private static func require(_ config: Config, _ name: String, fallback: String, for purpose: String) throws -> String {
        if let value = config[name] ?? config[fallback] { return value.trimmingWhitespace() }
        throw BundleError.misconfigured(variable: name, "is not set (nor the original system's \(fallback)); it is needed for \(purpose)")
    }
}

/// Small URL checks the client needs, on bytes (no Foundation URL parsing).
package enum OIDCURL {
    /// An absolute http or https URL with a host and no whitespace or control characters.
    package static func isHTTP(_ text: String) -> Bool {
        guard text.utf8.count <= 2_048, text.utf8.allSatisfy({ $0 > 32 && $0 != 127 }) else { return false }
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") { rest = lower.dropFirst(8) } else if lower.hasPrefix("http://") { rest = lower.dropFirst(7) } else { return false }
        return !(rest.first.map { $0 == "/" || $0 == "?" || $0 == "#" } ?? true)
    }

    /// An https URL, or http to a loopback host (a provider on this machine, as in tests). The
    /// ID token's signature is not checked: it is trusted because it came straight from the token
    /// endpoint over TLS (OpenID Connect Core 3.1.3.7), so the issuer and its endpoints must be TLS.
    package static func isTLSOrLoopback(_ text: String) -> Bool {
        guard let origin = origin(text) else { return false }
        if origin.hasPrefix("https://") { return true }
        var host = Substring(origin.dropFirst("http://".count))
        if host.hasPrefix("[") {
            host = host.prefix { $0 != "]" }.dropFirst()
        } else {
            host = host.prefix { $0 != ":" }
        }
        return host == "127.0.0.1" || host == "localhost" || host == "::1"
    }

    /// `scheme://host[:port]`, lower-cased, or nil when the text is not an http(s) URL.
    package static func origin(_ text: String) -> String? {
        guard isHTTP(text) else { return nil }
        let lower = text.lowercased()
        guard let separator = lower.firstRange(of: "://") else { return nil }
        let authority = lower[separator.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return nil }
        var origin = String(lower[..<separator.upperBound]) + authority
        // The default port names the same origin as no port.
        if origin.hasPrefix("https://"), origin.hasSuffix(":443") { origin.removeLast(4) }
        if origin.hasPrefix("http://"), origin.hasSuffix(":80") { origin.removeLast(3) }
        return origin
    }

    /// The host, lower-cased, without port or IPv6 brackets (`127.0.0.1`, `::1`), nil when the
    /// text is not an http(s) URL.
    package static func host(_ text: String) -> String? {
        guard let origin = origin(text), let separator = origin.firstRange(of: "://") else { return nil }
        var host = origin[separator.upperBound...]
        if host.hasPrefix("[") {
            host = host.dropFirst().prefix { $0 != "]" }
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return String(host)
    }

    /// The URL with the query parameters added (after `?`, or `&` when it has a query already).
    package static func adding(_ parameters: [(String, String)], to url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + FormEncoding.encode(parameters)
    }
}
