import Core
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Removing what crashed `put`s left behind: temporary files (a dot name with `.tmp-` in it)
/// older than `staleTemporaryAge`. Younger ones may belong to a `put` still running in another
/// process, and are left alone.
extension LocalFileStorage {
    /// Walks the whole tree (at most `StorageKey.maxSegments` deep) and removes stale temporary
    /// files; answers how many. For a startup or maintenance step: each `put` already sweeps the
    /// directory it writes into.
    @discardableResult
    package func sweepStaleTemporaryFiles(now: Date = Date()) -> Int {
        sweep(directory: root, depth: 0, now: now)
    }

    private func sweep(directory: String, depth: Int, now: Date) -> Int {
        guard depth <= StorageKey.maxSegments else { return 0 }
        var removed = removeStaleTemporaryFiles(in: directory, now: now)
        for name in Self.entries(of: directory) where !name.hasPrefix(".") {
            let child = directory + "/" + name
            var status = stat()
            if lstat(child, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
                removed += sweep(directory: child, depth: depth + 1, now: now)
            }
        }
        return removed
    }

    /// Removes the stale temporary files directly in `directory`; answers how many.
    @discardableResult
    func removeStaleTemporaryFiles(in directory: String, now: Date) -> Int {
        var removed = 0
        for name in Self.entries(of: directory) where name.hasPrefix(".") && name.contains(Self.temporaryMarker) {
            let path = directory + "/" + name
            var status = stat()
            guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            let age = now.timeIntervalSince1970 - Double(status.st_mtim.tv_sec)
            if age > Self.staleTemporaryAge, unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// The names in a directory, without `.` and `..`; none when it cannot be read.
    static func entries(of directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
