import Core
import Foundation

/// An HTTP/1.1 client that reads a response as it arrives (Server-Sent Events), so a test can
/// act between two events: read until some text has come, do something, read on, or hang up.
package final class StreamingHTTPClient {
    private let descriptor: Int32
    /// Everything received so far (head and body, chunked framing included).
    package private(set) var received: [UInt8] = []

    package init(port: Int, method: String, path: String, headers: [String: String], body: [UInt8], timeout: Int = 60) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BundleError(.internal, "socket() failed") }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(descriptor); throw BundleError(.unavailable, "cannot connect to 127.0.0.1:\(port)") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var offset = 0
        while offset < request.count {
            let written = request[offset...].withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { break }
            offset += written
        }
    }

    deinit { hangUp() }

    private var closed = false

    /// Closes the connection (a client that goes away mid-stream).
    package func hangUp() {
        guard !closed else { return }
        closed = true
        close(descriptor)
    }

    /// Reads until `text` has arrived (true) or the stream ended or timed out (false).
    @discardableResult
    package func read(until text: String) -> Bool {
        let wanted = Array(text.utf8)
        while !contains(wanted) {
            guard readMore() else { return contains(wanted) }
        }
        return true
    }

    /// Reads to the end of the response.
    package func readToEnd() {
        while readMore() {}
    }

    /// The body's text, chunked framing removed (nginx streams without a Content-Length).
    package var bodyText: String {
        guard let end = received.indices.first(where: { received[$0...].starts(with: [13, 10, 13, 10]) }) else { return "" }
        let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
        let body = Array(received[(end + 4)...])
        guard head.contains("transfer-encoding: chunked") else { return String(decoding: body, as: UTF8.self) }
        var output: [UInt8] = []
        var index = 0
        while index < body.count, let lineEnd = body[index...].firstIndex(of: 10) {
            let sizeText = String(decoding: body[index..<lineEnd], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = lineEnd + 1
            output += body[start..<min(body.count, start + size)]
            index = start + size + 2
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The response head's text.
    package var headText: String {
        guard let end = received.indices.first(where: { received[$0...].starts(with: [13, 10, 13, 10]) }) else { return "" }
        return String(decoding: received[..<end], as: UTF8.self)
    }

    /// The events of the body, in order: (name, data).
    package var events: [(event: String, data: JSONValue?)] {
        bodyText.components(separatedBy: "\n\n").compactMap { block in
            var name: String?
            var data: JSONValue?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = try? JSONValue(parsing: String(line.dropFirst(6))) }
            }
            return name.map { ($0, data) }
        }
    }

    private func contains(_ wanted: [UInt8]) -> Bool {
        guard wanted.count <= received.count else { return false }
        return (0...(received.count - wanted.count)).contains { received[$0...].starts(with: wanted) }
    }

    private func readMore() -> Bool {
        guard !closed else { return false }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        received += chunk[0..<count]
        return true
    }
}
