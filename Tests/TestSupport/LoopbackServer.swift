import Core
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One request as the loopback server received it.
package struct RecordedRequest: Sendable {
    package var method: String
    /// Path and query string, as sent.
    package var path: String
    /// Header names lower-cased.
    package var headers: [String: String]
    package var body: [UInt8]

    package var text: String { String(decoding: body, as: UTF8.self) }
    package var json: JSONValue? { try? JSONValue(parsing: body) }
    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// What the loopback server answers, after an optional delay (for timeout tests). A scripted
/// `Content-Length` or `Transfer-Encoding` header replaces the computed length. A streamed
/// response (`streamed`) sends its pieces instead of `body`.
package struct ScriptedResponse: Sendable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]
    package var delay: Duration
    /// When set, the body goes out chunked, one chunk per piece, each flushed on its own.
    package var pieces: [StreamPiece]?
    /// A streamed body that ends without its last chunk: the connection just closes, as when an
    /// upstream dies mid-stream.
    package var cutShort = false

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], delay: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    package static func json(_ status: Int = 200, _ value: JSONValue, headers: [String: String] = [:]) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: ["Content-Type": "application/json"].merging(headers) { $1 },
                         body: Array(value.jsonText.utf8))
    }

    package static func text(_ status: Int, _ text: String, headers: [String: String] = [:]) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: ["Content-Type": "text/plain"].merging(headers) { $1 }, body: Array(text.utf8))
    }

    /// A body sent slowly, in `pieces` (`Transfer-Encoding: chunked`, Nagle off, each piece
    /// written after its own delay or gate): an LLM fake that sends its first token after 50 ms
    /// and the rest over 2 s, or a handshake test that opens a gate once it has the first piece.
    /// `cutShort` closes the connection instead of ending the body.
    package static func streamed(_ pieces: [StreamPiece], status: Int = 200, headers: [String: String] = [:],
                                 cutShort: Bool = false) -> ScriptedResponse {
        var response = ScriptedResponse(status: status, headers: headers)
        response.pieces = pieces
        response.cutShort = cutShort
        return response
    }
}

/// One piece of a streamed response: written (and flushed) after `delay`, and after `gate` is
/// open when it has one. An empty piece only waits.
package struct StreamPiece: Sendable {
    package var bytes: [UInt8]
    package var delay: Duration
    package var gate: LoopbackGate?

    package init(_ bytes: [UInt8], after delay: Duration = .zero, when gate: LoopbackGate? = nil) {
        self.bytes = bytes
        self.delay = delay
        self.gate = gate
    }

    package init(_ text: String, after delay: Duration = .zero, when gate: LoopbackGate? = nil) {
        self.init(Array(text.utf8), after: delay, when: gate)
    }
}

/// Holds a streamed response before a piece until the test opens it, so a test can prove what
/// arrived first without timing anything. Once open it stays open. A gate never opened lets go
/// after `timeout` and the server closes the connection there (the stream is cut), so a test
/// that fails cannot hang the run.
package final class LoopbackGate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    package let timeout: Duration

    package init(timeout: Duration = .seconds(30)) {
        self.timeout = timeout
    }

    package func open() { semaphore.signal() }

    /// Waits until the gate is open; false when it stayed shut for `timeout`.
    func pass() -> Bool {
        guard semaphore.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds))) == .success else { return false }
        semaphore.signal()  // keep it open for whoever waits next
        return true
    }
}

