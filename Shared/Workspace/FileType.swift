import Core

/// The kinds of file a conversation accepts, decided by the content's first bytes (magic
/// numbers), never by the name or the type the client declared: a PNG named `x.pdf` is a PNG, an
/// executable named `x.png` is refused. Plain text is tried last (valid UTF-8 without NUL), so a
/// binary format that happens to be valid UTF-8 is taken for what its signature says.
package enum FileType: String, CaseIterable, Codable, Sendable {
    case jpeg, png, gif, webp, pdf, svg, text

    /// The MIME type stored as `file_type` and served as Content-Type.
    package var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        case .svg: "image/svg+xml"
        case .text: "text/plain; charset=utf-8"
        }
    }

    /// The extension a stored name ends with (`FileName.matching`).
    package var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        case .text: "txt"
        default: rawValue
        }
    }

    /// Other extensions that name this type correctly and are kept as they are.
    var otherExtensions: [String] {
        switch self {
        case .jpeg: ["jpeg", "jpe"]
        case .text: ["md", "markdown", "csv", "tsv", "log", "json", "yaml", "yml", "toml", "ini"]
        default: []
        }
    }

    /// True when a browser may show it in place: never SVG (a script inside would run on our
    /// origin if it were rendered inline), which is always an attachment served with CSP sandbox.
    package var servedInline: Bool { self != .svg }

    /// What an error lists as accepted.
    package static let acceptedDescription = "JPEG, PNG, GIF, WebP, PDF, SVG or plain text (UTF-8)"

    /// The MIME types a stored row may hold (the output schemas' enum).
    package static var mimeTypes: [String] { allCases.map(\.mimeType) }

    /// The type of `bytes`, or nil when it is none of the accepted ones.
    package static func detect(_ bytes: [UInt8]) -> FileType? {
        if starts(bytes, [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(bytes, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(bytes, Array("GIF87a".utf8)) || starts(bytes, Array("GIF89a".utf8)) { return .gif }
        if starts(bytes, Array("RIFF".utf8)), bytes.count >= 12, Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        if starts(bytes, Array("%PDF-".utf8)) { return .pdf }
        if SVGSniffer.isSVG(bytes) { return .svg }
        if !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil { return .text }
        return nil
    }

    /// The type for a stored MIME type (rows written by this code always have one).
    package init?(mimeType: String) {
        guard let type = FileType.allCases.first(where: { $0.mimeType == mimeType }) else { return nil }
        self = type
    }

    private static func starts(_ bytes: [UInt8], _ prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && bytes[0..<prefix.count].elementsEqual(prefix)
    }
}

/// Whether XML text's root element is `svg`: after an optional UTF-8 byte order mark, whitespace,
/// the XML declaration and other processing instructions, comments and a doctype (with an
/// internal subset), the first element's name is `svg` (or `prefix:svg`). Reads at most
/// `scanLimit` bytes, once, forward: a file whose prolog is longer is not taken for SVG (it is
/// then plain text, which is served inline only as `text/plain` with `nosniff`).
enum SVGSniffer {
    static let scanLimit = 64 << 10

    static func isSVG(_ bytes: [UInt8]) -> Bool {
        let end = min(bytes.count, scanLimit)
        var index = 0
        if end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        while index < end {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1; continue }
            guard byte == UInt8(ascii: "<") else { return false }
            if has(bytes, at: index, "<?") {
                guard let close = find(bytes, "?>", from: index + 2, end: end) else { return false }
                index = close + 2
            } else if has(bytes, at: index, "<!--") {
                guard let close = find(bytes, "-->", from: index + 4, end: end) else { return false }
                index = close + 3
            } else if has(bytes, at: index, "<!") {
                guard let close = doctypeEnd(bytes, from: index + 2, end: end) else { return false }
                index = close + 1
            } else {
                return rootIsSVG(bytes, nameStart: index + 1, end: end)
            }
        }
        return false
    }

    /// The element name at `nameStart` is `svg` or `<prefix>:svg`, followed by a space, `>` or `/`.
    private static func rootIsSVG(_ bytes: [UInt8], nameStart: Int, end: Int) -> Bool {
        var index = nameStart
        while index < end, index - nameStart < 256 {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { break }
            index += 1
        }
        guard index < end else { return false }
        let name = bytes[nameStart..<index]
        let local = name.lastIndex(of: UInt8(ascii: ":")).map { name[($0 + 1)...] } ?? name
        return local.elementsEqual("svg".utf8)
    }

    /// The `>` closing a `<!DOCTYPE …>` whose internal subset (`[ … ]`) may hold `>`.
    private static func doctypeEnd(_ bytes: [UInt8], from start: Int, end: Int) -> Int? {
        var inSubset = false
        var quote: UInt8?
        var index = start
        while index < end {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "[") {
                inSubset = true
            } else if byte == UInt8(ascii: "]") {
                inSubset = false
            } else if byte == UInt8(ascii: ">"), !inSubset {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func has(_ bytes: [UInt8], at index: Int, _ text: String) -> Bool {
        let pattern = Array(text.utf8)
        return index + pattern.count <= bytes.count && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
    }

    private static func find(_ bytes: [UInt8], _ text: String, from start: Int, end: Int) -> Int? {
        let pattern = Array(text.utf8)
        var index = start
        while index + pattern.count <= end {
            if bytes[index] == pattern[0], bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}
