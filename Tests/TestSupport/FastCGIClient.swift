import Core
import Foundation

/// A FastCGI 1.0 client for the warm mode's tests (`bundle serve-fastcgi`), written from the
/// specification (fastcgi-archives.github.io, "FastCGI Specification", Open Market 1996), not from
/// the server's code, so the two cannot share a misreading. It sends exactly what it is told, in
/// any record sizes (a body as one-byte `FCGI_STDIN` records, parameters split mid-pair, raw
/// bytes), and reads records until the request's `FCGI_END_REQUEST`, parsing the CGI response on
/// `FCGI_STDOUT` (RFC 3875 6.3: `Status:` and headers, a blank line, the body).
package final class FastCGIClient {
    /// Record types (specification, section 8).
    package enum RecordType: UInt8, Sendable {
        case beginRequest = 1, abortRequest = 2, endRequest = 3, params = 4, stdin = 5, stdout = 6, stderr = 7, data = 8
        case getValues = 9, getValuesResult = 10, unknownType = 11
    }

    /// `FCGI_BEGIN_REQUEST` roles.
    package enum Role: UInt16, Sendable {
        case responder = 1, authorizer = 2, filter = 3
    }

    /// `FCGI_END_REQUEST` protocol statuses.
    package enum ProtocolStatus: UInt8, Sendable {
        case requestComplete = 0, cantMultiplexConnection = 1, overloaded = 2, unknownRole = 3
    }

    package struct Record: Sendable, CustomStringConvertible {
        package var type: UInt8
        package var requestID: UInt16
        package var content: [UInt8]

        package var kind: RecordType? { RecordType(rawValue: type) }
        package var description: String { "record(type \(type), id \(requestID), \(content.count) bytes)" }

        /// `FCGI_END_REQUEST`'s body: appStatus (4 bytes, big-endian) and protocolStatus.
        package var endRequest: (appStatus: UInt32, protocolStatus: UInt8)? {
            guard kind == .endRequest, content.count >= 8 else { return nil }
            let app = UInt32(content[0]) << 24 | UInt32(content[1]) << 16 | UInt32(content[2]) << 8 | UInt32(content[3])
            return (app, content[4])
        }
    }

    /// One request's answer: its streams, its end, and the CGI response on its stdout.
    package struct Response: Sendable {
        package var requestID: UInt16
        /// Whether its `FCGI_END_REQUEST` was read.
        package var ended = false
        package var stdout: [UInt8] = []
        package var stderr: [UInt8] = []
        package var appStatus: UInt32 = 0
        package var protocolStatus: UInt8 = 0
        /// Whether the stdout stream was closed with its empty record before the end.
        package var stdoutEnded = false
        /// Records of other request ids, and management records, read while waiting for this one.
        package var others: [Record] = []

        package init(requestID: UInt16) { self.requestID = requestID }

        /// The HTTP status (`Status:`; 200 when the response has none, as RFC 3875 6.3.3 says).
        package var status: Int { Int(headerLines["status"]?.split(separator: " ").first ?? "200") ?? 0 }
        package var headers: [String: String] { headerLines }
        package func header(_ name: String) -> String? { headerLines[name.lowercased()] }
        package var body: [UInt8] { split.body }
        package var text: String { String(decoding: body, as: UTF8.self) }
        package var json: JSONValue? { try? JSONValue(parsing: body) }
        package var errorCode: String? { json?["error"]?["code"]?.stringValue }

        private var headerLines: [String: String] {
            var headers: [String: String] = [:]
            for line in String(decoding: split.head, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return headers
        }

        /// The head and the body: the first blank line (CRLF CRLF, or LF LF) ends the head.
        private var split: (head: ArraySlice<UInt8>, body: [UInt8]) {
            let bytes = stdout
            var index = 0
            while index < bytes.count {
                if bytes[index...].starts(with: [13, 10, 13, 10]) { return (bytes[..<index], Array(bytes[(index + 4)...])) }
                if bytes[index...].starts(with: [10, 10]) { return (bytes[..<index], Array(bytes[(index + 2)...])) }
                index += 1
            }
            return (bytes[...], [])
        }
    }

    package let descriptor: Int32
    private var buffer: [UInt8] = []
    private var closed = false

    /// Connects to the Unix socket at `path`; reads give up after `timeout` seconds of silence.
    package init(socketPath path: String, timeout: Int = 90) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BundleError(.internal, "socket() failed") }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        guard Self.connect(descriptor, to: path) == 0 else {
            let error = errno
            Foundation.close(descriptor)
            throw BundleError(.unavailable, "cannot connect to \(path): errno \(error)")
        }
    }

    deinit { close() }

    package func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(descriptor)
    }

    /// connect(2) on a Unix socket path: 0, or -1 with errno set.
    package static func connect(_ descriptor: Int32, to path: String) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    // MARK: - Writing

    /// Sends bytes as they are (records, or anything else).
    package func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw BundleError(.unavailable, "the server stopped reading (errno \(errno)) after \(offset) of \(bytes.count) bytes") }
            offset += written
        }
    }

    /// One record: the 8-byte header (version 1, type, request id, content length, padding
    /// length, reserved), the content and `padding` zero bytes (by default up to a multiple of 8,
    /// as the specification recommends).
    package static func record(_ type: UInt8, requestID: UInt16, content: some Collection<UInt8>, padding: Int? = nil) -> [UInt8] {
        precondition(content.count <= 65_535, "a record holds at most 65,535 bytes")
        let pad = padding ?? (8 - content.count % 8) % 8
        var bytes: [UInt8] = [1, type, UInt8(requestID >> 8), UInt8(requestID & 0xff),
                              UInt8(content.count >> 8), UInt8(content.count & 0xff), UInt8(pad), 0]
        bytes += content
        bytes += [UInt8](repeating: 0, count: pad)
        return bytes
    }

    package static func record(_ type: RecordType, requestID: UInt16, content: some Collection<UInt8>, padding: Int? = nil) -> [UInt8] {
        record(type.rawValue, requestID: requestID, content: content, padding: padding)
    }

    /// `FCGI_BEGIN_REQUEST`: role (2 bytes), flags (`FCGI_KEEP_CONN` is bit 0), 5 reserved bytes.
    package static func beginRequest(id: UInt16, role: UInt16 = Role.responder.rawValue, keepConnection: Bool) -> [UInt8] {
        record(.beginRequest, requestID: id, content: [UInt8(role >> 8), UInt8(role & 0xff), keepConnection ? 1 : 0, 0, 0, 0, 0, 0])
    }

    /// A stream (`FCGI_PARAMS`, `FCGI_STDIN`) as records of at most `recordSize` bytes each, then
    /// the empty record that ends it.
    package static func stream(_ type: RecordType, id: UInt16, bytes: [UInt8], recordSize: Int = 65_535, end: Bool = true) -> [UInt8] {
        let size = max(1, min(recordSize, 65_535))
        var output: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let next = min(bytes.count, offset + size)
            output += record(type, requestID: id, content: bytes[offset..<next])
            offset = next
        }
        if end { output += record(type, requestID: id, content: []) }
        return output
    }

    /// Name-value pairs (section 3.4): a length under 128 in one byte, else in four with the high
    /// bit set; then the name and the value.
    package static func encodePairs(_ pairs: [(String, String)]) -> [UInt8] {
        var output: [UInt8] = []
        for (name, value) in pairs {
            let nameBytes = Array(name.utf8), valueBytes = Array(value.utf8)
            for length in [nameBytes.count, valueBytes.count] {
                if length < 128 {
                    output.append(UInt8(length))
                } else {
                    output += [UInt8((length >> 24) & 0x7f) | 0x80, UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
                }
            }
            output += nameBytes
            output += valueBytes
        }
        return output
    }

    /// The pairs of an `FCGI_GET_VALUES_RESULT` (nil when malformed).
    package static func decodePairs(_ bytes: [UInt8]) -> [String: String]? {
        var result: [String: String] = [:]
        var index = 0
        func length() -> Int? {
            guard index < bytes.count else { return nil }
            if bytes[index] & 0x80 == 0 {
                index += 1
                return Int(bytes[index - 1])
            }
            guard index + 4 <= bytes.count else { return nil }
            let value = Int(bytes[index] & 0x7f) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 4
            return value
        }
        while index < bytes.count {
            guard let nameLength = length(), let valueLength = length(), index + nameLength + valueLength <= bytes.count else { return nil }
            let name = String(decoding: bytes[index..<index + nameLength], as: UTF8.self)
            let value = String(decoding: bytes[index + nameLength..<index + nameLength + valueLength], as: UTF8.self)
            index += nameLength + valueLength
            result[name] = value
        }
        return result
    }

    /// A whole request as a web server sends it: `FCGI_BEGIN_REQUEST`, the parameters, the body.
    package static func requestBytes(id: UInt16 = 1, params: [(String, String)], body: [UInt8] = [], keepConnection: Bool = true,
                                     paramsRecordSize: Int = 65_535, stdinRecordSize: Int = 65_535) -> [UInt8] {
        beginRequest(id: id, keepConnection: keepConnection)
            + stream(.params, id: id, bytes: encodePairs(params), recordSize: paramsRecordSize)
            + stream(.stdin, id: id, bytes: body, recordSize: stdinRecordSize)
    }

    /// The CGI variables nginx's `fastcgi_params` sends for an HTTP request (plus `PATH_INFO`, as
    /// the bundle's sites set it), headers as `HTTP_*`.
    package static func httpParams(method: String, path: String, query: String = "", headers: [String: String] = [:],
                                   contentLength: Int? = nil, extra: [(String, String)] = []) -> [(String, String)] {
        var params: [(String, String)] = [
            ("GATEWAY_INTERFACE", "CGI/1.1"), ("SERVER_SOFTWARE", "nginx"), ("REQUEST_METHOD", method),
            ("QUERY_STRING", query), ("REQUEST_URI", query.isEmpty ? path : "\(path)?\(query)"), ("SCRIPT_NAME", path),
            ("DOCUMENT_URI", path), ("PATH_INFO", path), ("SERVER_PROTOCOL", "HTTP/1.1"), ("REQUEST_SCHEME", "http"),
            ("REMOTE_ADDR", "127.0.0.1"), ("REMOTE_PORT", "50000"), ("SERVER_ADDR", "127.0.0.1"), ("SERVER_PORT", "80"),
            ("SERVER_NAME", "localhost"), ("CONTENT_LENGTH", contentLength.map(String.init) ?? ""),
            ("CONTENT_TYPE", headers.first { $0.key.lowercased() == "content-type" }?.value ?? ""),
            ("HTTP_HOST", "localhost"),
        ]
        for (name, value) in headers where name.lowercased() != "content-type" {
            params.append(("HTTP_" + name.uppercased().replacingOccurrences(of: "-", with: "_"), value))
        }
        return params + extra
    }

    // MARK: - Reading

    /// The next record; nil when the server closed the connection between records.
    package func readRecord() throws -> Record? {
        guard try fill(8) else {
            if buffer.isEmpty { return nil }
            throw BundleError(.unavailable, "the connection ended inside a record header")
        }
        guard buffer[0] == 1 else { throw BundleError(.internal, "a record of FastCGI version \(buffer[0])") }
        let length = Int(buffer[4]) << 8 | Int(buffer[5])
        let total = 8 + length + Int(buffer[6])
        guard try fill(total) else { throw BundleError(.unavailable, "the connection ended inside a record") }
        let record = Record(type: buffer[1], requestID: UInt16(buffer[2]) << 8 | UInt16(buffer[3]), content: Array(buffer[8..<8 + length]))
        buffer.removeFirst(total)
        return record
    }

    /// Reads records until `FCGI_END_REQUEST` for request `id`; others are kept in `others`.
    package func readResponse(id: UInt16 = 1) throws -> Response {
        var response = Response(requestID: id)
        while !response.ended { try readNext(into: &response) }
        return response
    }

    /// Reads the request's records into `response` until its stdout holds `text` (true), or the
    /// request ended without it (false): a stream read event by event.
    package func read(into response: inout Response, until text: String) throws -> Bool {
        let wanted = Array(text.utf8)
        func holds() -> Bool {
            wanted.count <= response.stdout.count
                && (0...(response.stdout.count - wanted.count)).contains { response.stdout[$0...].starts(with: wanted) }
        }
        while !holds() {
            if response.ended { return false }
            try readNext(into: &response)
        }
        return true
    }

    private func readNext(into response: inout Response) throws {
        guard let record = try readRecord() else {
            throw BundleError(.unavailable, "the server closed the connection before request \(response.requestID) ended (stdout so far: \(String(decoding: response.stdout.prefix(300), as: UTF8.self)))")
        }
        guard record.requestID == response.requestID else {
            response.others.append(record)
            return
        }
        switch record.kind {
        case .stdout:
            if record.content.isEmpty { response.stdoutEnded = true } else { response.stdout += record.content }
        case .stderr:
            response.stderr += record.content
        case .endRequest:
            guard let end = record.endRequest else { throw BundleError(.internal, "a short FCGI_END_REQUEST") }
            response.appStatus = end.appStatus
            response.protocolStatus = end.protocolStatus
            response.ended = true
        default:
            response.others.append(record)
        }
    }

    /// Sends one request and reads its answer.
    package func request(_ params: [(String, String)], body: [UInt8] = [], id: UInt16 = 1, keepConnection: Bool = true,
                         paramsRecordSize: Int = 65_535, stdinRecordSize: Int = 65_535) throws -> Response {
        try write(Self.requestBytes(id: id, params: params, body: body, keepConnection: keepConnection,
                                    paramsRecordSize: paramsRecordSize, stdinRecordSize: stdinRecordSize))
        return try readResponse(id: id)
    }

    /// An HTTP request through this connection.
    package func http(_ method: String, _ path: String, query: String = "", headers: [String: String] = [:], body: [UInt8] = [],
                      extra: [(String, String)] = [], id: UInt16 = 1, keepConnection: Bool = true) throws -> Response {
        let params = Self.httpParams(method: method, path: path, query: query, headers: headers,
                                     contentLength: body.isEmpty && method == "GET" ? nil : body.count, extra: extra)
        return try request(params, body: body, id: id, keepConnection: keepConnection)
    }

    /// Whether the server closed the connection: the next read finds its end (true), or bytes
    /// arrive (false). Waits up to the connection's read timeout.
    package func serverClosed() throws -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        while true {
            let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK))
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == ECONNRESET { return true }
            if count < 0 { throw BundleError(.unavailable, "no answer and no close within the read timeout (errno \(errno))") }
            return count == 0
        }
    }

    /// Reads until `count` bytes are buffered; false at the end of the stream.
    private func fill(_ count: Int) throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while buffer.count < count {
            let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received < 0 && errno == EINTR { continue }
            if received == 0 || (received < 0 && errno == ECONNRESET) { return false }
            guard received > 0 else { throw BundleError(.unavailable, "no record within the read timeout (errno \(errno))") }
            buffer += chunk[0..<received]
        }
        return true
    }
}
