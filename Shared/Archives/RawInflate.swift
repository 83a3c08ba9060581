import CZlib
import Core

/// Raw DEFLATE (RFC 1951, no zlib or gzip header: what ZIP entries hold) through the system's
/// zlib, producing at most `limit` bytes. The bound is on bytes actually produced, checked as
/// output arrives in small steps, so a stream that claims little and inflates to gigabytes costs
/// at most `limit` plus one step of memory before it is refused.
package enum RawInflate {
    /// Why inflating stopped without a result.
    package enum Failure: Error, Equatable, Sendable {
        /// More than `limit` bytes would come out.
        case tooLarge
        /// The stream is not valid DEFLATE data, or ends before its last block.
        case corrupt(String)
    }

    /// The bytes of output zlib is asked for at once (also the overshoot bound past `limit`).
    static let step = 64 << 10

    /// Inflates `input` completely; bytes after the end of the DEFLATE stream are ignored (ZIP
    /// sizes are the archive's claim; the stream's own end is what counts).
    package static func inflate(_ input: ArraySlice<UInt8>, limit: Int) throws(Failure) -> [UInt8] {
        let result: Result<[UInt8], Failure> = input.withUnsafeBufferPointer { source in
            do throws(Failure) { return .success(try inflate(source, limit: limit)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The same straight from a buffer (an entry of an archive read in place).
    package static func inflate(_ input: UnsafeBufferPointer<UInt8>, limit: Int) throws(Failure) -> [UInt8] {
        // zlib counts input in 32 bits; archives are read from memory far below that.
        guard input.count <= Int(UInt32.max) else { throw .corrupt("the compressed entry is larger than 4 GB") }
        var stream = z_stream()
        guard bundle_inflate_init_raw(&stream) == Z_OK else { throw .corrupt("zlib could not start") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: step)
        let result: Result<Void, Failure> = { (source: UnsafeBufferPointer<UInt8>) -> Result<Void, Failure> in
            // zlib reads through a mutable pointer type but never writes the input.
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.avail_out))
                }
                if produced > 0 {
                    guard output.count + produced <= limit else { return .failure(.tooLarge) }
                    output.append(contentsOf: chunk[0..<produced])
                }
                switch status {
                case Z_STREAM_END: return .success(())
                case Z_OK: continue
                case Z_BUF_ERROR:
                    // No progress possible: either the input ran out before the stream's end, or
                    // (with output space free) nothing more can be done.
                    return .failure(.corrupt("the compressed data ends early"))
                case Z_NEED_DICT: return .failure(.corrupt("the data needs a preset dictionary"))
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "invalid compressed data"
                    return .failure(.corrupt(message))
                }
            }
        }(input)
        try result.get()
        return output
    }

    /// zlib's CRC-32 (the ZIP checksum) of `bytes`.
    package static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt = 0
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            // zlib's length parameter is 32-bit: feed very large inputs in parts.
            while offset < buffer.count {
                let count = min(buffer.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, buffer.baseAddress! + offset, UInt32(count))
                offset += count
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
