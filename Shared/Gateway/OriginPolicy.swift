import Core

/// The cross-site request check for cookie sign-ins: a browser sends the session cookie with any
/// request to the bundle, including a form another site submits, so a request authenticated by
/// cookie that can change something (any method but GET, HEAD, OPTIONS) must say it comes from
/// one of the bundle's own origins: its `Origin` header, or when absent its `Referer`'s origin,
/// must be the origin of `FRONTEND_URL`, of `PUBLIC_BASE_URL`, an entry of `CORS_ORIGINS` (not
/// `*`), or the request's own (`scheme://Host`, a page the bundle served). API keys are not
/// subject to it: a browser never adds them by itself.
package struct OriginPolicy: Sendable {
    /// `scheme://host[:port]`, lower-cased, the scheme's default port left out.
    package struct Origin: Sendable, Hashable, CustomStringConvertible {
        package var scheme: String
        package var host: String
        package var port: Int?

        package var description: String { "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")" }
    }

    let allowed: Set<Origin>

    package init(allowing origins: [String]) {
        allowed = Set(origins.compactMap(Self.origin(of:)))
    }

    /// From `FRONTEND_URL`, `PUBLIC_BASE_URL` and `CORS_ORIGINS`; `misconfigured` naming the
    /// variable when one is set but is not an http(s) URL.
    package init(config: Config) throws {
        var origins: Set<Origin> = []
        for variable in ["FRONTEND_URL", "PUBLIC_BASE_URL"] {
            guard let value = config[variable]?.trimmingWhitespace(), !value.isEmpty else { continue }
            guard let origin = Self.origin(of: value) else {
                throw BundleError.misconfigured(variable: variable, "must be an http(s) URL such as https://app.example.com")
            }
            origins.insert(origin)
        }
        for entry in try CORSPolicy(config: config).origins {
            if let origin = Self.origin(of: entry) { origins.insert(origin) }
        }
        allowed = origins
    }

    static let safeMethods: Set<String> = ["GET", "HEAD", "OPTIONS"]

    /// Whether a cookie-authenticated request may go on: a safe method, or an allowed origin.
    package func permits(_ request: GatewayRequest) -> Bool {
        if Self.safeMethods.contains(request.method) { return true }
        let claimed: Origin?
        if let origin = request.header("origin")?.trimmingWhitespace(), !origin.isEmpty {
            claimed = Self.origin(of: origin)  // `null` (a sandboxed or privacy-sensitive context) is none
        } else if let referer = request.header("referer")?.trimmingWhitespace(), !referer.isEmpty {
            claimed = Self.origin(of: referer)
        } else {
            claimed = nil
        }
        guard let claimed else { return false }
        return allowed.contains(claimed) || claimed == Self.ownOrigin(of: request)
    }

    /// The origin the request was sent to: its scheme and `Host` header.
    static func ownOrigin(of request: GatewayRequest) -> Origin? {
        guard let host = request.header("host")?.trimmingWhitespace(), !host.isEmpty else { return nil }
        return origin(of: "\(request.scheme)://\(host)")
    }

    /// The origin of an absolute http(s) URL; nil for anything else (relative, other schemes,
    /// `null`, over 2,048 bytes, a bad port). One pass over the text.
    package static func origin(of url: String) -> Origin? {
        guard url.utf8.count <= 2048 else { return nil }
        let lowered = url.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") { scheme = "https" } else if lowered.hasPrefix("http://") { scheme = "http" } else { return nil }
        let rest = lowered.dropFirst(scheme.count + 3)
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host = Substring(authority)
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "\\") }) else { return nil }
        var port: Int?
        if let portText, !portText.isEmpty {
            guard portText.count <= 5, portText.utf8.allSatisfy({ (48...57).contains($0) }), let number = Int(portText), number <= 65535 else { return nil }
            port = number
        }
        if port == (scheme == "https" ? 443 : 80) { port = nil }
        return Origin(scheme: scheme, host: String(host), port: port)
    }
}
