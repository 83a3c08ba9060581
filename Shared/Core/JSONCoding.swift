/// The one place where the bundle's JSON rules live: strict parsing (`JSONParser`), the bundle's
/// own Codable bridge (`JSONValueDecoder`, `JSONValueEncoder`), sorted keys for stable output,
/// unescaped slashes, and times as UTC ISO-8601 with `Z`.
package enum JSONCoding {
    package static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> [UInt8] {
        let json = try JSONValueEncoder.encode(value)
        return Array((pretty ? json.prettyText : json.jsonText).utf8)
    }

    package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: error.description))
        }
        return try JSONValueDecoder.decode(type, from: value)
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
            // The bundle's own decoder words its messages for people ("expected …"); others (a
            // synthesized enum initializer) may name Swift types, which stay out of responses.
            let problem = context.debugDescription.hasPrefix("expected ") ? context.debugDescription : "has an invalid value"
            return (path(context.codingPath), problem)
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
        case is Int.Type, is Int64.Type, is Int32.Type, is Int16.Type, is Int8.Type, is UInt.Type, is UInt64.Type,
             is UInt32.Type, is UInt16.Type, is UInt8.Type:
            return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Date.Type: return "an ISO-8601 time"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}

import FoundationEssentials
