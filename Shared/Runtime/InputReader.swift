import Core
#if canImport(Glibc)
import Glibc
#endif

/// Reads and checks the input document: at most `MAX_INPUT_BYTES`, empty means `{}`, and it
/// must be a JSON object.
package enum InputReader {
    package struct Input {
        package let bytes: [UInt8]
        package let envelope: JSONValue
    }

    static let defaultMaxBytes = 32 << 20

    /// The raw bytes of stdin, at most `MAX_INPUT_BYTES`.
    package static func readStandardInput(config: Config, fileDescriptor: Int32 = 0) throws -> [UInt8] {
        let limit = try config.int("MAX_INPUT_BYTES", default: defaultMaxBytes, in: 1024...(1 << 31))
        return try readAll(fileDescriptor, limit: limit)
    }

    package static func parse(_ raw: [UInt8]) throws -> Input {
        var bytes = raw
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a UTF-8 byte order mark
        if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { bytes = Array("{}".utf8) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw BundleError(.invalidRequest, "the input is not valid JSON (\(error)); send one JSON object (UTF-8)")
        }
        guard case .object = value else {
            throw BundleError(.invalidRequest, "the input must be a JSON object, got \(value.typeName == "integer" ? "a number" : "a JSON \(value.typeName)")")
        }
        return Input(bytes: bytes, envelope: value)
    }

    private static func readAll(_ descriptor: Int32, limit: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BundleError(.invalidRequest, "the input could not be read")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit {
                throw BundleError(.payloadTooLarge, "the input is larger than \(limit) bytes (MAX_INPUT_BYTES)")
            }
        }
        return bytes
    }
}
