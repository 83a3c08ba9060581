#if canImport(Glibc)
import Glibc
#endif

/// The path of the running executable (`/proc/self/exe` resolved): the one `bundle` binary that
/// the job worker starts again, as `bundle <function>`, for each job, whatever link name the
/// worker itself was started under.
package enum OwnExecutable {
    package static var path: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.unsafeArgv[0].map { String(cString: $0) } ?? "bundle" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
