import Core

/// Byte-level versions of `FieldNormalizer`'s rules for cells that are plain ASCII, which is
/// nearly every cell of a real sheet. Walking a `String` by `Character` pays for grapheme
/// breaking and Unicode property lookups on every byte (measured: most of an upload's time);
/// on ASCII those give the same answers as these byte tests, so each rule here must return
/// exactly what the `Character` version returns, and any cell with a byte above 0x7F takes the
/// `Character` version. `FieldNormalizerTests` checks both paths agree.
extension FieldNormalizer {
    /// What `Character.isNewline` means for ASCII (a CRLF pair is one newline, as it is one `Character`).
    @inline(__always)
    static func isASCIINewline(_ byte: UInt8) -> Bool { byte >= 0x0A && byte <= 0x0D }

    /// Whether a cell holds nothing but whitespace (Core's rule, which Sales shares).
    package static func isBlank(_ raw: String) -> Bool { CellText.isBlank(raw) }

    /// Whether every byte is below 0x80: the bytes are OR-ed together with no early exit, a
    /// loop the compiler turns into vector instructions (`allSatisfy` on a `String.UTF8View`
    /// went through a generic witness call per byte).
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var union: UInt8 = 0
        for byte in bytes { union |= byte }
        return union < 0x80
    }

    /// `text(_:keepLines:)` for an ASCII cell: trimmed, whitespace runs collapsed to one space
    /// (each line on its own with `keepLines`), placeholders nil.
    static func asciiText(_ bytes: UnsafeBufferPointer<UInt8>, keepLines: Bool) -> String? {
        var start = 0
        var end = bytes.count
        while start < end, CellText.isSpace(bytes[start]) { start += 1 }
        while end > start, CellText.isSpace(bytes[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        // Most cells have nothing to collapse (no whitespace but single spaces between words):
        // those are the trimmed bytes as they are.
        var plain = true
        for index in start..<end where CellText.isSpace(bytes[index]) {
            // Not the last byte, which the trimming left non-blank.
            if bytes[index] != 0x20 || CellText.isSpace(bytes[index + 1]) {
                plain = false
                break
            }
        }
        // Otherwise written straight into the string's storage: one allocation per cell at most.
        let text = plain ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            : String(unsafeUninitializedCapacity: end - start) { output in
            var count = 0
            var pendingSpace = false
            var lineHasText = false
            var index = start
            while index < end {
                let byte = bytes[index]
                index += 1
                if keepLines, isASCIINewline(byte) {
                    if byte == 0x0D, index < end, bytes[index] == 0x0A { index += 1 }
                    output[count] = 0x0A
                    count += 1
                    pendingSpace = false
                    lineHasText = false
                } else if CellText.isSpace(byte) {
                    pendingSpace = lineHasText
                } else {
                    if pendingSpace {
                        output[count] = 0x20
                        count += 1
                    }
                    pendingSpace = false
                    lineHasText = true
                    output[count] = byte
                    count += 1
                }
            }
            return count
        }
        // Placeholders are short; only those are lower-cased and looked up.
        return text.utf8.count <= 7 && placeholderStarts[Int(bytes[start])] && CellText.placeholders.contains(text.lowercased()) ? nil : text
    }

    /// By byte: whether a placeholder starts with it (in either case). Short list items ("Go",
    /// "AWS") start otherwise and skip lower-casing and the set lookup.
    private static let placeholderStarts: [Bool] = {
        var starts = [Bool](repeating: false, count: 256)
        for placeholder in CellText.placeholders {
            guard let first = placeholder.utf8.first else { continue }
            starts[Int(first)] = true
            if first >= 0x61, first <= 0x7A { starts[Int(first - 0x20)] = true }
        }
        return starts
    }()

    /// Lower-cased ASCII byte (Core's rule; upload matching keys names by it).
    @inline(__always)
    static func asciiLowercased(_ byte: UInt8) -> UInt8 { CellText.lowercased(byte) }

    /// `list(_:)` for an ASCII cell.
    static func asciiList(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var items: [String] = []
        // Room for every part at once (growing 1, 2, 4, 8 reallocated three times per cell).
        var parts = 1
        for byte in bytes where isListSeparator(byte) { parts += 1 }
        items.reserveCapacity(min(parts, 64))
        // Short lists (nearly all) are searched for repeats in place; a set only for long ones.
        var seen: Set<String>?
        func isNew(_ item: String) -> Bool {
            if seen == nil, items.count >= 32 { seen = Set(items.map { $0.lowercased() }) }
            if seen != nil { return seen!.insert(item.lowercased()).inserted }
            return !items.contains { earlier in
                earlier.utf8.count == item.utf8.count && zip(earlier.utf8, item.utf8).allSatisfy { CellText.lowercased($0) == CellText.lowercased($1) }
            }
        }
        var partStart = 0
        func take(_ end: Int) {
            guard partStart < end else { return }
            let part = UnsafeBufferPointer(rebasing: bytes[partStart..<end])
            guard let item = asciiText(part, keepLines: false), item.utf8.count <= 100, isNew(item) else { return }
            items.append(item)
        }
        for index in 0..<bytes.count where isListSeparator(bytes[index]) {
            take(index)
            partStart = index + 1
        }
        take(bytes.count)
        return items
    }

    @inline(__always)
    private static func isListSeparator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"), 0x0A, 0x0D, 0x09: true
        default: false
        }
    }

    /// `durationTokensByCharacter(_:)` for an ASCII value.
    static func asciiDurationTokens(_ raw: UnsafeBufferPointer<UInt8>) -> [String] {
        var tokens: [String] = []
        // Where the token being read starts (-1: none); each token is made once, from its bytes.
        var start = -1
        var currentIsNumber = false
        func close(_ end: Int) {
            guard start >= 0 else { return }
            tokens.append(CellText.lowercasedString(raw, start..<end))
            start = -1
        }
        for index in 0..<raw.count {
            let byte = CellText.lowercased(raw[index])
            let isNumber = CellText.isDigit(byte) || ((byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",")) && currentIsNumber)
            let isWord = CellText.isLetter(byte)
            if (isNumber && currentIsNumber) || (isWord && !currentIsNumber && start >= 0) { continue }
            close(index)
            if isNumber || isWord { start = index }
            currentIsNumber = isNumber
            if !isNumber && !isWord && !CellText.isSpace(byte) { tokens.append(CellText.lowercasedString(raw, index..<index + 1)) }
        }
        close(raw.count)
        return tokens
    }

    /// Runs `body` over the UTF-8 bytes of an ASCII string; nil when it is not ASCII.
    static func withASCII<T>(_ raw: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        var copy = raw
        return copy.withUTF8 { bytes -> T? in
            guard isASCII(bytes) else { return nil }
            return .some(body(bytes))
        }
    }
}
