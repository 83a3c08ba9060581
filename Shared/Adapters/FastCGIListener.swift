import Core
#if canImport(Glibc)
import Glibc
#endif

/// The master's listening socket: a Unix socket (the default, `var/run/bundle-fastcgi.sock`), TCP,
/// or the socket systemd passed (socket activation). A Unix socket is guarded by a lock file beside
/// it, so a second master refuses to start and a socket file left by a master that died is
/// replaced safely; TCP on an address other than loopback requires `FCGI_WEB_SERVER_ADDRS` (the
/// FastCGI specification's list of web servers allowed to connect).
struct FastCGIListener {
    static let defaultSocket = "var/run/bundle-fastcgi.sock"

    enum Address: Equatable {
        case unix(path: String, mode: mode_t)
        case tcp(host: String, port: UInt16)
        case inherited
    }

    let descriptor: Int32
    let address: Address
    /// The socket file this master made and removes when it stops.
    let ownedPath: String?
    /// Peers allowed to connect over TCP (nil: any; a Unix socket's permissions decide).
    let allowedPeers: Set<String>?
    /// The lock on the socket's path, held for the master's life.
    private let lockDescriptor: Int32

    var description: String {
        switch address {
        case .unix(let path, _): path
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .inherited: "the socket systemd passed (fd 3)"
        }
    }

    /// Opens the socket to listen on.
    static func open(_ address: Address, backlog: Int32, config: Config) throws -> FastCGIListener {
        switch address {
        case .inherited:
            let descriptor: Int32 = 3
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            return FastCGIListener(descriptor: descriptor, address: address, ownedPath: nil,
                                   allowedPeers: try peers(config), lockDescriptor: -1)
        case .unix(let path, let mode):
            return try openUnix(path: path, mode: mode, backlog: backlog)
        case .tcp(let host, let port):
            return try openTCP(host: host, port: port, backlog: backlog, config: config)
        }
    }

    /// systemd's socket activation (sd_listen_fds): LISTEN_PID is this process and LISTEN_FDS at least 1.
    static func isSocketActivated(_ environment: [String: String]) -> Bool {
        guard let pid = environment["LISTEN_PID"].flatMap({ Int32($0) }), pid == getpid(),
              let count = environment["LISTEN_FDS"].flatMap({ Int($0) }), count >= 1 else { return false }
        return true
    }

    /// Parses `HOST:PORT` (`[::1]:9000` for IPv6).
    static func parseTCP(_ text: String) -> Address? {
        var host: Substring
        var port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            port = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        if host == "localhost" { host = "127.0.0.1" }
        guard !host.isEmpty, let number = UInt16(port), number > 0 else { return nil }
        return .tcp(host: String(host), port: number)
    }

    func close() {
        _ = Glibc.close(descriptor)
        if let ownedPath { unlink(ownedPath) }
    }

    private static func openUnix(path: String, mode: mode_t, backlog: Int32) throws -> FastCGIListener {
        guard path.utf8.count < 100 else {
            throw BundleError(.misconfigured, "the socket path \(path) is longer than a Unix socket's 107 bytes; pass a shorter --socket")
        }
        try makeParent(of: path)
        let lockPath = path + ".lock"
        let lock = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw BundleError(.misconfigured, "cannot open the lock file \(lockPath): \(errorText())") }
        if flock(lock, LOCK_EX | LOCK_NB) != 0 {
            let holder = String(decoding: FileBytes.read(lockPath, limit: 32) ?? [], as: UTF8.self).trimmingWhitespace()
            Glibc.close(lock)
            throw BundleError(.conflict, "another bundle serve-fastcgi\(holder.isEmpty ? "" : " (pid \(holder))") serves \(path); stop it first")
        }
        _ = ftruncate(lock, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { write(lock, $0.baseAddress, $0.count) }
        // The lock is ours: a socket file here was left by a master that is gone.
        var status = stat()
        if lstat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFSOCK else {
                Glibc.close(lock)
                throw BundleError(.misconfigured, "\(path) exists and is not a socket; not replacing it")
            }
            unlink(path)
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw BundleError(.unavailable, "socket() failed: \(errorText())") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, chmod(path, mode) == 0, listen(descriptor, backlog) == 0 else {
            let text = errorText()
            Glibc.close(descriptor)
            Glibc.close(lock)
            throw BundleError(.misconfigured, "cannot listen on \(path): \(text)")
        }
        return FastCGIListener(descriptor: descriptor, address: .unix(path: path, mode: mode), ownedPath: path, allowedPeers: nil,
                               lockDescriptor: lock)
    }

