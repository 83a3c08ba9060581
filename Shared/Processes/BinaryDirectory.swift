import Core
#if canImport(Glibc)
import Glibc
#endif

/// Where the function binaries are: `BUNDLE_BIN_DIR` when set, else the directory of the running
/// executable. Names come from the manifest only, never from the request.
package enum BinaryDirectory {
    package static func path(of function: String, config: Config) -> String {
        (config["BUNDLE_BIN_DIR"] ?? ownDirectory()) + "/" + function
    }

    package static func ownDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return "." }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
