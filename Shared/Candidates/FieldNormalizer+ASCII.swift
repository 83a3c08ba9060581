/// Byte-level versions of `FieldNormalizer`'s rules for cells that are plain ASCII, which is
/// nearly every cell of a real sheet. Walking a `String` by `Character` pays for grapheme
/// breaking and Unicode property lookups on every byte (measured: most of an upload's time);
/// on ASCII those give the same answers as these byte tests, so each rule here must return
/// exactly what the `Character` version returns, and any cell with a byte above 0x7F takes the
/// `Character` version. `FieldNormalizerTests` checks both paths agree.
extension FieldNormalizer {
    /// What `Character.isWhitespace` means for ASCII: tab, line feed, vertical tab, form feed,
    /// carriage return and space.
    @inline(__always)
    static func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// What `Character.isNewline` means for ASCII (a CRLF pair is one newline, as it is one `Character`).
    @inline(__always)
    static func isASCIINewline(_ byte: UInt8) -> Bool { byte >= 0x0A && byte <= 0x0D }

    /// Whether a cell holds nothing but whitespace.
    package static func isBlank(_ raw: String) -> Bool {
        for byte in raw.utf8 {
            if byte >= 0x80 { return raw.trimmingWhitespace().isEmpty }
            if !isASCIIWhitespace(byte) { return false }
        }
        return true
    }

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
        while start < end, isASCIIWhitespace(bytes[start]) { start += 1 }
        while end > start, isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        // Most cells have nothing to collapse (no whitespace but single spaces between words):
        // those are the trimmed bytes as they are.
        var plain = true
        for index in start..<end where isASCIIWhitespace(bytes[index]) {
            // Not the last byte, which the trimming left non-blank.
            if bytes[index] != 0x20 || isASCIIWhitespace(bytes[index + 1]) {
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
                } else if isASCIIWhitespace(byte) {
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
        return text.utf8.count <= 7 && placeholderStarts[Int(bytes[start])] && placeholders.contains(text.lowercased()) ? nil : text
    }

    /// By byte: whether a placeholder starts with it (in either case). Short list items ("Go",
    /// "AWS") start otherwise and skip lower-casing and the set lookup.
    private static let placeholderStarts: [Bool] = {
        var starts = [Bool](repeating: false, count: 256)
        for placeholder in placeholders {
            guard let first = placeholder.utf8.first else { continue }
            starts[Int(first)] = true
            if first >= 0x61, first <= 0x7A { starts[Int(first - 0x20)] = true }
        }
        return starts
    }()

    @inline(__always)
    static func asciiLowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

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
                earlier.utf8.count == item.utf8.count && zip(earlier.utf8, item.utf8).allSatisfy { asciiLowercased($0) == asciiLowercased($1) }
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

    /// `email(_:)` for an ASCII cell: the first address of several, or the one.
    static func asciiEmailCell(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var parts = 0
        var partStart = 0
        var hasOpen = false
        for index in 0...raw.count {
            if index < raw.count, raw[index] == UInt8(ascii: "<") { hasOpen = true }
            guard index == raw.count || isEmailSeparator(raw[index]) else { continue }
            if partStart < index { parts += 1 }
            partStart = index + 1
        }
        guard parts > 1, !hasOpen else { return asciiEmail(raw) }
        partStart = 0
        for index in 0...raw.count where index == raw.count || isEmailSeparator(raw[index]) {
            if partStart < index, let email = asciiEmail(UnsafeBufferPointer(rebasing: raw[partStart..<index])) { return email }
            partStart = index + 1
        }
        return nil
    }

    @inline(__always)
    private static func isEmailSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ";") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "/") || byte == 0x0A
    }

    /// `single(_:)` (one email address) for an ASCII value, checked where the bytes lie: the
    /// only allocation is the answer.
    static func asciiEmail(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var start = 0
        var end = raw.count
        func trim() {
            while start < end, isASCIIWhitespace(raw[start]) { start += 1 }
            while end > start, isASCIIWhitespace(raw[end - 1]) { end -= 1 }
        }
        trim()
        // `Name <a@b.com>`: the text between the last `<` and the last `>`.
        var open = -1
        var close = -1
        var index = end - 1
        while index >= start, open < 0 || close < 0 {
            if open < 0, raw[index] == UInt8(ascii: "<") { open = index }
            if close < 0, raw[index] == UInt8(ascii: ">") { close = index }
            index -= 1
        }
        if open >= 0, close >= 0, open < close {
            start = open + 1
            end = close
        }
        if end - start >= 7, hasPrefix(raw, at: start, lowercased: "mailto:") { start += 7 }
        trim()
        var at = -1
        for index in start..<end where raw[index] == UInt8(ascii: "@") {
            guard at < 0 else { return nil }
            at = index
        }
        guard at > start, end - start <= 254 else { return nil }
        // The local part: no space or list punctuation, no leading, trailing or doubled dot.
        guard raw[start] != UInt8(ascii: "."), raw[at - 1] != UInt8(ascii: ".") else { return nil }
        for index in start..<at {
            let byte = raw[index]
            if isASCIIWhitespace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "<")
                || byte == UInt8(ascii: ">") { return nil }
            if byte == UInt8(ascii: "."), raw[index + 1] == UInt8(ascii: ".") { return nil }
        }
        // The domain: two labels or more of letters, digits and inner hyphens; the last of two
        // letters or more.
        var labels = 0
        var labelStart = at + 1
        for index in (at + 1)...end {
            guard index == end || raw[index] == UInt8(ascii: ".") else {
                let byte = raw[index]
                guard isASCIILetter(byte) || isASCIIDigit(byte) || byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard index > labelStart, raw[labelStart] != UInt8(ascii: "-"), raw[index - 1] != UInt8(ascii: "-") else { return nil }
            labels += 1
            if index < end { labelStart = index + 1 }
        }
        // `labelStart` is now where the last label starts.
        let top = end - labelStart
        guard labels >= 2, top >= 2 else { return nil }
        for index in (end - top)..<end where !isASCIILetter(raw[index]) { return nil }
        return asciiLowercasedString(raw, start..<end)
    }

    /// Whether `raw` holds `prefix` (lower-case ASCII) at `start`, in any case.
    private static func hasPrefix(_ raw: UnsafeBufferPointer<UInt8>, at start: Int, lowercased prefix: StaticString) -> Bool {
        guard raw.count - start >= prefix.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        for offset in 0..<expected.count where asciiLowercased(raw[start + offset]) != expected[offset] { return false }
        return true
    }

    /// The bytes of `range`, lower-cased, as a string.
    private static func asciiLowercasedString(_ raw: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { output in
            for offset in 0..<range.count { output[offset] = asciiLowercased(raw[range.lowerBound + offset]) }
            return range.count
        }
    }

    @inline(__always)
    private static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    @inline(__always)
    private static func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `linkedin(_:)` for an ASCII value without percent escapes, read where the bytes lie.
    static func asciiLinkedin(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var start = 0
        var end = raw.count
        while start < end, isASCIIWhitespace(raw[start]) { start += 1 }
        while end > start, isASCIIWhitespace(raw[end - 1]) { end -= 1 }
        if let scheme = (start..<max(start, end - 2)).first(where: {
            raw[$0] == UInt8(ascii: ":") && raw[$0 + 1] == UInt8(ascii: "/") && raw[$0 + 2] == UInt8(ascii: "/")
        }) { start = scheme + 3 }
        if let cut = (start..<end).first(where: { raw[$0] == UInt8(ascii: "?") || raw[$0] == UInt8(ascii: "#") }) { end = cut }
        // Segments between slashes, empty ones skipped.
        var cursor = start
        func nextSegment() -> Range<Int>? {
            while cursor < end, raw[cursor] == UInt8(ascii: "/") { cursor += 1 }
            guard cursor < end else { return nil }
            let segmentStart = cursor
            while cursor < end, raw[cursor] != UInt8(ascii: "/") { cursor += 1 }
            return segmentStart..<cursor
        }
        guard let host = nextSegment(), let kind = nextSegment(), let first = nextSegment() else { return nil }
        let domain: StaticString = ".linkedin.com"
        let domainLength = domain.utf8CodeUnitCount
        let isLinkedIn = host.count == domainLength - 1 ? hasPrefix(raw, at: host.lowerBound, lowercased: "linkedin.com")
            : host.count >= domainLength && hasPrefix(raw, at: host.upperBound - domainLength, lowercased: domain)
        let isPub = kind.count == 3 && hasPrefix(raw, at: kind.lowerBound, lowercased: "pub")
        guard isLinkedIn, isPub || (kind.count == 2 && hasPrefix(raw, at: kind.lowerBound, lowercased: "in")) else { return nil }
        // Old public profiles (/pub/name/1a/2b/3c) need every segment to name one person.
        var parts = [first, nil, nil, nil] as [Range<Int>?]
        var slugLength = first.count
        if isPub {
            for index in 1..<4 {
                guard let part = nextSegment() else { break }
                parts[index] = part
                slugLength += 1 + part.count
            }
        }
        guard slugLength <= 100 else { return nil }
        for case let part? in parts where part.contains(where: { isASCIIWhitespace(raw[$0]) }) { return nil }
        let prefix: StaticString = isPub ? "https://www.linkedin.com/pub/" : "https://www.linkedin.com/in/"
        let prefixLength = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: prefixLength + slugLength) { output in
            var count = 0
            for offset in 0..<prefixLength {
                output[count] = prefix.utf8Start[offset]
                count += 1
            }
            for case let part? in parts {
                if count > prefixLength {
                    output[count] = UInt8(ascii: "/")
                    count += 1
                }
                for index in part {
                    output[count] = asciiLowercased(raw[index])
                    count += 1
                }
            }
            return count
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
            tokens.append(asciiLowercasedString(raw, start..<end))
            start = -1
        }
        for index in 0..<raw.count {
            let byte = asciiLowercased(raw[index])
            let isNumber = isASCIIDigit(byte) || ((byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",")) && currentIsNumber)
            let isWord = isASCIILetter(byte)
            if (isNumber && currentIsNumber) || (isWord && !currentIsNumber && start >= 0) { continue }
            close(index)
            if isNumber || isWord { start = index }
            currentIsNumber = isNumber
            if !isNumber && !isWord && !isASCIIWhitespace(byte) { tokens.append(asciiLowercasedString(raw, index..<index + 1)) }
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