/// A small HTTP/1.1 server on 127.0.0.1 for tests: fakes of upstream APIs that speak their real
/// wire format, reached through real libcurl. Each connection is served on its own thread so a
/// delayed answer never holds up another request; every request is recorded.
package final class LoopbackServer: Sendable {
    package typealias Handler = @Sendable (RecordedRequest) -> ScriptedResponse

    package let port: Int
    private let listener: Int32
    private let journal = Journal()

    /// What the serving threads share; they never hold the server itself, so dropping the
    /// server closes the socket and ends them.
    private final class Journal: Sendable {
        let state = Mutex((requests: [RecordedRequest](), stopped: false))
    }

    package var baseURL: String { "http://127.0.0.1:\(port)" }
    package var requests: [RecordedRequest] { journal.state.withLock { $0.requests } }

    package init(handler: @escaping Handler) throws {
        signal(SIGPIPE, SIG_IGN)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw BundleError(.internal, "socket() failed") }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            close(descriptor)
            throw BundleError(.internal, "cannot listen on loopback")
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let journal = self.journal
        Self.detach { Self.acceptLoop(descriptor, journal: journal, handler: handler) }
    }

    /// Answers the i-th request with the i-th response; the last one repeats.
    package static func sequence(_ responses: [ScriptedResponse]) throws -> LoopbackServer {
        let counter = Mutex(0)
        return try LoopbackServer { _ in
            let index = counter.withLock { value in
                defer { value += 1 }
                return value
            }
            return responses[min(index, responses.count - 1)]
        }
    }

    package func stop() {
        let wasRunning = journal.state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        // Only wake the accept thread; it closes the socket itself, so the descriptor number
        // cannot be reused by a new server while the old thread still accepts on it.
        if wasRunning { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    deinit { stop() }

    private static func acceptLoop(_ listener: Int32, journal: Journal, handler: @escaping Handler) {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                close(listener)  // shut down by stop()
                return
            }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)  // child processes started by tests must not inherit it
            detach { serve(connection, journal: journal, handler: handler) }
        }
    }

    private static func serve(_ connection: Int32, journal: Journal, handler: Handler) {
        defer { close(connection) }
        guard let request = readRequest(connection) else { return }
        journal.state.withLock { $0.requests.append(request) }
        let response = handler(request)
        pause(response.delay)
        if let pieces = response.pieces {
            stream(pieces, of: response, to: connection)
            return
        }
        var head = "HTTP/1.1 \(response.status) \(reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        // A scripted length or transfer coding is sent as is, so tests can send a body that is
        // cut short or hand-chunked; otherwise the length is the body's.
        let names = Set(response.headers.keys.map { $0.lowercased() })
        if names.isDisjoint(with: ["content-length", "transfer-encoding"]) { head += "Content-Length: \(response.body.count)\r\n" }
        head += "Connection: close\r\n\r\n"
        sendAll(connection, Array(head.utf8) + response.body)
    }

    /// Head, then one flushed chunk per piece, then the last chunk unless the response is cut
    /// short. Stops at the first failed write (the client went away) or a gate left shut.
    private static func stream(_ pieces: [StreamPiece], of response: ScriptedResponse, to connection: Int32) {
        var noDelay: Int32 = 1
        setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var head = "HTTP/1.1 \(response.status) \(reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        guard sendAll(connection, Array(head.utf8)) else { return }
        for piece in pieces {
            pause(piece.delay)
            if let gate = piece.gate, !gate.pass() { return }
            guard !piece.bytes.isEmpty else { continue }
            let chunk = Array(String(piece.bytes.count, radix: 16).utf8) + [13, 10] + piece.bytes + [13, 10]
            guard sendAll(connection, chunk) else { return }
        }
        if !response.cutShort { _ = sendAll(connection, Array("0\r\n\r\n".utf8)) }
    }

    private static func pause(_ duration: Duration) {
        guard duration > .zero else { return }
        let milliseconds = duration.milliseconds
        var wait = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        var left = timespec()
        while nanosleep(&wait, &left) != 0 && errno == EINTR { wait = left }
    }

    private static func readRequest(_ connection: Int32) -> RecordedRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        func receive() -> Bool {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        var headerEnd: Int?
        while headerEnd == nil {
            guard receive() else { return nil }
            headerEnd = find([13, 10, 13, 10], in: buffer)
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingWhitespace()
        }
        var body = Array(buffer[(headerEnd! + 4)...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while find([48, 13, 10, 13, 10], in: body) == nil {
                guard receive() else { break }
                body = Array(buffer[(headerEnd! + 4)...])
            }
            body = dechunk(body)
        } else {
            let length = Int(headers["content-length"] ?? "0") ?? 0
            while body.count < length {
                guard receive() else { break }
                body = Array(buffer[(headerEnd! + 4)...])
            }
            body = Array(body.prefix(length))
        }
        return RecordedRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while let lineEnd = find([13, 10], in: Array(bytes[index...])) {
            let sizeText = String(decoding: bytes[index..<(index + lineEnd)], as: UTF8.self).split(separator: ";").first ?? "0"
            guard let size = Int(sizeText.trimmingWhitespace(), radix: 16), size > 0 else { break }
            let start = index + lineEnd + 2
            guard start + size <= bytes.count else { break }
            result.append(contentsOf: bytes[start..<(start + size)])
            index = start + size + 2
            if index >= bytes.count { break }
        }
        return result
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }

    /// False when the client went away.
    @discardableResult
    private static func sendAll(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 529: "Overloaded"
        default: "Status"
        }
    }

    private static func detach(_ work: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable {
            let work: @Sendable () -> Void
            init(_ work: @escaping @Sendable () -> Void) { self.work = work }
        }
        let box = Unmanaged.passRetained(Box(work))
        var thread = pthread_t()
        if pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().work()
            return nil
        }, box.toOpaque()) == 0 {
            pthread_detach(thread)
        } else {
            box.release()
        }
    }
}
