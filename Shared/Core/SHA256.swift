import CHashShim

/// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), for API-key hashes and webhook signatures.
/// Our own rather than swift-crypto's: on Linux that package links full Foundation and ICU into
/// every binary (measured: 10 MiB → 60 MiB per function), for two small, well-specified
/// algorithms that the tests check against the published test vectors. Whole blocks go through
/// the CPU's SHA instructions where it has them (CHashShim): an upload hashes megabytes.
package enum SHA256 {
    package static func hash(_ message: [UInt8]) -> [UInt8] {
        hash(message, portable: false)
    }

    /// `hash(_:)` with the CPU's SHA instructions (CHashShim) where it has them, or with the
    /// portable Swift rounds when `portable` (so the tests can compare the two paths).
    package static func hash(_ message: [UInt8], portable: Bool) -> [UInt8] {
        let accelerated = !portable && bundle_sha256_accelerated() == 1
        var state: [UInt32] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19]
        // Whole blocks are read where they lie; only the tail is copied to be padded (an upload
        // hashes megabytes, which copying and bounds-checked indexing made several times slower).
        let whole = message.count - message.count % 64
        state.withUnsafeMutableBufferPointer { state in
            constants.withUnsafeBufferPointer { constants in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { words in
                    message.withUnsafeBufferPointer { bytes in
                        compressBlocks(UnsafeBufferPointer(rebasing: bytes[..<whole]), state: state, words: words,
                                       constants: constants, accelerated: accelerated)
                    }
                    let tail = padded(Array(message[whole...]), bitLength: UInt64(message.count) &* 8)
                    tail.withUnsafeBufferPointer { bytes in
                        compressBlocks(bytes, state: state, words: words, constants: constants, accelerated: accelerated)
                    }
                }
            }
        }
        return state.flatMap { word in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: word >> $0) } }
    }

    /// Compresses whole 64-byte blocks into `state`.
    private static func compressBlocks(_ bytes: UnsafeBufferPointer<UInt8>, state: UnsafeMutableBufferPointer<UInt32>,
                                       words: UnsafeMutableBufferPointer<UInt32>, constants: UnsafeBufferPointer<UInt32>,
                                       accelerated: Bool) {
        guard let base = bytes.baseAddress, bytes.count >= 64 else { return }
        if accelerated {
            bundle_sha256_blocks(state.baseAddress, base, bytes.count / 64, constants.baseAddress)
            return
        }
        var offset = 0
        while offset + 64 <= bytes.count {
            compress(UnsafeBufferPointer(rebasing: bytes[offset..<offset + 64]), state: state, words: words, constants: constants)
            offset += 64
        }
    }

    @inline(__always)
    private static func compress(_ block: UnsafeBufferPointer<UInt8>, state: UnsafeMutableBufferPointer<UInt32>,
                                 words: UnsafeMutableBufferPointer<UInt32>, constants: UnsafeBufferPointer<UInt32>) {
        for index in 0..<16 {
            let offset = index * 4
            words[index] = UInt32(block[offset]) << 24 | UInt32(block[offset + 1]) << 16 | UInt32(block[offset + 2]) << 8 | UInt32(block[offset + 3])
        }
        for index in 16..<64 {
            let s0 = rotate(words[index - 15], 7) ^ rotate(words[index - 15], 18) ^ (words[index - 15] >> 3)
            let s1 = rotate(words[index - 2], 17) ^ rotate(words[index - 2], 19) ^ (words[index - 2] >> 10)
            words[index] = words[index - 16] &+ s0 &+ words[index - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, h) = (state[0], state[1], state[2], state[3], state[4], state[5], state[6], state[7])
        for index in 0..<64 {
            let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
            let choice = (e & f) ^ (~e & g)
            let temp1 = h &+ s1 &+ choice &+ constants[index] &+ words[index]
            let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            let temp2 = s0 &+ majority
            (h, g, f, e, d, c, b, a) = (g, f, e, d &+ temp1, c, b, a, temp1 &+ temp2)
        }
        state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
        state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
    }

    package static func hash(_ text: String) -> [UInt8] { hash(Array(text.utf8)) }

    /// HMAC-SHA-256 of `message` under `key`.
    package static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? hash(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = hash(block.map { $0 ^ 0x36 } + message)
        return hash(block.map { $0 ^ 0x5c } + inner)
    }

    /// Lower-case hex, as the hashes are stored.
    package static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Compares two byte strings in time that depends only on their length.
    package static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// The message padded to whole 64-byte blocks (a 1 bit, zeros, the bit length big-endian), as
    /// SHA-1 and SHA-256 both pad it.
    static func padded(_ message: [UInt8]) -> [UInt8] {
        padded(message, bitLength: UInt64(message.count) &* 8)
    }

    /// `message` (the end of a longer one, `bitLength` long in all) padded.
    static func padded(_ message: [UInt8], bitLength: UInt64) -> [UInt8] {
        var padded = message
        padded.append(0x80)
        while padded.count % 64 != 56 { padded.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { padded.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        return padded
    }

    private static func rotate(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value >> count) | (value << (32 - count))
    }

    private static let constants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}
