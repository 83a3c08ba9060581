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

    package func send(_ request: HTTPRequest, deadline: Deadline) async throws -> HTTPResponse {
        let host = request.host
        let budget = min(request.timeout, deadline.remaining)
        guard budget > .milliseconds(1) else {
            throw TransportError(.timeout, host: host, "no time left before the deadline")
        }
        let settings = self
        return try await OwnThread.run {
            try settings.perform(request, budget: budget, host: host)
        }
    }

    private func perform(_ request: HTTPRequest, budget: Duration, host: String) throws -> HTTPResponse {
        if let problem = bundle_curl_load() {
            throw TransportError(.invalid, host: host, String(cString: problem))
        }
        guard let handle = bundle_curl_easy_init() else {
            throw TransportError(.invalid, host: host, "libcurl could not create a transfer")
        }
        defer { bundle_curl_easy_cleanup(handle) }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { bundle_curl_slist_free_all(headerList) }
        for header in request.headers {
            // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
            // A line break would inject a header; say which header (never its value, which is
            // often a key read from a file with CRLF endings).
            if header.name.utf8.contains(where: { $0 == 13 || $0 == 10 }) || header.value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
                throw TransportError(.invalid, host: host, "the \(header.name.filter { !$0.isNewline }) header contains a line break")
            }
            headerList = bundle_curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        headerList = bundle_curl_slist_append(headerList, "Expect:")

        var body = bundle_curl_buffer(bytes: nil, length: 0, capacity: 0, limit: maxResponseBytes, overflowed: 0)
        var headers = bundle_curl_buffer(bytes: nil, length: 0, capacity: 0, limit: 1 << 20, overflowed: 0)
        defer {
            bundle_curl_buffer_free(&body)
            bundle_curl_buffer_free(&headers)
        }

        var problems: [CURLcode] = []
        func set(_ code: CURLcode) { if code != CURLE_OK { problems.append(code) } }
        set(bundle_curl_setopt_string(handle, CURLOPT_URL, request.url))
        set(bundle_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(bundle_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(bundle_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(bundle_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        set(bundle_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(connectTimeout, budget).milliseconds)))
        set(bundle_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(max(budget.milliseconds, 1))))
        set(bundle_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxResponseBytes)))
        set(bundle_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""))
        set(bundle_curl_setopt_string(handle, CURLOPT_USERAGENT, userAgent))
        set(bundle_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList))
        if let caBundlePath { set(bundle_curl_setopt_string(handle, CURLOPT_CAINFO, caBundlePath)) }
        if request.followRedirects {
            set(bundle_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1))
            set(bundle_curl_setopt_long(handle, CURLOPT_MAXREDIRS, 5))
        }
        let method = request.method.uppercased()
        switch method {
        case "GET" where request.body.isEmpty:
            set(bundle_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case "HEAD":
            set(bundle_curl_setopt_long(handle, CURLOPT_NOBODY, 1))
        default:
            if method != "POST" { set(bundle_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)) }
            if !request.body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH" {
                set(bundle_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                request.body.withUnsafeBytes { bytes in
                    // COPYPOSTFIELDS copies, so the buffer need not outlive this call.
                    set(bundle_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS,
                                                   UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)))
                }
            }
        }
        set(bundle_curl_capture(handle, &body, &headers))
        // An unknown option only means an older libcurl (PROTOCOLS_STR came in 7.85); any other
        // failure leaves the transfer misconfigured.
        if let problem = problems.first(where: { $0 != CURLE_UNKNOWN_OPTION }) {
            throw TransportError(.invalid, host: host, String(cString: bundle_curl_easy_strerror(problem)))
        }

        let result = bundle_curl_easy_perform(handle)
        if result != CURLE_OK {
            throw Self.error(result, overflowed: body.overflowed != 0, host: host, limit: maxResponseBytes)
        }
        var status = 0
        _ = bundle_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let headerText = headers.bytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: headers.length), as: UTF8.self) } ?? ""
        let bodyBytes = body.bytes.map { Array(UnsafeBufferPointer(start: $0, count: body.length)) } ?? []
        return HTTPResponse(status: status, headers: Self.parseHeaders(headerText), body: bodyBytes)
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

    private static func error(_ code: CURLcode, overflowed: Bool, host: String, limit: Int) -> TransportError {
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
