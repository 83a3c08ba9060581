/// Byte-level answers for the ASCII cells that make up nearly every imported sheet: walking a
/// `String` by `Character` pays for grapheme breaking and Unicode property lookups on every byte
/// (measured: most of a 10,000-row import), while for ASCII the byte tests below give the same
/// answers. Any cell with a byte above 0x7F takes the `Character` way. Candidates and Sales
/// both read sheets, so these rules (and what counts as an empty cell) live here once.
package enum CellText {
    /// What `Character.isWhitespace` means for ASCII: tab, line feed, vertical tab, form feed,
    /// carriage return and space.
    @inline(__always)
    package static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// Values people put in a cell to mean "nothing" (compared trimmed and lower-cased).
    package static let placeholders: Set<String> = ["", "-", "--", "—", "–", "n/a", "n.a.", "none", "null", "nil", "tbd", "unknown", "?", "#n/a"]

    /// Whether a collapsed cell is empty or a placeholder.
    package static func isPlaceholder(_ collapsed: String) -> Bool {
        collapsed.utf8.count <= 7 && placeholders.contains(collapsed.lowercased())
    }

    @inline(__always)
    package static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

    @inline(__always)
    package static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    @inline(__always)
    package static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Whether `raw` holds `prefix` (lower-case ASCII) at `start`, in any case.
    package static func hasPrefix(_ raw: UnsafeBufferPointer<UInt8>, at start: Int, lowercased prefix: StaticString) -> Bool {
        guard raw.count - start >= prefix.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        for offset in 0..<expected.count where lowercased(raw[start + offset]) != expected[offset] { return false }
        return true
    }

    /// The bytes of `range`, lower-cased, as a string.
    package static func lowercasedString(_ raw: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { output in
            for offset in 0..<range.count { output[offset] = lowercased(raw[range.lowerBound + offset]) }
            return range.count
        }
    }

    /// Trimmed, with inner runs of whitespace (line breaks included) collapsed to one space.
    package static func collapsed(_ raw: String) -> String {
        var previousWasSpace = true
        for byte in raw.utf8 {
            if byte >= 0x80 { return collapsedByCharacter(raw) }
            let space = isSpace(byte)
            if space && (previousWasSpace || byte != 0x20) { return collapsedByCharacter(raw) }
            previousWasSpace = space
        }
        return previousWasSpace && !raw.isEmpty ? collapsedByCharacter(raw) : raw
    }

    package static func collapsedByCharacter(_ raw: String) -> String {
        raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether the cell is empty or only whitespace.
    package static func isBlank(_ raw: String) -> Bool {
        for byte in raw.utf8 {
            if byte >= 0x80 { return raw.allSatisfy(\.isWhitespace) }
            if !isSpace(byte) { return false }
        }
        return true
    }

    /// The cell's words: runs of letters and digits, lower-cased; `&` is the word "and".
    package static func words(_ raw: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        for byte in raw.utf8 {
            if byte >= 0x80 { return wordsByCharacter(raw) }
            let lower = byte | 0x20
            if (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                current.append(byte >= 0x41 && byte <= 0x5A ? lower : byte)
                continue
            }
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)); current.removeAll(keepingCapacity: true) }
            if byte == UInt8(ascii: "&") { words.append("and") }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    package static func wordsByCharacter(_ raw: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in raw.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else {
                if !current.isEmpty { words.append(current); current = "" }
                if character == "&" { words.append("and") }
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
