import CCurlShim

/// One libcurl transfer, configured for a request, with what it owns: the easy handle, the
/// request-header list, the buffer the response headers are collected in and, for a streamed
/// transfer, the write target libcurl calls into. `send` and `stream`
/// differ only in where the body goes, so the setup (timeouts, TLS, method, body, header checks)
/// lives here once. Used on the one thread that performs it; freed when dropped.
final class CurlTransfer {
    let handle: UnsafeMutableRawPointer
    let host: String
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// Response header lines, capped at 1 MiB; filled by the C header callback, so it lives at a
    /// fixed address of its own (libcurl keeps the pointer until the handle is cleaned up).
    let headerBuffer: UnsafeMutablePointer<bundle_curl_buffer>
    private var problems: [CURLcode] = []
    /// Where a streamed body goes (`streamBody`): libcurl keeps this pointer as WRITEDATA until
    /// the handle is cleaned up, so it is freed after that, in `deinit`.
    private var streamTarget: UnsafeMutablePointer<bundle_curl_stream_target>?

    init(_ request: HTTPRequest, budget: Duration, settings: CurlTransport) throws {
        host = request.host
        if let problem = bundle_curl_load() {
            throw TransportError(.invalid, host: host, String(cString: problem))
        }
        guard let handle = bundle_curl_easy_init() else {
            throw TransportError(.invalid, host: host, "libcurl could not create a transfer")
        }
        self.handle = handle
        headerBuffer = .allocate(capacity: 1)
        headerBuffer.initialize(to: bundle_curl_buffer(bytes: nil, length: 0, capacity: 0, limit: 1 << 20, overflowed: 0))
        try configure(request, budget: budget, settings: settings)
    }

    deinit {
        bundle_curl_easy_cleanup(handle)
        bundle_curl_slist_free_all(headerList)
        bundle_curl_buffer_free(headerBuffer)
        headerBuffer.deallocate()
        if let streamTarget {
            streamTarget.deinitialize(count: 1)
            streamTarget.deallocate()
        }
    }

    /// Sends the body to `sink` with `context` (a 2xx body piece by piece) instead of buffering
    /// it. The target is this transfer's, alive as long as the handle that points to it.
    func streamBody(to sink: bundle_curl_sink, context: UnsafeMutableRawPointer) {
        let target = streamTarget ?? .allocate(capacity: 1)
        if streamTarget != nil { target.deinitialize(count: 1) }
        target.initialize(to: bundle_curl_stream_target(sink: sink, context: context))
        streamTarget = target
        set(bundle_curl_stream(handle, target, headerBuffer))
    }

    private func configure(_ request: HTTPRequest, budget: Duration, settings: CurlTransport) throws {
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

        set(bundle_curl_setopt_string(handle, CURLOPT_URL, request.url))
        set(bundle_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(bundle_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(bundle_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
        set(bundle_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
        set(bundle_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(settings.connectTimeout, budget).milliseconds)))
        set(bundle_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(max(budget.milliseconds, 1))))
        set(bundle_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(settings.maxResponseBytes)))
        set(bundle_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""))
        set(bundle_curl_setopt_string(handle, CURLOPT_USERAGENT, settings.userAgent))
        set(bundle_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList))
        if let caBundlePath = settings.caBundlePath { set(bundle_curl_setopt_string(handle, CURLOPT_CAINFO, caBundlePath)) }
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
    }

    /// Records a failed option; `perform` reports the first that matters.
    func set(_ code: CURLcode) { if code != CURLE_OK { problems.append(code) } }

    /// Runs the transfer to its end; libcurl's result code, or a thrown `.invalid` when an option
    /// could not be set. An unknown option only means an older libcurl (PROTOCOLS_STR came in
    /// 7.85); any other failure leaves the transfer misconfigured.
    func perform() throws -> CURLcode {
        if let problem = problems.first(where: { $0 != CURLE_UNKNOWN_OPTION }) {
            throw TransportError(.invalid, host: host, String(cString: bundle_curl_easy_strerror(problem)))
        }
        return bundle_curl_easy_perform(handle)
    }

    /// The status of the last response (0 before one arrived); valid inside the write callback too.
    var status: Int {
        var status = 0
        _ = bundle_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    var responseHeaders: [String: String] {
        let buffer = headerBuffer.pointee
        let text = buffer.bytes.map { String(decoding: UnsafeBufferPointer(start: $0, count: buffer.length), as: UTF8.self) } ?? ""
        return CurlTransport.parseHeaders(text)
    }
}
