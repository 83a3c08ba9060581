import Core
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Files on local disk under one root directory (`FILE_STORAGE_DIR`, default `var/files` under
/// the working directory, created 0700): the default, for one machine.
///
/// A `put` is all-or-nothing. The bytes go to a temporary file in the key's own directory
/// (`O_EXCL`, 0600), which is fsynced and then renamed over the final name; the directory is
/// fsynced so the rename itself survives a power loss. A crash at any point leaves either the old
/// object or the new one under the key, never half a file: at worst a temporary file, named
/// `.<name>.tmp-<random>` (keys never start a segment with a dot, see `StorageKey`), which the
/// next `put` into that directory removes once it is older than `staleTemporaryAge`, as does
/// `sweepStaleTemporaryFiles`.
package struct LocalFileStorage: FileStorage {
    package let backend = "local"
    package let root: String
    /// The largest object `put` writes and `get` reads: the domain's 10 MB cap plus slack, so a
    /// corrupted or planted huge file cannot make a process read it whole.
    package let maxObjectBytes: Int
    /// Temporary files older than this are left over from a crash (a live `put` finishes in
    /// seconds), and are removed.
    package static let staleTemporaryAge: Double = 3600
    package static let defaultMaxObjectBytes = 11 * 1024 * 1024
    static let temporaryMarker = ".tmp-"

    /// Called between the write of the temporary file and its rename: tests make a `put` fail
    /// there, where a crash would leave the most behind.
    var beforeRename: (@Sendable (_ temporaryPath: String) throws -> Void)?

    /// Opens (and creates, 0700) the root directory.
    package init(root: String, maxObjectBytes: Int = LocalFileStorage.defaultMaxObjectBytes) throws {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        guard !trimmed.isEmpty, !trimmed.utf8.contains(0) else {
            throw BundleError.misconfigured(variable: "FILE_STORAGE_DIR", "must be a directory path")
        }
        self.root = trimmed
        self.maxObjectBytes = maxObjectBytes
        try Self.makeDirectories(trimmed, from: trimmed.hasPrefix("/") ? "" : ".", components: trimmed.split(separator: "/"))
    }

    /// The storage `FILE_STORAGE_DIR` configures.
    package init(config: Config) throws {
        try self.init(root: config.string("FILE_STORAGE_DIR", default: "var/files"))
    }

    package func put(_ bytes: [UInt8], key: String, contentType: String, deadline: Deadline) async throws {
        let segments = try StorageKey.segments(of: key)
        guard bytes.count <= maxObjectBytes else {
            throw BundleError(.payloadTooLarge, "the file is larger than the storage limit of \(maxObjectBytes) bytes")
        }
        let directory = try makeParentDirectories(segments)
        let name = String(segments[segments.count - 1])
        removeStaleTemporaryFiles(in: directory, now: Date())
        let temporary = "\(directory)/.\(name)\(Self.temporaryMarker)\(Self.randomSuffix())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw Self.failure("create a temporary file for", key: key, errno) }
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            defer { close(descriptor) }
            try Self.writeAll(bytes, to: descriptor, key: key)
            guard fsync(descriptor) == 0 else { throw Self.failure("flush", key: key, errno) }
        }
        try beforeRename?(temporary)
        guard rename(temporary, path(segments)) == 0 else { throw Self.failure("rename into place", key: key, errno) }
        renamed = true
        Self.syncDirectory(directory)
    }

    package func get(key: String, deadline: Deadline) async throws -> [UInt8] {
        let segments = try StorageKey.segments(of: key)
        let descriptor = open(path(segments), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw BundleError(.notFound, "the stored file is missing") }
            throw Self.failure("open", key: key, errno)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.failure("inspect", key: key, errno) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw BundleError(.notFound, "the stored file is missing") }
        guard Int(status.st_size) <= maxObjectBytes else {
            throw BundleError(.payloadTooLarge, "the stored file is larger than the storage limit of \(maxObjectBytes) bytes")
        }
        return try Self.readAll(descriptor, expected: Int(status.st_size), limit: maxObjectBytes, key: key)
    }

    package func delete(key: String, deadline: Deadline) async throws {
        let segments = try StorageKey.segments(of: key)
        guard unlink(path(segments)) == 0 || errno == ENOENT || errno == ENOTDIR else {
            throw Self.failure("delete", key: key, errno)
        }
    }

    /// Local files are served by the bundle itself, behind its own signed links.
    package func presignedDownload(key: String, contentType: String, contentDisposition: String,
                                   expiresInSeconds: Int, now: Date) throws -> String? {
        nil
    }

    /// The absolute or working-directory-relative path of a checked key.
    func path(_ segments: [Substring]) -> String {
        root + "/" + segments.joined(separator: "/")
    }

    /// Creates the key's parent directories (0700) and answers the innermost.
    private func makeParentDirectories(_ segments: [Substring]) throws -> String {
        let parents = Array(segments.dropLast())
        try Self.makeDirectories(root, from: root, components: parents)
        return parents.isEmpty ? root : root + "/" + parents.joined(separator: "/")
    }

    private static func makeDirectories(_ what: String, from start: String, components: [Substring]) throws {
        var current = start
        for component in components {
            current += (current.isEmpty ? "" : "/") + component
            if current.hasPrefix("//") { current.removeFirst() }
            if mkdir(current, 0o700) != 0 && errno != EEXIST { throw failure("create the directory for", key: what, errno) }
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, key: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", key: key, errno)
                }
                offset += written
            }
        }
    }

    /// Reads to the end, never past `limit` bytes even when the file grew after `fstat`.
    private static func readAll(_ descriptor: Int32, expected: Int, limit: Int, key: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: min(max(expected, 0), limit) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard bytes.count <= limit else {
                    throw BundleError(.payloadTooLarge, "the stored file is larger than the storage limit of \(limit) bytes")
                }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit + 1 - bytes.count)))
            }
            let got = bytes.withUnsafeMutableBytes { buffer in read(descriptor, buffer.baseAddress! + count, buffer.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw failure("read", key: key, errno)
            }
            if got == 0 { break }
            count += got
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Makes a rename durable; a directory that cannot be synced (some file systems) is no reason
    /// to fail a write that has happened.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return SHA256.hex((0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A storage failure as the contract's error: a full disk may clear (`unavailable`), a
    /// directory the process may not write is the deployment's to fix (`misconfigured`).
    static func failure(_ operation: String, key: String, _ code: Int32) -> BundleError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOSPC, EDQUOT:
            return BundleError(.unavailable, "cannot \(operation) the stored file: \(reason)")
        case EACCES, EPERM, EROFS:
            return BundleError.misconfigured(variable: "FILE_STORAGE_DIR", "cannot be written (\(operation) \(key): \(reason))")
        default:
            return BundleError(.internal, "cannot \(operation) the stored file: \(reason)")
        }
    }
}
