/// Text read the way a JSON decoder reads a string's escapes (`\/`, `\"`, `\\`, `\n`…, and
/// `\uXXXX` in either case, surrogate pairs included), able to say which raw bytes each decoded
/// byte came from. It exists so `SecretRedactor` can find a secret an upstream echoed
/// JSON-escaped (which the upstream's reader would decode back into the secret) and redact the
/// raw bytes it spans. Anything that is not a valid escape stays as it is. Linear; the map costs
/// one record per escape, not per byte.
struct JSONUnescaped {
    private(set) var bytes: [UInt8] = []
    /// Each escape: its first decoded byte, how many bytes it decoded to, and its raw span.
    private var escapes: [(decoded: Int, count: Int, rawStart: Int, rawEnd: Int)] = []

    init(_ raw: [UInt8]) {
        bytes.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            guard raw[index] == UInt8(ascii: "\\"), index + 1 < raw.count else {
                bytes.append(raw[index])
                index += 1
                continue
            }
            let simple: UInt8? = switch raw[index + 1] {
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): raw[index + 1]
            case UInt8(ascii: "n"): 10
            case UInt8(ascii: "t"): 9
            case UInt8(ascii: "r"): 13
            case UInt8(ascii: "b"): 8
            case UInt8(ascii: "f"): 12
            default: nil
            }
            if let simple {
                escape([simple], from: index, to: index + 2)
                index += 2
                continue
            }
            guard raw[index + 1] == UInt8(ascii: "u"), let unit = Self.hex4(raw, index + 2) else {
                bytes.append(raw[index])
                index += 1
                continue
            }
            var end = index + 6
            var scalar = Unicode.Scalar(unit)
            if (0xD800..<0xDC00).contains(unit), end + 1 < raw.count, raw[end] == UInt8(ascii: "\\"), raw[end + 1] == UInt8(ascii: "u"),
               let low = Self.hex4(raw, end + 2), (0xDC00..<0xE000).contains(low) {
                scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                end += 6
            }
            if let scalar {
                escape(Array(String(Character(scalar)).utf8), from: index, to: end)
                index = end
            } else {  // a lone surrogate: left as it is
                bytes.append(raw[index])
                index += 1
            }
        }
    }

    /// The raw bytes `bytes[first...last]` came from.
    func rawRange(first: Int, last: Int) -> Range<Int> {
        rawSpan(first).lowerBound..<rawSpan(last).upperBound
    }

    private func rawSpan(_ decoded: Int) -> Range<Int> {
        // The last escape that starts at or before `decoded` (binary search: escapes are in order).
        var low = 0
        var high = escapes.count
        while low < high {
            let middle = (low + high) / 2
            if escapes[middle].decoded <= decoded { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return decoded..<(decoded + 1) }
        let escape = escapes[low - 1]
        if decoded < escape.decoded + escape.count { return escape.rawStart..<escape.rawEnd }
        let raw = escape.rawEnd + (decoded - escape.decoded - escape.count)
        return raw..<(raw + 1)
    }

    private mutating func escape(_ decoded: [UInt8], from start: Int, to end: Int) {
        escapes.append((bytes.count, decoded.count, start, end))
        bytes.append(contentsOf: decoded)
    }

    private static func hex4(_ raw: [UInt8], _ start: Int) -> UInt32? {
        guard start + 4 <= raw.count else { return nil }
        var value: UInt32 = 0
        for byte in raw[start..<(start + 4)] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
