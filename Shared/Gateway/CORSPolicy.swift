import Core

/// Cross-origin access for browser clients, from `CORS_ORIGINS` (comma-separated origins such
/// as `https://app.example.com`, or `*`; none by default). A preflight `OPTIONS` for an allowed
/// origin is answered with the methods the route table has for that path, the request headers
/// the bundle reads and a max-age; every answer to an allowed origin carries
/// `Access-Control-Allow-Origin` (and `Vary: Origin`). Other origins get no CORS headers, so the
/// browser keeps its same-origin rule. `OPTIONS` never needs an API key: browsers send no
/// credentials with a preflight.
package struct CORSPolicy: Sendable {
    package static let allowedHeaders = "Content-Type, Authorization, X-API-Key, X-Request-Id"
    package static let exposedHeaders = "X-Request-Id, Location, Idempotent-Replayed"
    package static let maxAgeSeconds = 600

    let origins: Set<String>
    let anyOrigin: Bool

    /// `misconfigured` when an entry is not `*` or an `http(s)://host[:port]` origin.
    package init(config: Config) throws {
        var origins: Set<String> = []
        var anyOrigin = false
        for entry in (config["CORS_ORIGINS"] ?? "").split(separator: ",") {
            var origin = entry.trimmingWhitespace().lowercased()
            if origin.isEmpty { continue }
            if origin == "*" { anyOrigin = true; continue }
            if origin.hasSuffix("/") { origin.removeLast() }
            let rest = origin.hasPrefix("https://") ? origin.dropFirst(8) : origin.hasPrefix("http://") ? origin.dropFirst(7) : nil
            guard let rest, !rest.isEmpty, !rest.contains("/"), rest.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
                throw BundleError.misconfigured(variable: "CORS_ORIGINS", "must list origins like https://app.example.com (or *), got \"\(entry.prefix(60))\"")
            }
            origins.insert(origin)
        }
        self.origins = origins
        self.anyOrigin = anyOrigin
    }

    /// The request's `Origin` when it is allowed.
    package func allowedOrigin(of request: GatewayRequest) -> String? {
        guard let origin = request.header("origin"), !origin.isEmpty, GatewayResponse.isSafeHeaderValue(origin) else { return nil }
        return anyOrigin || origins.contains(origin.lowercased()) ? origin : nil
    }

    /// The headers every answer to this request carries (none for other origins).
    package func headers(for request: GatewayRequest) -> [(name: String, value: String)] {
        guard let origin = allowedOrigin(of: request) else { return [] }
        return [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), ("Access-Control-Expose-Headers", Self.exposedHeaders)]
    }

    /// The answer to `OPTIONS` on a path whose routes accept `methods`: 204 with `Allow`, plus the
    /// preflight headers when the origin is allowed.
    package func preflight(_ request: GatewayRequest, methods: [String], requestID: String) -> GatewayResponse {
        let allowed = (methods + ["OPTIONS"]).joined(separator: ", ")
        var headers: [(name: String, value: String)] = [("Allow", allowed), ("X-Request-Id", requestID)]
        if let origin = allowedOrigin(of: request) {
            headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"), ("Access-Control-Allow-Methods", allowed),
                        ("Access-Control-Allow-Headers", Self.allowedHeaders), ("Access-Control-Max-Age", String(Self.maxAgeSeconds))]
        }
        return GatewayResponse(status: 204, headers: headers)
    }
}

extension GatewayResponse {
    /// This response with `extra` headers added, except those it already has.
    package func adding(_ extra: [(name: String, value: String)]) -> GatewayResponse {
        var response = self
        for header in extra where response.header(header.name) == nil { response.headers.append(header) }
        return response
    }
}
