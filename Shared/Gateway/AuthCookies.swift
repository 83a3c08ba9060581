/// Reads a request's `Cookie` header (RFC 6265 section 4.2: `name=value; name2=value2`). A
/// browser's header, or anyone's: one pass, at most `maxBytes` read (a longer header counts as no
/// cookies at all) and `maxCount` pairs kept; a pair whose name is not a token or whose value has
/// bytes a cookie cannot hold is skipped, so a broken cookie is an absent one.
package enum AuthCookies {
    package static let maxBytes = 8192
    package static let maxCount = 64

    package static func parse(_ header: String?) -> [(name: String, value: String)] {
        guard let header, header.utf8.count <= maxBytes else { return [] }
        var pairs: [(name: String, value: String)] = []
        for piece in Array(header.utf8).split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: true) {
            guard pairs.count < maxCount else { break }
            guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = trimmed(piece[piece.startIndex..<equals])
            var value = trimmed(piece[piece.index(after: equals)...])
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            guard !name.isEmpty, name.count <= 256, name.allSatisfy(isTokenByte), value.allSatisfy(isCookieOctet) else { continue }
            pairs.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return pairs
    }

    /// The first cookie with this name (a browser sends the most specific path first).
    package static func value(named name: String, in header: String?) -> String? {
        parse(header).first { $0.name == name }?.value
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 32 || first == 9 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice = slice.dropLast() }
        return slice
    }

    /// RFC 7230 `tchar`: visible ASCII other than separators.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        byte > 32 && byte < 127 && !"()<>@,;:\\\"/[]?={}".utf8.contains(byte)
    }

    /// RFC 6265 `cookie-octet`: visible ASCII other than `"`, `,`, `;` and `\`.
    private static func isCookieOctet(_ byte: UInt8) -> Bool {
        byte > 32 && byte < 127 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: ",") && byte != UInt8(ascii: ";") && byte != UInt8(ascii: "\\")
    }
}
