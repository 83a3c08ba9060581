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
        var fields: [String: JSONValue] = [:]
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
                let value = SchemaCoercion.coerce(.string(text), to: properties[name])
                switch fields[name] {
                case nil: fields[name] = value
                case .array(let values)?: fields[name] = .array(values + [value])
                case let existing?: fields[name] = .array([existing, value])
                }
            }
        }
        if !files.isEmpty { fields["files"] = .array(files) }
        return fields
    }

    struct Part {
        var headers: [String: String]
        var body: [UInt8]
    }

    static func parts(_ body: [UInt8], boundary: [UInt8]) throws -> [Part] {
        guard var cursor = find(boundary, in: body, from: 0) else {
            throw BundleError(.invalidRequest, "the multipart body does not contain its boundary")
        }
        var parts: [Part] = []
        while true {
            cursor += boundary.count
            if body[cursor...].starts(with: [45, 45]) { return parts }  // "--": the closing boundary
            cursor = skipLineEnd(body, cursor)
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: cursor) ?? find([10, 10], in: body, from: cursor) else {
                throw BundleError(.invalidRequest, "a multipart part has no end to its headers")
            }
            let separatorLength = body[headerEnd] == 13 ? 4 : 2
            let headers = parseHeaders(body[cursor..<headerEnd])
            let contentStart = headerEnd + separatorLength
            guard let next = find([13, 10] + boundary, in: body, from: contentStart).map({ ($0, 2) })
                    ?? find([10] + boundary, in: body, from: contentStart).map({ ($0, 1) }) else {
                throw BundleError(.invalidRequest, "the multipart body ends before its closing boundary")
            }
            parts.append(Part(headers: headers, body: Array(body[contentStart..<next.0])))
            cursor = next.0 + next.1
        }
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

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
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
