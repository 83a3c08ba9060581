import Core
import Foundation

/// One raw HTTP/1.1 exchange over loopback (the tests' client: it sends exactly what it is given,
/// so malformed or unusual requests can be tested too).
package struct HTTPReply: Sendable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]

    package var json: JSONValue? { try? JSONValue(parsing: body) }
    package var text: String { String(decoding: body, as: UTF8.self) }
    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

package enum HTTPClient {
    package static func send(port: Int, method: String, path: String, headers: [String: String] = [:], body: [UInt8] = [],
                             timeout: Double = 30) throws -> HTTPReply {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BundleError(.internal, "socket() failed") }
        defer { close(descriptor) }
        var time = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BundleError(.unavailable, "cannot connect to 127.0.0.1:\(port)") }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var offset = 0
        while offset < request.count {
            let written = request[offset...].withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { break }  // the server may answer (413) before reading everything
            offset += written
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            response += chunk[0..<count]
        }
        return try parse(response)
    }

    static func parse(_ bytes: [UInt8]) throws -> HTTPReply {
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: [13, 10, 13, 10]) }) else {
            throw BundleError(.internal, "no HTTP response: \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return HTTPReply(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstIndex(of: 13) else { break }
            let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd + 2
            output += bytes[start..<min(bytes.count, start + size)]
            index = start + size + 2
        }
        return output
    }
}

/// Real nginx + fcgiwrap over the built binaries, started through `infra/dev serve` (the same
/// script a developer uses) in a state directory of the test's own, and stopped when released.
/// With `BUNDLE_TEST_FASTCGI=1` either mode runs in warm mode instead (`serve --fastcgi`: the
/// FastCGI site and `bundle serve-fastcgi`), so the whole end-to-end suite covers warm mode too.
package final class NginxServer: @unchecked Sendable {
    package enum Mode: String, Sendable, CaseIterable, CustomStringConvertible {
        case dispatch, direct
        package var description: String { rawValue }
    }

    package let port: Int
    package let state: TemporaryDirectory
    package let mode: Mode
    /// The requests go to warm FastCGI workers rather than a CGI process each (see above).
    package let isFastCGI: Bool

    /// The database the site's functions use, named by its SQLite path (TestDatabase maps it to
    /// a PostgreSQL role and schema in the test run's PostgreSQL pass).
    package var databasePath: String { state.file("root/var/bundle.sqlite") }
    /// The `DATABASE_URL` the site's functions (and any process a test starts on its behalf) use.
    package let databaseURL: String

    package static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `scheduleTick`: run the scheduled functions (`work`, `send-outreach`, `poll-calendar`) as
    /// `infra/dev serve` does, checking the crontab every so many seconds; nil leaves them to the test.
    package init(mode: Mode, binaries: String = Binaries.directory, environment: [String: String] = [:],
                 scheduleTick: Double? = nil) throws {
        self.mode = mode
        isFastCGI = ProcessInfo.processInfo.environment["BUNDLE_TEST_FASTCGI"] == "1"
        state = try TemporaryDirectory()
        databaseURL = try TestDatabase.url(state.file("root/var/bundle.sqlite"))
        let probe = try LoopbackServer { _ in .text(200, "") }
        port = probe.port
        probe.stop()
        var arguments = [Self.repositoryRoot.appendingPathComponent("infra/dev").path, "serve", "--state", state.path,
                         "--port", String(port), "--bin", binaries]
        if isFastCGI { arguments.append("--fastcgi") } else if mode == .direct { arguments.append("--direct") }
        arguments += scheduleTick.map { ["--schedule-tick", String($0)] } ?? ["--no-schedule"]
        let result = try Binaries.run("/bin/bash", arguments: arguments,
                                      environment: ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                                    "LOG_LEVEL": "warning"]
                                        .merging(TestDatabase.dialect == .postgresql ? ["DATABASE_URL": databaseURL] : [:]) { $1 }
                                        .merging(environment) { $1 },
                                      workingDirectory: state.path)
        guard result.exitCode == 0 else { throw BundleError(.internal, "infra/dev serve failed: \(result.stderr)") }
    }

    deinit {
        _ = try? Binaries.run("/bin/bash", arguments: [Self.repositoryRoot.appendingPathComponent("infra/dev").path, "stop", "--state", state.path],
                              environment: ["PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                              workingDirectory: state.path)
    }

    package func send(_ method: String, _ path: String, headers: [String: String] = [:], body: String = "", timeout: Double = 30) throws -> HTTPReply {
        try HTTPClient.send(port: port, method: method, path: path, headers: headers, body: Array(body.utf8), timeout: timeout)
    }

    package func send(_ method: String, _ path: String, headers: [String: String] = [:], bytes: [UInt8], timeout: Double = 30) throws -> HTTPReply {
        try HTTPClient.send(port: port, method: method, path: path, headers: headers, body: bytes, timeout: timeout)
    }

    /// Creates an API key in the site's database with the local-only function; `scopes` nil gives
    /// the default (read and write), `["read", "write", "admin"]` reaches adminOnly routes too.
    package func createKey(_ name: String = "test", scopes: [String]? = nil) throws -> String {
        let listed = scopes.map { ", \"scopes\": [" + $0.map { "\"\($0)\"" }.joined(separator: ", ") + "]" } ?? ""
        let result = try Binaries.run("create-api-key", stdin: "{\"name\": \"\(name)\"\(listed)}", environment: ["DATABASE_URL": databaseURL],
                                      workingDirectory: state.path)
        guard let key = result.json?["key"]?.stringValue else { throw BundleError(.internal, "create-api-key failed: \(result.stdoutText)") }
        return key
    }
}
