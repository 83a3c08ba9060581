import Core
import FoundationEssentials

/// `multipart/form-data` (RFC 7578): plain parts become fields (text, converted by the input
/// schema like form fields); parts with a filename become entries of `files`, each with its field
/// name, filename, content type, size, and its content as `text` when it is UTF-8 or as
/// `content_base64` when it is not.
enum Multipart {
    static func fields(body: [UInt8], contentType: String, properties: [String: JSONValue]) throws -> [String: JSONValue] {
        guard let boundary = HeaderParameters.parse(contentType)["boundary"], !boundary.isEmpty else {
            throw BundleError(.invalidRequest, "the multipart body has no boundary in its Content-Type")
        }
        try checkBoundary(boundary)
        var fields = RepeatedFields()
        var files: [JSONValue] = []
        for part in try parts(body, boundary: Array("--\(boundary)".utf8)) {
            let disposition = HeaderParameters.parse(part.headers["content-disposition"] ?? "")
            guard let name = disposition["name"] else {
                throw BundleError(.invalidRequest, "a multipart part has no name in its Content-Disposition")
            }
            if let filename = disposition["filename*"].flatMap(Self.extendedValue) ?? disposition["filename"] {
                var file: [String: JSONValue] = [
                    "field": .string(name), "filename": .string(filename), "size": .number(Double(part.body.count)),
                    "content_type": .string(part.headers["content-type"] ?? "application/octet-stream"),
                ]
                if let text = String(validating: part.body, as: UTF8.self) {
                    file["text"] = .string(text)
                } else {
                    file["content_base64"] = .string(Data(part.body).base64EncodedString())
                }
                files.append(.object(file))
            } else {
                guard let text = String(validating: part.body, as: UTF8.self) else {
                    throw BundleError(.invalidRequest, "multipart field \(name) is not UTF-8 text; send binary content as a file")
                }
                fields.append(.string(text), to: name)
            }
        }
        // Converted once grouped, as form fields are: repeated values by the schema's `items`.
        var result = fields.fields.reduce(into: [String: JSONValue]()) { $0[$1.key] = SchemaCoercion.coerce($1.value, to: properties[$1.key]) }
        if !files.isEmpty { result["files"] = .array(files) }
        return result
    }

    /// One part; its body is a slice of the request body (no copy: a 50 MB upload is copied once,
    /// into its `text` or `content_base64`).
    struct Part {
        var headers: [String: String]
        var body: ArraySlice<UInt8>
    }

    /// RFC 2046 §5.1.1: at most 70 characters, from `bchars`, not ending in a space. A longer
    /// boundary would make every delimiter check cost as much as the boundary is long.
    static let maxBoundaryLength = 70

    static func checkBoundary(_ boundary: String) throws {
        let bytes = Array(boundary.utf8)
        guard bytes.count <= maxBoundaryLength else {
            throw BundleError(.invalidRequest, "the multipart boundary is longer than \(maxBoundaryLength) characters (RFC 2046)")
        }
        let allowed = Set("'()+_,-./:=? ".utf8)
        guard bytes.allSatisfy({ isAlphanumeric($0) || allowed.contains($0) }), bytes.last != UInt8(ascii: " ") else {
            throw BundleError(.invalidRequest, "the multipart boundary has a character RFC 2046 does not allow")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    /// The parts in order, in one pass over the body: a delimiter is `--boundary` at the start of
    /// a line (the body's start, or after LF), so only line starts are compared, each once, and
    /// each comparison is at most a bounded boundary long; at most `limit` parts.
    static func parts(_ body: [UInt8], boundary: [UInt8], limit: Int = FormEncoding.maxFields) throws -> [Part] {
        guard var cursor = lineStarting(with: boundary, in: body, from: 0, atStart: true) else {
            throw BundleError(.invalidRequest, "the multipart body does not contain its boundary")
        }
        var parts: [Part] = []
        while true {
            cursor += boundary.count
            if body[cursor...].starts(with: [45, 45]) { return parts }  // "--": the closing boundary
            guard parts.count < limit else { throw FormEncoding.tooMany(limit: limit, what: "multipart parts") }
            cursor = skipLineEnd(body, cursor)
            guard let (headerEnd, contentStart) = headerBlockEnd(body, from: cursor) else {
                throw BundleError(.invalidRequest, "a multipart part has no end to its headers")
            }
            let headers = parseHeaders(body[cursor..<headerEnd])
            // The line end before a delimiter belongs to it: the content ends before that LF.
            guard let next = lineStarting(with: boundary, in: body, from: contentStart, atStart: false) else {
                throw BundleError(.invalidRequest, "the multipart body ends before its closing boundary")
            }
            let lineFeed = next - 1
            let contentEnd = lineFeed > contentStart && body[lineFeed - 1] == 13 ? lineFeed - 1 : lineFeed
            parts.append(Part(headers: headers, body: body[contentStart..<contentEnd]))
            cursor = next
        }
    }

    /// Where a part's headers end (the empty line: CRLF CRLF, or LF LF) and its content starts.
    private static func headerBlockEnd(_ body: [UInt8], from start: Int) -> (Int, Int)? {
        var index = start
        while index < body.count {
            if body[index] == 10 {
                let lineStart = index > start && body[index - 1] == 13 ? index - 1 : index
                if index + 1 < body.count, body[index + 1] == 10 { return (lineStart, index + 2) }
                if index + 2 < body.count, body[index + 1] == 13, body[index + 2] == 10 { return (lineStart, index + 3) }
            }
            index += 1
        }
        return nil
    }

    private static func parseHeaders(_ bytes: ArraySlice<UInt8>) -> [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingWhitespace().lowercased()] = line[line.index(after: colon)...].trimmingWhitespace()
        }
        return headers
    }

