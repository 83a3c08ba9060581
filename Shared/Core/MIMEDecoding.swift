import FoundationEssentials

/// The decoding steps of MIME (RFC 2045–2047) and the RFC 5322 date, each one linear pass:
/// multipart sections, quoted-printable and base64 bodies, charsets, encoded-word headers.
package enum MIMEDecoding {
    /// Header bytes as text: UTF-8 (RFC 6532), else Latin-1.
    static func text(_ bytes: ArraySlice<UInt8>) -> String {
        String(validating: bytes, as: UTF8.self) ?? latin1(bytes)
    }

    static func latin1(_ bytes: some Sequence<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// Bytes in a charset as text. UTF-8 that is not valid UTF-8 is read as Windows-1252 rather
    /// than refused (mislabelled mail is common); unknown charsets are read as UTF-8, leniently.
    package static func decode(_ bytes: [UInt8], charset: String?) -> String {
        switch charset?.lowercased() {
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "iso-8859-15", "us-ascii", "ascii":
            return latin1(bytes)
        case "windows-1252", "cp1252":
            return TextBytes.windows1252(bytes)
        default:
            return String(validating: bytes, as: UTF8.self) ?? TextBytes.windows1252(bytes)
        }
    }

    /// The bodies between `--boundary` delimiter lines, up to the closing `--boundary--`; the
    /// line break before a delimiter belongs to it. The preamble and epilogue are dropped. At most
    /// `limit` sections are built (the reader refuses a message with more than it allows).
    package static func sections(_ body: ArraySlice<UInt8>, boundary: [UInt8], limit: Int = .max) -> [ArraySlice<UInt8>] {
        var sections: [ArraySlice<UInt8>] = []
        var sectionStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            var lineEnd = lineStart
            while lineEnd < body.endIndex, body[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < body.endIndex ? lineEnd + 1 : lineEnd
            if body[lineStart] == 0x2D, lineEnd - lineStart >= boundary.count + 2, body[lineStart + 1] == 0x2D,
               body[(lineStart + 2)..<(lineStart + 2 + boundary.count)].elementsEqual(boundary) {
                if let start = sectionStart {
                    var end = lineStart
                    if end > start, body[end - 1] == 0x0A { end -= 1 }
                    if end > start, body[end - 1] == 0x0D { end -= 1 }
                    sections.append(body[start..<max(start, end)])
                    if sections.count >= limit { return sections }
                }
                let after = lineStart + 2 + boundary.count
                if after + 1 <= lineEnd, after + 1 < body.endIndex, body[after] == 0x2D, body[after + 1] == 0x2D { return sections }
                sectionStart = next
            }
            lineStart = next
        }
        // No closing delimiter: the last section runs to the end (truncated mail still reads).
        if let start = sectionStart, start < body.endIndex { sections.append(body[start...]) }
        return sections
    }

    /// Undoes a Content-Transfer-Encoding; 7bit, 8bit, binary and unknown ones are kept as they are.
    package static func transferDecode(_ body: ArraySlice<UInt8>, encoding: String) -> [UInt8] {
        switch encoding {
        case "base64": return base64(body)
        case "quoted-printable": return quotedPrintable(body, underscoreIsSpace: false)
        default: return Array(body)
        }
    }

    /// Base64 ignoring line breaks and anything outside the alphabet; stops at padding.
    static func base64(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value: UInt32
            switch byte {
            case 0x41...0x5A: value = UInt32(byte - 0x41)
            case 0x61...0x7A: value = UInt32(byte - 0x61 + 26)
            case 0x30...0x39: value = UInt32(byte - 0x30 + 52)
            case 0x2B, 0x2D: value = 62
            case 0x2F, 0x5F: value = 63
            case 0x3D: return output
            default: continue
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }

    /// Quoted-printable: `=XX` is a byte, `=` at a line's end joins it to the next (soft break);
    /// a malformed `=` is kept as it is. In encoded words (`Q`), `_` is a space.
    static func quotedPrintable(_ bytes: ArraySlice<UInt8>, underscoreIsSpace: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x3D {
                // Soft line break: "=" then optional spaces then CRLF or LF.
                var probe = index + 1
                while probe < bytes.endIndex, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
                if probe < bytes.endIndex, bytes[probe] == 0x0D, probe + 1 < bytes.endIndex, bytes[probe + 1] == 0x0A { index = probe + 2; continue }
                if probe < bytes.endIndex, bytes[probe] == 0x0A { index = probe + 1; continue }
                if probe == bytes.endIndex { break }
                if index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                output.append(byte)
            } else if byte == 0x5F && underscoreIsSpace {
                output.append(0x20)
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// A header value with RFC 2047 encoded words (`=?charset?B|Q?text?=`) decoded; whitespace
    /// between two adjacent encoded words is dropped, as the RFC says.
    package static func decodeWords(_ value: String) -> String {
        var work = 0
        return decodeWords(value, work: &work)
    }

    /// `decodeWords`, counting in `work` the bytes looked at (at most a few per byte of `value`,
    /// whatever it holds, which a test checks).
    package static func decodeWords(_ value: String, work: inout Int) -> String {
        guard value.contains("=?") else { return value }
        let bytes = Array(value.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pendingSpace: [UInt8] = []
        var lastWasEncoded = false
        var index = 0
        while index < bytes.count {
            work += 1
            if bytes[index] == 0x3D, index + 1 < bytes.count, bytes[index + 1] == 0x3F, let (decoded, after) = encodedWord(bytes, at: index, work: &work) {
                if !lastWasEncoded { output += pendingSpace }
                pendingSpace = []
                output += decoded.utf8
                lastWasEncoded = true
                index = after
                continue
            }
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 {
                pendingSpace.append(byte)
            } else {
                output += pendingSpace
                pendingSpace = []
                output.append(byte)
                lastWasEncoded = false
            }
            index += 1
        }
        return String(decoding: output + pendingSpace, as: UTF8.self)
    }

    /// The encoded word starting at `start` (its `=?`), decoded, and the index after it. No piece
    /// of a word holds `?` or white space (RFC 2047), so every scan stops at the next `?`: a byte
    /// is looked at from at most three starts, and however many `=?` never close, reading stays linear.
    private static func encodedWord(_ bytes: [UInt8], at start: Int, work: inout Int) -> (String, Int)? {
        func question(from: Int) -> Int? {
            var index = from
            while index < bytes.count, index - from <= 1_000 {
                work += 1
                switch bytes[index] {
                case 0x3F: return index
                case 0x20, 0x09, 0x0D, 0x0A: return nil
                default: index += 1
                }
            }
            return nil
        }
        guard let charsetEnd = question(from: start + 2), charsetEnd + 2 < bytes.count, bytes[charsetEnd + 2] == 0x3F,
              let textEnd = question(from: charsetEnd + 3), textEnd + 1 < bytes.count, bytes[textEnd + 1] == 0x3D else { return nil }
        // RFC 2231 adds a language after `*`: `=?utf-8*en?Q?…?=`.
        let charset = String(decoding: bytes[(start + 2)..<charsetEnd].prefix { $0 != 0x2A }, as: UTF8.self)
        let encoded = bytes[(charsetEnd + 3)..<textEnd]
        let decoded: [UInt8]
        switch bytes[charsetEnd + 1] {
        case 0x42, 0x62: decoded = base64(encoded)
        case 0x51, 0x71: decoded = quotedPrintable(encoded, underscoreIsSpace: true)
        default: return nil
        }
        return (decode(decoded, charset: charset), textEnd + 2)
    }

    /// An RFC 5322 date-time (`Tue, 1 Dec 2026 10:15:00 +0100`, obsolete zone names too), in UTC.
    /// Every number is range-checked before any arithmetic (year 1…9999, at most three time parts,
    /// seconds 0…60, zone at most ±2359), so no header or CSV cell can overflow it.
    package static func date(_ text: String) -> Date? {
        var words = text.prefix(200).replacing(",", with: " ").split(whereSeparator: \.isWhitespace).map(String.init)
        if let first = words.first, first.count == 3, Int(first) == nil { words.removeFirst() }
        guard words.count >= 4, let day = number(words[0], digits: 2), let year = number(words[2], digits: 4) else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let monthIndex = months.firstIndex(of: String(words[1].lowercased().prefix(3))) else { return nil }
        let fullYear = year < 50 ? 2000 + year : year < 1000 ? 1900 + year : year
        let parts = words[3].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        let time = parts.compactMap { number($0, digits: 2) }
        guard time.count == parts.count, (1...9999).contains(fullYear),
              (1...Timestamp.daysIn(month: Int64(monthIndex + 1), year: Int64(fullYear))).contains(Int64(day)),
              (0...23).contains(time[0]), (0...59).contains(time[1]), time.count < 3 || (0...60).contains(time[2]) else { return nil }
        var offsetMinutes = 0
        if words.count >= 5 {
            let zone = words[4]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let value = number(zone.dropFirst(), digits: 4) {
                guard value <= 2359, value % 100 < 60 else { return nil }
                offsetMinutes = (value / 100 * 60 + value % 100) * (sign == "-" ? -1 : 1)
            } else {
                let named = ["ut": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
                             "pst": -480, "pdt": -420]
                offsetMinutes = named[zone.lowercased()] ?? 0
            }
        }
        let days = Timestamp.days(fromCivil: Int64(fullYear), Int64(monthIndex + 1), Int64(day))
        let seconds = days * 86_400 + Int64(time[0] * 3_600 + time[1] * 60 + (time.count > 2 ? time[2] : 0)) - Int64(offsetMinutes * 60)
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// A run of 1 to `digits` ASCII digits as a number; anything else (a sign, more digits) is nil.
    private static func number(_ text: some StringProtocol, digits: Int) -> Int? {
        guard (1...digits).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }
}
