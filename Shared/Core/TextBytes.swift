/// Byte-to-text mappings shared by the readers of uploaded text.
package enum TextBytes {
    /// Windows-1252: Latin-1 except 0x80–0x9F, which hold typographic quotes, dashes and €.
    package static func windows1252(_ bytes: some Sequence<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map(windows1252Scalar)))
    }

    private static let high: [UInt32] = [0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
                              0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
                              0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178]

    package static func windows1252Scalar(_ byte: UInt8) -> Unicode.Scalar {
        let value = (0x80...0x9F).contains(byte) ? high[Int(byte) - 0x80] : UInt32(byte)
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    /// Whether the bytes start with a UTF-16 byte order mark (FF FE little-endian, FE FF big-endian).
    package static func hasUTF16ByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
    }

    /// UTF-16 after its byte order mark, transcoded strictly: nil for an odd length or an unpaired
    /// surrogate (a binary that happens to start with FF FE or FE FF, not text).
    package static func utf16(_ bytes: [UInt8]) -> String? {
        guard hasUTF16ByteOrderMark(bytes), bytes.count % 2 == 0 else { return nil }
        let bigEndian = bytes[0] == 0xFE
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        for index in stride(from: 2, to: bytes.count, by: 2) {
            let (high, low) = bigEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
            units.append(UInt16(high) << 8 | UInt16(low))
        }
        return String(validating: units, as: UTF16.self)
    }
}
