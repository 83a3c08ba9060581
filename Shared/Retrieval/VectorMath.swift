import Core

/// The float32 vector format of `retrieval_vectors.vector` (little-endian, unit length) and the
/// dot product the scan runs over the stored bytes in place, sixteen lanes at a time.
package enum VectorMath {
    /// The bytes stored for a vector (normalised first).
    package static func blob(_ vector: [Float]) -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in UnitVector.normalized(vector) {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    package static func vector(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        (0..<bytes.count / 4).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }

    /// The dot product of `query` with the float32 vector stored in `bytes` (same dimensions;
    /// the caller checks). Loads are unaligned: SQLite hands blobs at any address. Assumes a
    /// little-endian machine, as every platform the bundle runs on is.
    package static func dot(_ query: UnsafeBufferPointer<Float>, _ bytes: UnsafeRawBufferPointer) -> Float {
        let count = min(query.count, bytes.count / 4)
        let base = UnsafeRawPointer(query.baseAddress!)
        var sum = SIMD16<Float>()
        var index = 0
        while index + 16 <= count {
            let left = base.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            let right = bytes.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self)
            sum.addProduct(left, right)
            index += 16
        }
        var total = sum.sum()
        while index < count {
            total += query[index] * bytes.loadUnaligned(fromByteOffset: index * 4, as: Float.self)
            index += 1
        }
        return total
    }
}
