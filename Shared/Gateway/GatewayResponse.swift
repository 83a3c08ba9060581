import Core
import FoundationEssentials

/// One HTTP response, and the rules that turn a function's stdout into it: an `{"error": …}`
/// document (that key alone) takes its status from the error code, anything else the route's success status; a
/// reserved `_http` key in the output may set the status, content type, headers or a non-JSON
/// body (`body` as text, `body_base64` as bytes), and is stripped from JSON bodies. Output that is not a JSON document is a 500.
package struct GatewayResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    package static let jsonType = "application/json"

    /// The contract's error document as a response.
    package static func error(_ error: BundleError, requestID: String, extraHeaders: [(name: String, value: String)] = []) -> GatewayResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", jsonType), ("X-Request-Id", requestID)]
        headers += extraHeaders
        return GatewayResponse(status: error.code.httpStatus, headers: headers, body: Array((error.document.jsonText + "\n").utf8))
    }

    /// A function's stdout as a response. `encoded`: the output is a document the invocation
    /// core encoded (one JSON object, compact); one carrying neither `_http` nor `error` is then
    /// sent as it is, without a parse and a second encoding.
    package static func from(output: [UInt8], successStatus: Int, requestID: String, encoded: Bool = false) -> GatewayResponse {
        if encoded, output.first == UInt8(ascii: "{"), !contains(output, #""_http""#), !contains(output, #""error""#) {
            return GatewayResponse(status: successStatus, headers: [("Content-Type", jsonType), ("X-Request-Id", requestID)],
                                   body: output + [10])
        }
        guard case .object(var document)? = try? JSONValue(parsing: output) else {
            return error(BundleError(.internal, "the function's answer was not a JSON document; its log has the request id"),
                         requestID: requestID)
        }
        let overrides = document.removeValue(forKey: "_http")?.objectValue ?? [:]
        var status = successStatus
        // The contract's error document is `{"error": {code, message…}}` alone: an answer that
        // merely has an `error` field among others (a failed job as GET /jobs/{id} shows it) is a success.
        if document.count == 1, case .object(let failure)? = document["error"], let code = failure["code"]?.stringValue {
            status = ErrorCode(rawValue: code).httpStatus
        }
        if let requested = overrides["status"]?.intValue, (100...599).contains(requested) { status = requested }
        var headers: [(name: String, value: String)] = []
        var contentType = jsonType
        var body = Array((JSONValue.object(document).jsonText + "\n").utf8)
        if let text = overrides["body"]?.stringValue {
            body = Array(text.utf8)
            contentType = "text/plain; charset=utf-8"
        } else if let encoded = overrides["body_base64"]?.stringValue {
            // Binary bodies (served files): JSON strings carry text only.
            guard let bytes = Data(base64Encoded: encoded) else {
                return error(BundleError(.internal, "the function's binary answer was not base64; its log has the request id"), requestID: requestID)
            }
            body = Array(bytes)
            contentType = "application/octet-stream"
        }
        if let type = overrides["content_type"]?.stringValue, Self.isSafeHeaderValue(type) { contentType = type }
        headers.append(("Content-Type", contentType))
        if case .object(let extra)? = overrides["headers"] {
            for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
                guard Self.isSafeHeaderName(name), !Self.reservedHeaders.contains(name.lowercased()) else { continue }
                // An array is one header line per string: two `Set-Cookie`s (the session set, the
                // login state cleared) cannot share a line.
                let values = value.arrayValue.map { $0.prefix(Self.maxValuesPerHeader).compactMap(\.stringValue) } ?? value.stringValue.map { [$0] } ?? []
                for text in values where Self.isSafeHeaderValue(text) { headers.append((name, text)) }
            }
        }
        headers.append(("X-Request-Id", requestID))
        return GatewayResponse(status: status, headers: headers, body: body)
    }

    /// Whether `needle` occurs in `bytes` (a linear scan: a quote-delimited key is short).
    private static func contains(_ bytes: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, bytes.count >= pattern.count else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let last = buffer.count - pattern.count
            while index <= last {
                if buffer[index] == first {
                    var offset = 1
                    while offset < pattern.count && buffer[index + offset] == pattern[offset] { offset += 1 }
                    if offset == pattern.count { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// The response as a CGI program writes it: a `Status:` line (fcgiwrap ignores exit codes),
    /// the headers, a blank line and the body.
    package var cgiBytes: [UInt8] {
        var head = "Status: \(status) \(Self.reason(status))\r\n"
        for header in headers { head += "\(header.name): \(header.value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// Headers the gateway writes itself, whatever a function answers.
    static let reservedHeaders: Set<String> = ["content-type", "content-length", "status", "x-request-id"]
    /// Lines one header name may take from a function's answer.
    static let maxValuesPerHeader = 20

    static func isSafeHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }
    }

    static func isSafeHeaderValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 != 13 && $0 != 10 && $0 != 0 }
    }

    package static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}
