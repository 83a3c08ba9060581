#if canImport(Glibc)
import Glibc
#endif

/// The running executable: the one `bundle` binary that the job worker starts again, as
/// `bundle <function>`, for each job, whatever link name the worker itself was started under.
package enum OwnExecutable {
    /// What to start to run this very binary again: `/proc/self/exe`, which names the file the
    /// process was loaded from even after a deployment replaced or removed `dist/bin` (a path
    /// would then start the new build, or nothing); the resolved path where there is no /proc.
    package static var spawnPath: String {
        access("/proc/self/exe", X_OK) == 0 ? "/proc/self/exe" : path
    }

    /// The resolved path, for messages and logs.
    package static var path: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.unsafeArgv[0].map { String(cString: $0) } ?? "bundle" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
