import Core

/// One HTTP request as the gateway sees it, whatever carried it (CGI today; a FaaS event could
/// build one too). Header names are lower-cased; `path` is percent-decoded.
package struct GatewayRequest: Sendable {
    package var method: String
    package var path: String
    /// The raw query string, without `?`.
    package var query: String
    package var headers: [String: String]
    package var body: [UInt8]
    package var remoteAddress: String?
    /// The request as the client sent it (`/jobs?status=dead`), for `_http.url`.
    package var requestURI: String
    package var scheme: String

    package init(method: String, path: String, query: String = "", headers: [String: String] = [:], body: [UInt8] = [],
                 remoteAddress: String? = nil, requestURI: String? = nil, scheme: String = "http") {
        self.method = method.uppercased()
        self.path = path.isEmpty ? "/" : path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestURI = requestURI ?? (query.isEmpty ? path : "\(path)?\(query)")
        self.scheme = scheme
    }

    package func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The media type without parameters, lower-cased (`application/json`).
    package var mediaType: String? {
        guard let value = header("content-type") else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        return type.isEmpty ? nil : type
    }

    /// The caller's request id (`X-Request-Id`) when it is safe to reuse.
    package var requestID: String? { RequestID.sanitized(header("x-request-id")) }
}

/// Reads a request from the CGI environment (RFC 3875) and standard input.
package enum CGIRequest {
    /// Whether this process was started as a CGI program.
    package static func isCGI(_ environment: [String: String]) -> Bool {
        environment["GATEWAY_INTERFACE"].map { !$0.isEmpty } ?? false
    }

    /// The request line and headers; the body is read separately, after its size is checked.
    package static func head(_ environment: [String: String]) -> GatewayRequest {
        var headers: [String: String] = [:]
        for (name, value) in environment where name.hasPrefix("HTTP_") {
            headers[name.dropFirst(5).lowercased().replacingUnderscores()] = value
        }
        // CONTENT_TYPE and CONTENT_LENGTH are the server's word on the body (RFC 3875 4.1.2/4.1.3).
        if let type = environment["CONTENT_TYPE"], !type.isEmpty { headers["content-type"] = type }
        if let length = environment["CONTENT_LENGTH"], !length.isEmpty { headers["content-length"] = length }
        let requestURI = environment["REQUEST_URI"].flatMap { $0.isEmpty ? nil : $0 }
        let query = environment["QUERY_STRING"] ?? requestURI.flatMap { uri in uri.firstIndex(of: "?").map { String(uri[uri.index(after: $0)...]) } } ?? ""
        let path: String
        if let info = environment["PATH_INFO"], !info.isEmpty {
            path = info  // already decoded by the server
        } else if let requestURI {
            let raw = requestURI.prefix { $0 != "?" && $0 != "#" }
            path = PercentEncoding.decode(String(raw)) ?? String(raw)
        } else {
            path = environment["SCRIPT_NAME"] ?? "/"
        }
        let scheme = environment["REQUEST_SCHEME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HTTPS"] == "on" ? "https" : "http")
        return GatewayRequest(method: environment["REQUEST_METHOD"] ?? "GET", path: path, query: query, headers: headers,
                           remoteAddress: environment["REMOTE_ADDR"], requestURI: requestURI, scheme: scheme)
    }

    /// The declared body length; nil when none was declared, and a `payload_too_large` or
    /// `invalid_request` error when it is over `limit` or not a number.
    package static func contentLength(_ request: GatewayRequest, limit: Int) throws -> Int {
        guard let text = request.header("content-length")?.trimmingWhitespace(), !text.isEmpty else { return 0 }
        guard let length = Int(text), length >= 0 else {
            throw BundleError(.invalidRequest, "Content-Length must be a whole number of bytes, got \"\(text.prefix(20))\"")
        }
        if length > limit {
            throw BundleError(.payloadTooLarge, "the request body is \(length) bytes; at most \(limit) are accepted (MAX_BODY_BYTES)")
        }
        return length
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
