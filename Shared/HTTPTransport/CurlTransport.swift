import CCurlShim
import Core
#if canImport(Glibc)
import Glibc
#endif

/// The real transport: libcurl (loaded on first use), TLS verification on, connect and total
/// timeouts bounded by the deadline, a response size cap, gzip/deflate accepted, and the
/// standard proxy variables (`https_proxy`, `http_proxy`, `no_proxy`) honoured by libcurl itself.
/// Each transfer runs on its own thread so a slow upstream never blocks the cooperative pool.
package struct CurlTransport: Transport {
    package var connectTimeout: Duration
    package var maxResponseBytes: Int
    package var caBundlePath: String?
    package var userAgent: String

    package init(connectTimeout: Duration = .seconds(10), maxResponseBytes: Int = 20 << 20,
                 caBundlePath: String? = nil, userAgent: String = "function-bundle/1 (libcurl)") {
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.caBundlePath = caBundlePath
        self.userAgent = userAgent
    }

    /// Reads `UPSTREAM_CONNECT_TIMEOUT_S`, `UPSTREAM_MAX_RESPONSE_BYTES` and `CURL_CA_BUNDLE`/`SSL_CERT_FILE`.
    package init(config: Config) throws {
        self.init(connectTimeout: .milliseconds(Int64(try config.double("UPSTREAM_CONNECT_TIMEOUT_S", default: 10, in: 0.1...300) * 1000)),
                  maxResponseBytes: try config.int("UPSTREAM_MAX_RESPONSE_BYTES", default: 20 << 20, in: 1024...(1 << 31)),
                  caBundlePath: config["CURL_CA_BUNDLE"] ?? config["SSL_CERT_FILE"])
    }

    /// Starts loading libcurl on a thread of its own, so a caller about to make its first request
    /// (a streaming chat turn waits on an LLM) does not pay the load after its other work. Safe to
    /// call more than once and from any thread; a failed start leaves loading to the first request.
    package static func preload() {
        _ = bundle_curl_preload()
    }

    package func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        let host = request.host
        let budget = try Self.budget(for: request, deadline: deadline)
        let settings = self
        return try await OwnThread.run {
            try settings.perform(request, budget: budget, host: host)
        }
    }

    /// The request's timeout, cut short by the deadline; a timeout error when nothing is left.
    static func budget(for request: HTTPRequest, deadline: Deadline) throws -> Duration {
        let budget = min(request.timeout, deadline.remaining)
        guard budget > .milliseconds(1) else {
            throw TransportError(.timeout, host: request.host, "no time left before the deadline")
        }
        return budget
    }

    private func perform(_ request: HTTPRequest, budget: Duration, host: String) throws -> HTTPResponse {
        let transfer = try CurlTransfer(request, budget: budget, settings: self)
        // Its own allocation: libcurl keeps the pointer for the whole transfer.
        let body = UnsafeMutablePointer<bundle_curl_buffer>.allocate(capacity: 1)
        body.initialize(to: bundle_curl_buffer(bytes: nil, length: 0, capacity: 0, limit: maxResponseBytes, overflowed: 0))
        defer {
            bundle_curl_buffer_free(body)
            body.deallocate()
        }
        transfer.set(bundle_curl_capture(transfer.handle, body, transfer.headerBuffer))
        let result = try transfer.perform()
        if result != CURLE_OK {
            throw Self.error(result, overflowed: body.pointee.overflowed != 0, host: host, limit: maxResponseBytes)
        }
        let bodyBytes = body.pointee.bytes.map { Array(UnsafeBufferPointer(start: $0, count: body.pointee.length)) } ?? []
        return HTTPResponse(status: transfer.status, headers: transfer.responseHeaders, body: bodyBytes)
    }

    /// Header lines of the last response in the block (earlier ones are 1xx or redirects).
    static func parseHeaders(_ text: String) -> [String: String] {
        var headers: [String: String] = [:]
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.trimmingWhitespace()
            if line.hasPrefix("HTTP/") { headers = [:]; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        return headers
    }

    static func error(_ code: CURLcode, overflowed: Bool, host: String, limit: Int) -> TransportError {
        let message = String(cString: bundle_curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError(.timeout, host: host, message)
        case CURLE_FILESIZE_EXCEEDED:
            return TransportError(.tooLarge, host: host, "limit \(limit) bytes")
        case CURLE_WRITE_ERROR where overflowed:
            return TransportError(.tooLarge, host: host, "limit \(limit) bytes")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE:
            return TransportError(.tls, host: host, message)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return TransportError(.invalid, host: host, message)
        default:
            return TransportError(.connection, host: host, message)
        }
    }
}