    private static func openTCP(host: String, port: UInt16, backlog: Int32, config: Config) throws -> FastCGIListener {
        let isIPv6 = host.contains(":")
        var storage = sockaddr_storage()
        let length: socklen_t
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw notAnAddress(host) }
            length = store(address, in: &storage)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw notAnAddress(host) }
            length = store(address, in: &storage)
        }
        let loopback = host.hasPrefix("127.") || host == "::1"
        let allowed = try peers(config)
        if !loopback && allowed == nil {
            throw BundleError.misconfigured(variable: "FCGI_WEB_SERVER_ADDRS",
                                            "must list the web servers allowed to connect when --listen is not a loopback address (FastCGI has no authentication)")
        }
        let descriptor = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw BundleError(.unavailable, "socket() failed: \(errorText())") }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, backlog) == 0 else {
            let inUse = errno == EADDRINUSE
            let text = errorText()
            Glibc.close(descriptor)
            throw BundleError(inUse ? .conflict : .misconfigured,
                              inUse ? "another process listens on \(host):\(port)" : "cannot listen on \(host):\(port): \(text)")
        }
        return FastCGIListener(descriptor: descriptor, address: .tcp(host: host, port: port), ownedPath: nil, allowedPeers: allowed,
                               lockDescriptor: -1)
    }

    private static func notAnAddress(_ host: String) -> BundleError {
        BundleError(.misconfigured, "--listen: \(host) is not an IP address")
    }

    /// Copies a `sockaddr_in` or `sockaddr_in6` into `storage`; its length.
    private static func store<Address>(_ address: Address, in storage: inout sockaddr_storage) -> socklen_t {
        withUnsafeMutableBytes(of: &storage) { target in withUnsafeBytes(of: address) { target.copyMemory(from: $0) } }
        return socklen_t(MemoryLayout<Address>.size)
    }

    /// `FCGI_WEB_SERVER_ADDRS`: comma-separated addresses; nil when unset (any peer).
    private static func peers(_ config: Config) throws -> Set<String>? {
        guard let text = config["FCGI_WEB_SERVER_ADDRS"] else { return nil }
        let list = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !list.isEmpty else { return nil }
        return Set(list)
    }

    /// Whether a connection's peer may talk to this server (always over a Unix socket).
    func admits(_ descriptor: Int32) -> Bool {
        guard let allowedPeers else { return true }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
        }
        guard found == 0 else { return false }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_UNIX:
            return true
        case AF_INET:
            var address = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self) }
            inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
        case AF_INET6:
            var address = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self) }
            inet_ntop(AF_INET6, &address.sin6_addr, &text, socklen_t(text.count))
        default:
            return false
        }
        var peer = String(cString: text)
        if peer.hasPrefix("::ffff:") { peer = String(peer.dropFirst(7)) }
        return allowedPeers.contains(peer)
    }

    private static func makeParent(of path: String) throws {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        guard !parts.isEmpty else { return }
        var current = path.hasPrefix("/") ? "" : "."
        if path.hasPrefix("/") { parts = parts.dropFirst() }
        for part in parts where !part.isEmpty {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw BundleError(.misconfigured, "cannot make the directory \(current) for the socket: \(errorText())")
            }
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
