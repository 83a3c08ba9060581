import Core

/// An outgoing HTTP request, as a value.
package struct HTTPRequest: Sendable {
    package var method: String
    package var url: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]
    /// Upper bound for this call; the invocation's deadline may cut it shorter.
    package var timeout: Duration
    package var followRedirects: Bool

    package init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [],
                 body: [UInt8] = [], timeout: Duration = .seconds(60), followRedirects: Bool = false) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.followRedirects = followRedirects
    }

    /// A JSON POST (or other method) with the body encoded by the bundle's JSON rules.
    package static func json(_ method: String = "POST", url: String, body: JSONValue,
                             headers: [(name: String, value: String)] = [], timeout: Duration = .seconds(60)) -> HTTPRequest {
        HTTPRequest(method: method, url: url,
                    headers: [("Content-Type", "application/json"), ("Accept", "application/json")] + headers,
                    body: Array(body.jsonText.utf8), timeout: timeout)
    }

    package func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The host and port, for logs and messages: never the credentials a URL may carry
    /// (`https://user:pass@host`) nor the query, which may carry keys.
    package var host: String {
        var rest = Substring(url)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return String(authority)
    }
}

/// A response: status, headers with lower-cased names, body bytes.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        self.body = body
    }

    package static func json(_ status: Int = 200, _ body: JSONValue, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["content-type": "application/json"].merging(headers) { $1 },
                     body: Array(body.jsonText.utf8))
    }

    package var isSuccess: Bool { (200..<300).contains(status) }
    package var text: String { String(decoding: body, as: UTF8.self) }

    package func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as JSON, or nil when it is not JSON.
    package var json: JSONValue? { try? JSONValue(parsing: body) }
}

/// Why a request got no HTTP response. Equal when the kinds are equal, so tests and callers
/// can match on the kind alone.
package struct TransportError: BundleErrorConvertible, CustomStringConvertible, Equatable {
    package static func == (lhs: TransportError, rhs: TransportError) -> Bool { lhs.kind == rhs.kind }

    package enum Kind: Sendable, Equatable {
        /// DNS, refused or reset connections, a response cut short: a retry may help.
        case connection
        /// The call's timeout or the invocation's deadline passed.
        case timeout
        /// The response was larger than the cap.
        case tooLarge
        /// TLS verification or handshake failed: a retry will not help.
        case tls
        /// The request itself is unusable (bad URL, unsupported scheme) or libcurl is missing.
        case invalid
        /// A test double was called with a request it did not expect.
        case unexpected
    }

    package let kind: Kind
    package let host: String
    package let message: String

    package init(_ kind: Kind, host: String, _ message: String) {
        self.kind = kind
        self.host = host
        self.message = message
    }

    package var isRetryable: Bool { kind == .connection || kind == .timeout }
    package var description: String { "\(host): \(message)" }

    package var bundleError: BundleError {
        switch kind {
        case .timeout: BundleError(.timeout, "\(host) did not answer in time")
        case .tooLarge: BundleError(.upstreamFailed, "\(host) sent a response larger than the size cap (\(message))")
        case .invalid: BundleError(.misconfigured, "cannot call \(host): \(message)")
        case .unexpected: BundleError(.internal, "unexpected upstream call: \(message)")
        case .connection, .tls: BundleError(.upstreamFailed, "cannot reach \(host): \(message)")
        }
    }
}

/// Sends one request. Implementations: `CurlTransport` (real), `RetryingTransport` (a policy
/// around another transport), `FakeTransport` (tests).
package protocol Transport: Sendable {
    func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse

    /// Sends the request and hands a successful (2xx) response's body over as it arrives:
    /// `onBytes` is called with each piece, in order, on the transfer's thread; returning false
    /// stops the transfer (the call then returns normally, the connection closed). The answer
    /// carries the status and headers, and the body only when the status is not 2xx (buffered,
    /// so callers can read the upstream's error document); `onBytes` is never called then.
    /// Failures after some pieces were handed over are thrown as they are: a stream that breaks
    /// is `.connection`, one that stalls past the timeout or deadline `.timeout`, one longer in
    /// all than the size cap `.tooLarge`; `RetryingTransport` retries only before the first piece.
    /// Wrappers pass it on; the default sends the request whole and hands the body over at once.
    func stream(_ request: HTTPRequest, deadline: Deadline,
                onBytes: @escaping @Sendable ([UInt8]) -> Bool) async throws -> HTTPResponse
}

extension Transport {
    package func stream(_ request: HTTPRequest, deadline: Deadline,
                        onBytes: @escaping @Sendable ([UInt8]) -> Bool) async throws -> HTTPResponse {
        var response = try await send(request, deadline: deadline)
        guard response.isSuccess else { return response }
        if !response.body.isEmpty { _ = onBytes(response.body) }
        response.body = []
        return response
    }
}