    private static func skipLineEnd(_ body: [UInt8], _ index: Int) -> Int {
        var index = index
        while index < body.count, body[index] == 32 || body[index] == 9 { index += 1 }  // transport padding
        if index < body.count, body[index] == 13 { index += 1 }
        if index < body.count, body[index] == 10 { index += 1 }
        return index
    }

    /// Where the first line at or after `start` that begins with `prefix` begins: a line begins
    /// after an LF at index `start` or later (or at `start` itself when `atStart`). Each line
    /// start is compared once, so the cost is linear in the body for a bounded prefix.
    private static func lineStarting(with prefix: [UInt8], in body: [UInt8], from start: Int, atStart: Bool) -> Int? {
        if atStart, body[start...].starts(with: prefix) { return start }
        var index = start
        while let lineFeed = body[index...].firstIndex(of: 10) {
            let lineStart = lineFeed + 1
            if body[lineStart...].starts(with: prefix) { return lineStart }
            index = lineStart
        }
        return nil
    }

    /// RFC 5987 `UTF-8''na%C3%AFve.csv`.
    private static func extendedValue(_ text: String) -> String? {
        let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        return PercentEncoding.decode(String(parts[2]))
    }
}

/// `type/subtype; name=value; name="quoted value"` parameters, names lower-cased.
package enum HeaderParameters {
    package static func parse(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        var index = header.startIndex
        // Skip the leading value (media type or disposition).
        while index < header.endIndex, header[index] != ";" { index = header.index(after: index) }
        while index < header.endIndex {
            index = header.index(after: index)  // past ";"
            var name = ""
            while index < header.endIndex, header[index] != "=", header[index] != ";" {
                name.append(header[index])
                index = header.index(after: index)
            }
            name = name.trimmingWhitespace().lowercased()
            var value = ""
            if index < header.endIndex, header[index] == "=" {
                index = header.index(after: index)
                while index < header.endIndex, header[index] == " " { index = header.index(after: index) }
                if index < header.endIndex, header[index] == "\"" {
                    index = header.index(after: index)
                    while index < header.endIndex, header[index] != "\"" {
                        if header[index] == "\\", header.index(after: index) < header.endIndex { index = header.index(after: index) }
                        value.append(header[index])
                        index = header.index(after: index)
                    }
                    if index < header.endIndex { index = header.index(after: index) }
                    while index < header.endIndex, header[index] != ";" { index = header.index(after: index) }
                } else {
                    while index < header.endIndex, header[index] != ";" {
                        value.append(header[index])
                        index = header.index(after: index)
                    }
                    value = value.trimmingWhitespace()
                }
            }
            if !name.isEmpty { result[name] = value }
        }
        return result
    }
}
