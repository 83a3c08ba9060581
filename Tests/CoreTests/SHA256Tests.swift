import Core
import Testing

/// Published test vectors: FIPS 180-4 examples and RFC 4231 for HMAC-SHA-256.
@Suite struct SHA256Tests {
    @Test func hashesMatchTheStandardVectors() {
        #expect(SHA256.hex(SHA256.hash("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(SHA256.hash("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // 55, 56 and 64 bytes: the padding boundaries.
        #expect(SHA256.hex(SHA256.hash(String(repeating: "a", count: 55))) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex(SHA256.hash(String(repeating: "a", count: 56))) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex(SHA256.hash(String(repeating: "a", count: 64))) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    /// The CPU's SHA instructions (this machine's, where it has them) and the portable rounds agree on
    /// every length around the block and padding boundaries and on a few megabytes.
    @Test func acceleratedAndPortablePathsAgree() {
        // Fixed pseudo-random bytes (an LCG), so a failure repeats.
        var seed: UInt32 = 12_345
        for length in 0...200 {
            let message = (0..<length).map { _ -> UInt8 in
                seed = seed &* 1_103_515_245 &+ 12_345
                return UInt8(truncatingIfNeeded: seed >> 16)
            }
            #expect(SHA256.hash(message) == SHA256.hash(message, portable: true), "length \(length)")
        }
        for length in [2 * (1 << 20) + 37] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) }
            #expect(SHA256.hash(message) == SHA256.hash(message, portable: true), "length \(length)")
        }
        // Both paths on a published vector that spans many blocks.
        let million = [UInt8](repeating: 0x61, count: 1_000_000)
        for portable in [false, true] {
            #expect(SHA256.hex(SHA256.hash(million, portable: portable))
                    == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        }
    }

    @Test func hmacMatchesRFC4231() {
        #expect(SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(SHA256.hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(SHA256.hex(SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131),
                                       message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func comparisonIsExact() {
        #expect(SHA256.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!SHA256.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!SHA256.constantTimeEquals([1, 2], [1, 2, 3]))
    }
}
