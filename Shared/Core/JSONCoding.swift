import FoundationEssentials

/// The one place where the bundle's JSON encoding rules live: sorted keys (stable output for
/// fixtures and diffs), unescaped slashes, and times as UTC ISO-8601 with `Z`.
package enum JSONCoding {
    package static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        var format: JSONEncoder.OutputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { format.insert(.prettyPrinted) }
        encoder.outputFormatting = format
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO-8601 time such as 2026-01-05T09:00:00Z")
            }
            return date
        }
        return decoder
    }

    package static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> [UInt8] {
        Array(try encoder(pretty: pretty).encode(value))
    }

    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decoder().decode(type, from: Data(bytes))
    }

    package static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try decode(type, from: Array(text.utf8))
    }

    package static func text<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        (try? String(decoding: encode(value, pretty: pretty), as: UTF8.self)) ?? "null"
    }

    /// Turns a decoding failure into a message that names the field, as the contract asks:
    /// `"score": expected a number`.
    package static func describe(_ error: any Error) -> (field: String?, problem: String) {
        guard let error = error as? DecodingError else {
            return (nil, "is not valid JSON")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(typeDescription(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(typeDescription(type)), got null")
        case .keyNotFound(let key, let context):
            return (path(context.codingPath + [key]), "is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return (nil, "is not valid JSON") }
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return (nil, "could not be decoded")
        }
    }

    package static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "(input)" : result
    }

    private static func typeDescription(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: return "a string"
        case is Bool.Type: return "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Date.Type: return "an ISO-8601 time"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            if name.hasPrefix("Optional<") {
                return "a value"
            }
            return "an object"
        }
    }
}
