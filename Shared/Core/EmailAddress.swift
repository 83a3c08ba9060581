/// Email addresses as people write them in sheets and forms, in one spelling: lower-cased,
/// `Name <a@b.com>` and `mailto:` unwrapped, the first of several. Candidates and Sales both
/// read emails from imported cells, so the rule lives here once.
package enum EmailAddress {
    /// A lower-cased address; `Name <a@b.com>` and `mailto:` forms are unwrapped, and of several
    /// addresses in one cell the first is taken. nil when it is not an address. An ASCII value
    /// (nearly every one) is read byte by byte, anything else `Character` by `Character`, with
    /// the same answers.
    package static func normalized(_ raw: String) -> String? {
        var copy = raw
        let fast: String?? = copy.withUTF8 { bytes in
            var union: UInt8 = 0
            for byte in bytes { union |= byte }
            return union < 0x80 ? .some(asciiCell(bytes)) : .none
        }
        return fast ?? normalizedByCharacter(raw)
    }

    /// `normalized` read `Character` by `Character`.
    package static func normalizedByCharacter(_ raw: String) -> String? {
        // Several addresses in one cell ("a@x.com; b@y.com"): the first one that is an address.
        let parts = raw.split(whereSeparator: { ";,/\n".contains($0) || $0 == "\r\n" })
        if parts.count > 1, !raw.contains("<") {
            return parts.lazy.compactMap { single(String($0)) }.first
        }
        return single(raw)
    }

    private static func single(_ raw: String) -> String? {
        var value = raw.trimmingWhitespace()
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            value = String(value[value.index(after: open)..<close])
        }
        if value.lowercased().hasPrefix("mailto:") { value = String(value.dropFirst(7)) }
        value = value.trimmingWhitespace().lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, value.count <= 254 else { return nil }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
              let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter),
              domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
              !parts[0].contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }),
              !parts[0].hasPrefix("."), !parts[0].hasSuffix("."), !parts[0].contains("..")
        else { return nil }
        return value
    }

    /// `normalized` for an ASCII cell: the first address of several, or the one.
    private static func asciiCell(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var parts = 0
        var partStart = 0
        var hasOpen = false
        for index in 0...raw.count {
            if index < raw.count, raw[index] == UInt8(ascii: "<") { hasOpen = true }
            guard index == raw.count || isEmailSeparator(raw[index]) else { continue }
            if partStart < index { parts += 1 }
            partStart = index + 1
        }
        guard parts > 1, !hasOpen else { return asciiSingle(raw) }
        partStart = 0
        for index in 0...raw.count where index == raw.count || isEmailSeparator(raw[index]) {
            if partStart < index, let email = asciiSingle(UnsafeBufferPointer(rebasing: raw[partStart..<index])) { return email }
            partStart = index + 1
        }
        return nil
    }

    @inline(__always)
    private static func isEmailSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ";") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "/") || byte == 0x0A
    }

    /// `single(_:)` (one address) for an ASCII value, checked where the bytes lie: the
    /// only allocation is the answer.
    private static func asciiSingle(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var start = 0
        var end = raw.count
        func trim() {
            while start < end, CellText.isSpace(raw[start]) { start += 1 }
            while end > start, CellText.isSpace(raw[end - 1]) { end -= 1 }
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
        if end - start >= 7, CellText.hasPrefix(raw, at: start, lowercased: "mailto:") { start += 7 }
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
            if CellText.isSpace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "<")
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
                guard CellText.isLetter(byte) || CellText.isDigit(byte) || byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard index > labelStart, raw[labelStart] != UInt8(ascii: "-"), raw[index - 1] != UInt8(ascii: "-") else { return nil }
            labels += 1
            if index < end { labelStart = index + 1 }
        }
        // `labelStart` is now where the last label starts.
        let top = end - labelStart
        guard labels >= 2, top >= 2 else { return nil }
        for index in (end - top)..<end where !CellText.isLetter(raw[index]) { return nil }
        return CellText.lowercasedString(raw, start..<end)
    }
}
