import Core

/// The `<script>` elements of an HTML page (their opening tags and contents), found in one
/// linear pass over the bytes: no regular expressions, no backtracking, so a hostile page of
/// many megabytes costs one scan. Share pages carry their data in scripts.
package struct PageScripts {
    package struct Script {
        /// The opening tag's attributes, as written (`id="__NEXT_DATA__" type="application/json"`).
        package var attributes: String
        package var content: ArraySlice<UInt8>
    }

    package static let maxScripts = 10_000

    package static func scripts(in page: [UInt8]) -> [Script] {
        var found: [Script] = []
        var index = 0
        let count = page.count
        while found.count < maxScripts, let open = find(Array("<script".utf8), in: page, from: index, caseInsensitive: true) {
            var cursor = open + 7
            // `<scripts>` or `<scripting>` are other tags.
            guard cursor < count, page[cursor] == UInt8(ascii: ">") || isSpace(page[cursor]) || page[cursor] == UInt8(ascii: "/") else {
                index = cursor
                continue
            }
            // The opening tag ends at the first `>` outside a quoted attribute value.
            var quote: UInt8?
            let attributesStart = cursor
            while cursor < count {
                let byte = page[cursor]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    break
                }
                cursor += 1
            }
            guard cursor < count else { break }
            let attributes = String(decoding: page[attributesStart..<cursor], as: UTF8.self)
            let contentStart = cursor + 1
            let close = find(Array("</script".utf8), in: page, from: contentStart, caseInsensitive: true) ?? count
            found.append(Script(attributes: attributes, content: page[contentStart..<close]))
            index = close
        }
        return found
    }

    /// The first position of `needle` at or after `start`. The needles are short constants, so
    /// this stays linear in the haystack.
    package static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>, from start: Int, caseInsensitive: Bool = false) -> Int? {
        guard let first = needle.first, needle.count <= haystack.endIndex - start else { return nil }
        var index = max(start, haystack.startIndex)
        let last = haystack.endIndex - needle.count
        while index <= last {
            if fold(haystack[index], caseInsensitive) == fold(first, caseInsensitive) {
                var matched = true
                for offset in 1..<needle.count where fold(haystack[index + offset], caseInsensitive) != fold(needle[offset], caseInsensitive) {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    package static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, caseInsensitive: Bool = false) -> Int? {
        find(needle, in: haystack[...], from: start, caseInsensitive: caseInsensitive)
    }

    private static func fold(_ byte: UInt8, _ caseInsensitive: Bool) -> UInt8 {
        caseInsensitive && byte >= 65 && byte <= 90 ? byte + 32 : byte
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 32 || byte == 9 || byte == 10 || byte == 13 || byte == 12
    }

    /// The end (exclusive) of the JSON object or array starting at `start`, tracking strings and
    /// nesting in one pass; nil when it never closes.
    package static func jsonEnd(in bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        var index = start
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                    if depth < 0 { return nil }
                default: break
                }
            }
            index += 1
        }
        return nil
    }

    /// Decodes the JavaScript string literal (`"…"` or `'…'`) starting at `start`: its text and
    /// the position after its closing quote. Handles `\n`-style escapes, `\xHH`, `\uHHHH` (with
    /// surrogate pairs), `\u{…}` and line continuations; nil when the literal is malformed.
    package static func javaScriptString(in bytes: ArraySlice<UInt8>, from start: Int) -> (text: String, end: Int)? {
        guard start < bytes.endIndex else { return nil }
        let quote = bytes[start]
        guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
        var output: [UInt8] = []
        var pendingHigh: UInt32?
        var index = start + 1
        func appendScalar(_ value: UInt32) {
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        func flushHigh() {
            if pendingHigh != nil { appendScalar(0xFFFD); pendingHigh = nil }
        }
        func hex(_ from: Int, _ length: Int) -> UInt32? {
            guard from + length <= bytes.endIndex else { return nil }
            return UInt32(String(decoding: bytes[from..<from + length], as: UTF8.self), radix: 16)
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == quote {
                flushHigh()
                return (String(decoding: output, as: UTF8.self), index + 1)
            }
            if byte == 10 || byte == 13 { return nil }
            guard byte == UInt8(ascii: "\\") else {
                flushHigh()
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.endIndex else { return nil }
            let escape = bytes[index + 1]
            index += 2
            var unit: UInt32?
            switch escape {
            case UInt8(ascii: "n"): unit = 10
            case UInt8(ascii: "r"): unit = 13
            case UInt8(ascii: "t"): unit = 9
            case UInt8(ascii: "b"): unit = 8
            case UInt8(ascii: "f"): unit = 12
            case UInt8(ascii: "v"): unit = 11
            case UInt8(ascii: "0"): unit = 0
            case 10: continue
            case 13:
                if index < bytes.endIndex, bytes[index] == 10 { index += 1 }
                continue
            case UInt8(ascii: "x"):
                guard let value = hex(index, 2) else { return nil }
                unit = value
                index += 2
            case UInt8(ascii: "u"):
                if index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") {
                    guard let close = bytes[index...].prefix(10).firstIndex(of: UInt8(ascii: "}")),
                          let value = UInt32(String(decoding: bytes[(index + 1)..<close], as: UTF8.self), radix: 16) else { return nil }
                    unit = value
                    index = close + 1
                } else {
                    guard let value = hex(index, 4) else { return nil }
                    unit = value
                    index += 4
                }
            default:
                flushHigh()
                output.append(escape)
                continue
            }
            guard let value = unit else { continue }
            if (0xD800...0xDBFF).contains(value) {
                flushHigh()
                pendingHigh = value
            } else if (0xDC00...0xDFFF).contains(value), let high = pendingHigh {
                pendingHigh = nil
                appendScalar(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
            } else {
                flushHigh()
                appendScalar(value)
            }
        }
        return nil
    }
}
