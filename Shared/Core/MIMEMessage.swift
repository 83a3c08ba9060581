import FoundationEssentials

/// An e-mail message (RFC 5322 with MIME, RFC 2045–2047) read from its bytes: headers unfolded,
/// encoded-word headers decoded, and the message's readable text chosen from its parts (text/plain
/// preferred, else text/html turned into text), transfer encodings (quoted-printable, base64) and
/// charsets (UTF-8, Latin-1, Windows-1252, US-ASCII) undone. Uploaded `.eml` files come from
/// anyone, so reading is linear in the bytes and bounded: header count, nesting depth and the
/// number of parts. Attachments are skipped, never decoded.
package struct MIMEMessage: Sendable {
    /// The bounds a message is read under.
    package struct Limits: Sendable {
        package var maxHeaders = 500
        package var maxDepth = 8
        package var maxParts = 200

        package init() {}
    }

    /// One header as it arrived, unfolded (encoded words still encoded).
    package struct Header: Sendable, Equatable {
        package var name: String
        package var value: String
    }

    /// One leaf part: its media type (lower-cased), parameters and decoded bytes.
    package struct Part: Sendable {
        package var mediaType: String
        package var charset: String?
        package var isAttachment: Bool
        package var body: [UInt8]

        /// The body as text in its charset, line breaks as LF (mail's canonical CRLF dropped).
        package var text: String { MIMEDecoding.decode(body, charset: charset).replacing("\r\n", with: "\n") }
    }

    package var headers: [Header]
    /// The leaf parts in the order they appear.
    package var parts: [Part]

    package init(bytes: [UInt8], limits: Limits = Limits()) throws {
        var partCount = 0
        let entity = try Self.entity(bytes[...], depth: 0, limits: limits, partCount: &partCount)
        headers = entity.headers
        parts = entity.parts
    }

    /// The first header of this name (case-insensitive), unfolded with encoded words decoded;
    /// only its first `maxHeaderText` characters are read (a subject or sender is cut far shorter).
    package func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }.map { MIMEDecoding.decodeWords(String($0.value.prefix(Self.maxHeaderText))).trimmingWhitespace() }
    }

    package static let maxHeaderText = 16_384

    package var subject: String? { header("Subject") }
    package var from: String? { header("From") }
    package var to: String? { header("To") }
    /// The `Date` header read as RFC 5322 date-time, when it is one.
    package var date: Date? { header("Date").flatMap(MIMEDecoding.date) }

    /// The readable text: the first text/plain part that is not an attachment, else the first
    /// text/html part as text; nil when there is neither.
    package var text: String? {
        let inline = parts.filter { !$0.isAttachment }
        if let plain = inline.first(where: { $0.mediaType == "text/plain" }) { return plain.text }
        if let html = inline.first(where: { $0.mediaType == "text/html" }) { return HTMLText.text(html.text) }
        return nil
    }

    private struct Entity {
        var headers: [Header]
        var parts: [Part]
    }

    private static func entity(_ bytes: ArraySlice<UInt8>, depth: Int, limits: Limits, partCount: inout Int) throws -> Entity {
        guard depth <= limits.maxDepth else {
            throw BundleError(.validationFailed, "the message nests parts more than \(limits.maxDepth) deep")
        }
        let (headers, bodyStart) = try readHeaders(bytes, limit: limits.maxHeaders)
        let body = bytes[bodyStart...]
        func value(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
        let contentType = HeaderValue(value("content-type") ?? "text/plain")
        let mediaType = contentType.token.isEmpty ? "text/plain" : contentType.token
        if mediaType.hasPrefix("multipart/"), let boundary = contentType.parameters["boundary"], !boundary.isEmpty {
            var parts: [Part] = []
            for section in MIMEDecoding.sections(body, boundary: Array(boundary.utf8), limit: limits.maxParts + 1) {
                partCount += 1
                guard partCount <= limits.maxParts else {
                    throw BundleError(.validationFailed, "the message has more than \(limits.maxParts) parts")
                }
                parts += try entity(section, depth: depth + 1, limits: limits, partCount: &partCount).parts
            }
            return Entity(headers: headers, parts: parts)
        }
        let disposition = HeaderValue(value("content-disposition") ?? "")
        let isAttachment = disposition.token == "attachment" || (disposition.parameters["filename"] != nil && !mediaType.hasPrefix("text/"))
        let encoding = (value("content-transfer-encoding") ?? "").trimmingWhitespace().lowercased()
        // Attachments and other non-text parts are never decoded: their bytes are not read.
        let decoded: [UInt8] = isAttachment || !mediaType.hasPrefix("text/") ? [] : MIMEDecoding.transferDecode(body, encoding: encoding)
        return Entity(headers: headers, parts: [Part(mediaType: mediaType, charset: contentType.parameters["charset"]?.lowercased(),
                                                     isAttachment: isAttachment, body: decoded)])
    }

    /// Header lines up to the first empty line (CRLF or LF); a line starting with space or tab
    /// continues the previous header. Returns where the body starts.
    private static func readHeaders(_ bytes: ArraySlice<UInt8>, limit: Int) throws -> ([Header], Int) {
        var headers: [Header] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            var end = index
            while end < bytes.endIndex, bytes[end] != 0x0A { end += 1 }
            let next = end < bytes.endIndex ? end + 1 : end
            var lineEnd = end
            if lineEnd > index, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd == index { return (headers, next) }
            let line = bytes[index..<lineEnd]
            if line.first == 0x20 || line.first == 0x09, !headers.isEmpty {
                headers[headers.count - 1].value += MIMEDecoding.text(line)
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                guard headers.count < limit else {
                    throw BundleError(.validationFailed, "the message has more than \(limit) header lines")
                }
                let name = MIMEDecoding.text(line[line.startIndex..<colon]).trimmingWhitespace()
                headers.append(Header(name: name, value: MIMEDecoding.text(line[(colon + 1)...]).trimmingWhitespace()))
            } else if headers.isEmpty {
                // No header block at all: the whole thing is the body.
                return ([], bytes.startIndex)
            }
            index = next
        }
        return (headers, bytes.endIndex)
    }
}

/// A structured header value: `token; name=value; name="quoted value"`, names lower-cased.
struct HeaderValue {
    var token: String
    var parameters: [String: String] = [:]

    init(_ raw: String) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in raw {
            if character == "\"" { quoted.toggle(); current.append(character); continue }
            if character == ";" && !quoted { pieces.append(current); current = ""; continue }
            current.append(character)
        }
        pieces.append(current)
        token = pieces[0].trimmingWhitespace().lowercased()
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingWhitespace().lowercased()
            var value = piece[piece.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if parameters[name] == nil { parameters[name] = value }
        }
    }
}
