import Archives
import Core

/// The text of a Word document (`.docx`): its `word/document.xml` read from the ZIP (bounded by
/// `ZipArchive`'s limits) and scanned once, linearly, without an XML library: the characters of
/// `w:t` runs, `w:tab` as a tab, `w:br`/`w:cr` as line breaks, one line per `w:p` paragraph,
/// character references decoded. Anything that is not a ZIP holding `word/document.xml` is
/// refused, so a renamed file cannot pass for a document.
package enum DocxText {
    package static let documentPath = "word/document.xml"

    package static func text(of bytes: [UInt8], limits: ZipArchive.Limits = ZipArchive.Limits(maxEntries: 5_000, maxEntryBytes: 50 << 20,
                                                                                               maxTotalBytes: 50 << 20)) throws -> String {
        guard ZipArchive.looksLikeZip(bytes) else {
            throw BundleError.validation(field: "file", "the .docx file is not a Word document (not a ZIP archive); save it from Word as .docx")
        }
        var archive = try ZipArchive(bytes: bytes, limits: limits)
        guard let xml = try archive.read(named: documentPath) else {
            throw BundleError.validation(field: "file", "the .docx file has no \(documentPath); is it a Word document?")
        }
        return text(ofDocumentXML: xml)
    }

    /// The text of `word/document.xml`'s bytes.
    package static func text(ofDocumentXML bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4)
        var inText = false
        // `w:tab` inside `w:tabs` defines a tab stop, not a tab.
        var inTabStops = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { break }
                let tag = bytes[(index + 1)..<close]
                let closing = tag.first == UInt8(ascii: "/")
                let selfClosing = tag.last == UInt8(ascii: "/")
                switch name(tag) {
                case "w:t": inText = !closing && !selfClosing
                case "w:tabs": inTabStops = !closing && !selfClosing
                case "w:tab" where !closing && !inTabStops: output.append(0x09)
                case "w:br", "w:cr": if !closing { output.append(0x0A) }
                case "w:p" where closing: output.append(0x0A)
                default: break
                }
                index = close + 1
            } else if inText {
                if byte == UInt8(ascii: "&") {
                    let (decoded, next) = XMLEntities.decode(bytes, at: index)
                    output += decoded
                    index = next
                } else {
                    output.append(byte)
                    index += 1
                }
            } else {
                index += 1
            }
        }
        var text = String(decoding: output, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The qualified name of a tag from the text between `<` and `>` (`/w:p`, `w:t xml:space=…`).
    static func name(_ tag: ArraySlice<UInt8>) -> String {
        var name: [UInt8] = []
        for byte in tag.drop(while: { $0 == UInt8(ascii: "/") }) {
            guard byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D, byte != UInt8(ascii: "/"), name.count < 32 else { break }
            name.append(byte)
        }
        return String(decoding: name, as: UTF8.self)
    }
}
