import Core

/// The name an uploaded file is stored and offered under. A client's name is only a label:
/// the basename (anything up to the last `/` or `\` dropped, so `../../etc/passwd` is `passwd`),
/// without control or bidirectional-override characters, leading dots or surrounding spaces, at
/// most `maximumBytes` of UTF-8 (the stem is cut, the extension kept), `file` when nothing is left.
///
/// The extension is made to tell the truth: the content decides the type (`FileType.detect`),
/// so a PNG uploaded as `x.pdf` is stored as `x.png`. A name whose extension belongs to another
/// accepted type has it replaced; any other extension is kept and the right one appended
/// (`page.html` holding text is `page.html.txt`), so a downloaded file never opens as something
/// it is not. Text keeps the common plain-text extensions (`.md`, `.csv`, `.json`…).
package enum FileName {
    package static let maximumBytes = 255
    package static let fallback = "file"

    /// The sanitised name with an extension that matches `type`.
    package static func stored(_ raw: String, type: FileType) -> String {
        matching(sanitized(raw), type: type)
    }

    /// Basename, cleaned and bounded (see the type's comment); never empty.
    package static func sanitized(_ raw: String) -> String {
        // Bounded before any work: a name longer than this is cut anyway.
        var name = Substring(raw.prefix(4_096))
        if let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) { name = name[name.index(after: slash)...] }
        let scalars = name.unicodeScalars.filter { !isUnwanted($0) }
        var cleaned = String(String.UnicodeScalarView(scalars)).trimmingWhitespace()
        while cleaned.hasPrefix(".") { cleaned = String(cleaned.dropFirst()).trimmingWhitespace() }
        return cleaned.isEmpty ? fallback : bounded(cleaned)
    }

    /// `name` with its extension replaced or completed so it names `type`.
    package static func matching(_ name: String, type: FileType) -> String {
        let (stem, ext) = split(name)
        let lowered = ext?.lowercased()
        if let lowered, lowered == type.fileExtension || type.otherExtensions.contains(lowered) { return name }
        let known = FileType.allCases.flatMap { [$0.fileExtension, $0.rawValue] + $0.otherExtensions }
        let base = lowered.map { known.contains($0) } == true ? stem : name
        return bounded(base, reserving: type.fileExtension.utf8.count + 1) + "." + type.fileExtension
    }

    /// The part of a storage key that comes from the name: ASCII letters, digits, `.`, `-` and `_`
    /// (anything else `_`), at most 100 bytes. The key must be safe on any disk and in any S3 URL;
    /// the person's name stays in the `filename` column.
    package static func keyComponent(_ name: String) -> String {
        let allowed = name.unicodeScalars.prefix(100).map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        let text = String(allowed)
        return text.hasPrefix(".") ? "_" + text.dropFirst() : text
    }

    /// ASCII for a `Content-Disposition` `filename=` (quotes and backslashes replaced), next to
    /// the exact name in `filename*` (RFC 6266, RFC 8187).
    package static func contentDisposition(_ name: String, inline: Bool) -> String {
        let ascii = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar.value != 0x7F ? Character(scalar) : "_"
        })
        return "\(inline ? "inline" : "attachment"); filename=\"\(ascii)\"; filename*=UTF-8''\(URLEncoding.component(name))"
    }

    /// The stem and the extension (without the dot); a leading dot does not start an extension.
    static func split(_ name: String) -> (stem: String, ext: String?) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, nil) }
        let ext = name[name.index(after: dot)...]
        guard !ext.isEmpty, ext.count <= 10, !ext.contains(" ") else { return (name, nil) }
        return (String(name[..<dot]), String(ext))
    }

    /// Control characters (C0, DEL, C1) and the invisible characters that reorder or hide text
    /// (bidirectional overrides and isolates, zero-width marks): `invoice‮fdp.exe` must not
    /// display as `invoiceexe.pdf`.
    static func isUnwanted(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0x200B...0x200F).contains(value) || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value) || value == 0xFEFF
    }

    /// At most `maximumBytes - reserving` bytes of UTF-8, cut on a character boundary; an
    /// extension that fits is kept and the stem cut instead.
    static func bounded(_ name: String, reserving: Int = 0) -> String {
        let limit = maximumBytes - reserving
        guard name.utf8.count > limit else { return name }
        let (stem, ext) = split(name)
        let suffix = ext.map { "." + $0 } ?? ""
        let room = limit - suffix.utf8.count
        var cut = ""
        for character in stem {
            guard cut.utf8.count + character.utf8.count <= room else { break }
            cut.append(character)
        }
        let result = cut.trimmingWhitespace() + suffix
        return result.isEmpty || result.hasPrefix(".") ? fallback : result
    }
}
