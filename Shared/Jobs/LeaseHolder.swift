import Core
#if canImport(Glibc)
import Glibc
#endif

/// The host and process id of the worker holding a job's lease, stored with the lease. A worker
/// killed with -9 cannot give its leases back; another worker that sees the same processes sees
/// that the holder's process is gone and takes its jobs over at once, where any other worker
/// waits for the lease to expire.
///
/// "The same processes" is more than the same hostname: containers often share one, each with
/// its own pid namespace (where the other's pids look gone), and a host that rebooted reuses
/// pids. So `host` is the hostname, the pid namespace and the boot id, and only an exact match
/// permits the pid check.
package struct LeaseHolder: Sendable, Equatable {
    /// `hostname pid:[inode] boot:<boot id>`.
    package var host: String
    package var pid: Int

    package init(host: String, pid: Int) {
        self.host = host
        self.pid = pid
    }

    /// This process.
    package static var current: LeaseHolder {
        LeaseHolder(host: identity(hostname: hostname(), pidNamespace: readLink("/proc/self/ns/pid"),
                                   bootID: readFirstLine("/proc/sys/kernel/random/boot_id")),
                    pid: Int(getpid()))
    }

    /// The host identity a lease records. When the pid namespace or the boot id cannot be read,
    /// the identity is this process's alone (a random part), so no other worker ever checks its
    /// pid: its leases are only taken over once expired.
    package static func identity(hostname: String, pidNamespace: String?, bootID: String?) -> String {
        guard let pidNamespace, !pidNamespace.isEmpty, let bootID, !bootID.isEmpty else {
            return "\(hostname) unverified:\(RequestID.generate())"
        }
        return "\(hostname) \(pidNamespace) boot:\(bootID)"
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func readFirstLine(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].prefix { $0 != 10 }, as: UTF8.self)
    }

    /// Whether a process with this id runs on this host: a zombie (killed, not yet reaped by its
    /// parent) counts as gone. A reused id reads as running, which only means waiting for the lease.
    package static func isRunning(pid: Int) -> Bool {
        guard pid > 0, pid <= Int(Int32.max) else { return false }
        if kill(pid_t(pid), 0) != 0 && errno == ESRCH { return false }
        // /proc/<pid>/stat: "pid (comm) S ..."; the state follows the last ')'.
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno != ENOENT }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0, let paren = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")) else { return true }
        let state = buffer[(paren + 1)..<count].first { $0 != UInt8(ascii: " ") }
        return state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
