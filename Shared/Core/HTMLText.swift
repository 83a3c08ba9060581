/// HTML (an e-mail's text/html part) as plain text, by one linear scan: tags dropped, block tags
/// and `<br>` become line breaks, `<script>`/`<style>` contents and comments skipped, character
/// references decoded, runs of spaces collapsed and blank lines squeezed. Not a renderer: enough
/// to read what the mail said.
package enum HTMLText {
    static let blockTags: Set<String> = ["p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                                          "blockquote", "pre", "hr", "section", "article", "header", "footer", "title"]

    package static func text(_ html: String) -> String {
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<"), index + 1 < bytes.count, case let next = bytes[index + 1] | 0x20,
               !(next >= 0x61 && next <= 0x7A) && !"/!?".utf8.contains(bytes[index + 1]) {
                // Not a tag: "price < 5" keeps its "< 5". (`<?xml …?>` and Outlook's
                // `<?xml:namespace … />` are processing instructions: skipped like tags.)
                output.append(byte)
                index += 1
            } else if byte == UInt8(ascii: "<") {
                if matches(bytes, index, "<!--") {
                    index = find(bytes, "-->", from: index + 4).map { $0 + 3 } ?? bytes.count
                    continue
                }
                guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { break }
                let name = tagName(bytes[(index + 1)..<close])
                index = close + 1
                if name == "script" || name == "style" {
                    index = find(bytes, "</" + name, from: index).flatMap { bytes[$0...].firstIndex(of: UInt8(ascii: ">")) }.map { $0 + 1 } ?? bytes.count
                    continue
                }
                if blockTags.contains(name) { output.append(0x0A) } else if name == "td" || name == "th" { output.append(0x20) }
            } else if byte == UInt8(ascii: "&") {
                let (decoded, next) = XMLEntities.decode(bytes, at: index)
                output += decoded
                index = next
            } else {
                output.append(byte)
                index += 1
            }
        }
        return tidy(String(decoding: output, as: UTF8.self))
    }

    /// Lines trimmed with inner runs of spaces collapsed, at most one blank line in a row.
    package static func tidy(_ text: String) -> String {
        var lines: [String] = []
        var blank = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{A0}" })
            if words.isEmpty {
                if !blank { lines.append("") }
                blank = true
            } else {
                lines.append(words.joined(separator: " "))
                blank = false
            }
        }
        while lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The lower-cased name of a tag from the text between `<` and `>` (`/p` and `p class=x` give "p").
    static func tagName(_ inside: ArraySlice<UInt8>) -> String {
        var name: [UInt8] = []
        var started = false
        for byte in inside {
            if byte == UInt8(ascii: "/") && !started { continue }
            let isNameByte = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || (started && byte >= 0x30 && byte <= 0x39)
            guard isNameByte, name.count < 16 else { break }
            started = true
            name.append(byte | 0x20)
        }
        return String(decoding: name, as: UTF8.self)
    }

    static func matches(_ bytes: [UInt8], _ at: Int, _ text: String) -> Bool {
        let pattern = Array(text.utf8)
        guard at + pattern.count <= bytes.count else { return false }
        for (offset, byte) in pattern.enumerated() where (bytes[at + offset] | (byte >= 0x61 ? 0x20 : 0)) != byte { return false }
        return true
    }

    /// The first case-insensitive occurrence of `text` (ASCII, distinct first byte) at or after `from`.
    static func find(_ bytes: [UInt8], _ text: String, from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            if matches(bytes, index, text) { return index }
            index += 1
        }
        return nil
    }
}

/// Character references of XML and HTML (`&amp;`, `&#8217;`, `&#x2019;`, the common named ones),
/// shared by the HTML and Word readers.
package enum XMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "mdash": "—", "ndash": "–", "hellip": "…",
        "rsquo": "’", "lsquo": "‘", "ldquo": "“", "rdquo": "”", "copy": "©", "reg": "®", "euro": "€", "trade": "™", "bull": "•",
    ]

    /// The reference starting at `at` (an `&`) as UTF-8 and the index after it; an unknown or
    /// unterminated one is kept as the `&` alone.
    package static func decode(_ bytes: [UInt8], at: Int) -> ([UInt8], Int) {
        var end = at + 1
        while end < bytes.count, end - at <= 12, bytes[end] != UInt8(ascii: ";") {
            let byte = bytes[end]
            guard (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte >= 0x30 && byte <= 0x39 || byte == UInt8(ascii: "#") else { break }
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > at + 1 else { return ([bytes[at]], at + 1) }
        let name = String(decoding: bytes[(at + 1)..<end], as: UTF8.self)
        if let text = named[name] { return (Array(text.utf8), end + 1) }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            // `&#0;` and the other C0 controls but tab and line breaks are dropped: stored text holds none.
            if let value, value < 0x20, value != 0x09, value != 0x0A, value != 0x0D { return ([], end + 1) }
            if let value, let scalar = Unicode.Scalar(value) { return (Array(String(Character(scalar)).utf8), end + 1) }
        }
        return ([bytes[at]], at + 1)
    }
}

/// Text as it may be stored: no NUL (PostgreSQL's TEXT refuses it) and no other C0 control
/// character but tab, line feed and carriage return, whatever decoding produced them (a
/// quoted-printable `=00`, a base64 part, a JSON `\u0000`).
package enum StorableText {
    package static func clean(_ text: String) -> String {
        func unwanted(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" }
        guard text.unicodeScalars.contains(where: unwanted) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { !unwanted($0) }))
    }
}
