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
        // Written straight into the string's storage: one allocation per cell at most.
        let text = String(unsafeUninitializedCapacity: end - start) { output in
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
        return text.utf8.count <= 7 && placeholders.contains(text.lowercased()) ? nil : text
    }

    @inline(__always)
    static func asciiLowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

    /// `list(_:)` for an ASCII cell.
    static func asciiList(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var items: [String] = []
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
        var parts: [UnsafeBufferPointer<UInt8>] = []
        var partStart = 0
        for index in 0...raw.count where index == raw.count || isEmailSeparator(raw[index]) {
            if partStart < index { parts.append(UnsafeBufferPointer(rebasing: raw[partStart..<index])) }
            partStart = index + 1
        }
        if parts.count > 1, !raw.contains(UInt8(ascii: "<")) {
            return parts.lazy.compactMap(asciiEmail).first
        }
        return asciiEmail(raw)
    }

    @inline(__always)
    private static func isEmailSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ";") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "/") || byte == 0x0A
    }

    /// `single(_:)` (one email address) for an ASCII value.
    static func asciiEmail(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var start = 0
        var end = raw.count
        func trim() {
            while start < end, isASCIIWhitespace(raw[start]) { start += 1 }
            while end > start, isASCIIWhitespace(raw[end - 1]) { end -= 1 }
        }
        trim()
        if let open = (start..<end).last(where: { raw[$0] == UInt8(ascii: "<") }),
           let close = (start..<end).last(where: { raw[$0] == UInt8(ascii: ">") }), open < close {
            start = open + 1
            end = close
        }
        let mailto = Array("mailto:".utf8)
        if end - start >= mailto.count, (0..<mailto.count).allSatisfy({ asciiLowercased(raw[start + $0]) == mailto[$0] }) { start += mailto.count }
        trim()
        let value = (start..<end).map { asciiLowercased(raw[$0]) }
        guard let at = value.firstIndex(of: UInt8(ascii: "@")), value.lastIndex(of: UInt8(ascii: "@")) == at,
              at > 0, value.count <= 254 else { return nil }
        let local = value[..<at]
        let domain = value[(at + 1)...]
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2,
              labels.allSatisfy({ !$0.isEmpty && $0.first != UInt8(ascii: "-") && $0.last != UInt8(ascii: "-") }),
              let top = labels.last, top.count >= 2, top.allSatisfy(isASCIILetter),
              domain.allSatisfy({ isASCIILetter($0) || isASCIIDigit($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }),
              !local.contains(where: { isASCIIWhitespace($0) || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ";")
                  || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }),
              local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") })
        else { return nil }
        return String(decoding: value, as: UTF8.self)
    }

    @inline(__always)
    private static func isASCIILetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    @inline(__always)
    private static func isASCIIDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `linkedin(_:)` for an ASCII value without percent escapes.
    static func asciiLinkedin(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var start = 0
        var end = raw.count
        while start < end, isASCIIWhitespace(raw[start]) { start += 1 }
        while end > start, isASCIIWhitespace(raw[end - 1]) { end -= 1 }
        if let scheme = (start..<max(start, end - 2)).first(where: {
            raw[$0] == UInt8(ascii: ":") && raw[$0 + 1] == UInt8(ascii: "/") && raw[$0 + 2] == UInt8(ascii: "/")
        }) { start = scheme + 3 }
        if let cut = (start..<end).first(where: { raw[$0] == UInt8(ascii: "?") || raw[$0] == UInt8(ascii: "#") }) { end = cut }
        let segments = raw[start..<end].split(separator: UInt8(ascii: "/")).map { $0.map(asciiLowercased) }
        let domain = Array(".linkedin.com".utf8)
        guard segments.count >= 3, let host = segments.first,
              host.elementsEqual(domain.dropFirst()) || (host.count >= domain.count && host.suffix(domain.count).elementsEqual(domain)),
              segments[1].elementsEqual("in".utf8) || segments[1].elementsEqual("pub".utf8)
        else { return nil }
        // Old public profiles (/pub/name/1a/2b/3c) need every segment to name one person.
        let kind = segments[1]
        let parts = kind.count == 3 ? Array(segments[2...].prefix(4)) : [segments[2]]
        let slug = Array(parts.joined(separator: [UInt8(ascii: "/")]))
        guard !slug.isEmpty, slug.count <= 100, !slug.contains(where: isASCIIWhitespace) else { return nil }
        return "https://www.linkedin.com/\(String(decoding: kind, as: UTF8.self))/" + String(decoding: slug, as: UTF8.self)
    }

    /// `durationTokensByCharacter(_:)` for an ASCII value.
    static func asciiDurationTokens(_ raw: UnsafeBufferPointer<UInt8>) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        var currentIsNumber = false
        for original in raw {
            let byte = asciiLowercased(original)
            let isNumber = isASCIIDigit(byte) || ((byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",")) && currentIsNumber)
            let isWord = isASCIILetter(byte)
            if (isNumber && currentIsNumber) || (isWord && !currentIsNumber && !current.isEmpty) {
                current.append(byte)
                continue
            }
            if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
            current = isNumber || isWord ? [byte] : []
            currentIsNumber = isNumber
            if !isNumber && !isWord && !isASCIIWhitespace(byte) { tokens.append(String(decoding: [byte], as: UTF8.self)) }
        }
        if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
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
