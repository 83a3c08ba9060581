import FoundationEssentials

/// A JSON document whose shape is not known at compile time: request envelopes (`_http`),
/// JSON Schemas, error details and stored JSON columns.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    package subscript(key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    package var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    package var intValue: Int? {
        if case .number(let value) = self, value.rounded() == value, abs(value) < 9.0e15 { return Int(value) }
        return nil
    }

    package var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    package var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    package var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    package var isNull: Bool { self == .null }

    /// The JSON type name as JSON Schema spells it ("integer" for whole numbers).
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let value): value.rounded() == value ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSONValue: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 {
                try container.encode(Int64(value))
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .number(Double(value)) }
    package init(floatLiteral value: Double) { self = .number(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    package init(nilLiteral: ()) { self = .null }
}

extension JSONValue {
    /// Parses JSON text strictly (RFC 8259).
    package init(parsing bytes: [UInt8]) throws(JSONParser.Failure) {
        self = try JSONParser.parse(bytes)
    }

    package init(parsing text: String) throws(JSONParser.Failure) {
        self = try JSONParser.parse(Array(text.utf8))
    }

    /// Converts any Encodable value (for example a handler's typed output) into a JSONValue.
    package init<T: Encodable>(encoding value: T) throws {
        self = try JSONValueEncoder.encode(value)
    }

    /// Decodes a typed value out of this JSON value.
    package func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONValueDecoder.decode(type, from: self)
    }

    /// Compact, key-sorted JSON text.
    package var jsonText: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// The compact text of an array of strings, written without building its `JSONValue`: the
    /// list columns of an upload's thousands of rows are written this way.
    package static func jsonText(strings: [String]) -> String {
        // Items that need no escape (nearly all) are copied into one allocation of the exact size:
        // appending piece by piece was most of the cost.
        var length = 1 + strings.count
        for string in strings {
            guard let count = plainCount(string) else { return escapedJSONText(strings: strings) }
            length += count + 2
        }
        if strings.isEmpty { length += 1 }
        return String(unsafeUninitializedCapacity: length) { output in
            var count = 0
            func put(_ byte: UInt8) {
                output[count] = byte
                count += 1
            }
            put(UInt8(ascii: "["))
            for (index, string) in strings.enumerated() {
                if index > 0 { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "\""))
                var copy = string
                copy.withUTF8 { bytes in
                    if let source = bytes.baseAddress, let target = output.baseAddress { (target + count).update(from: source, count: bytes.count) }
                    count += bytes.count
                }
                put(UInt8(ascii: "\""))
            }
            put(UInt8(ascii: "]"))
            return count
        }
    }

    /// The UTF-8 length of a string that JSON can hold between quotes as it is; nil when it needs an escape.
    private static func plainCount(_ value: String) -> Int? {
        var copy = value
        return copy.withUTF8 { bytes in
            bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 } ? nil : bytes.count
        }
    }

    private static func escapedJSONText(strings: [String]) -> String {
        var output = "["
        for (index, string) in strings.enumerated() {
            if index > 0 { output += "," }
            writeString(string, to: &output)
        }
        output += "]"
        return output
    }

    /// Key-sorted JSON with two-space indentation, for people (`--describe`).
    package var prettyText: String {
        var output = ""
        writePretty(to: &output, indent: "")
        return output
    }

    private func writePretty(to output: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .array(let items) where !items.isEmpty:
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += inner
                item.writePretty(to: &output, indent: inner)
                output += index + 1 < items.count ? ",\n" : "\n"
            }
            output += indent + "]"
        case .object(let fields) where !fields.isEmpty:
            output += "{\n"
            let keys = fields.keys.sorted()
            for (index, key) in keys.enumerated() {
                output += inner
                JSONValue.writeString(key, to: &output)
                output += ": "
                fields[key]!.writePretty(to: &output, indent: inner)
                output += index + 1 < keys.count ? ",\n" : "\n"
            }
            output += indent + "}"
        default:
            write(to: &output)
        }
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value):
            if !value.isFinite {
                output += "null"
            } else if value.rounded() == value, abs(value) < 9.0e15 {
                output += String(Int64(value))
            } else {
                output += "\(value)"
            }
        case .string(let value): JSONValue.writeString(value, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                JSONValue.writeString(key, to: &output)
                output += ":"
                fields[key]!.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        // Most strings (keys, names, sentences) need no escape: one scan of the bytes, then the
        // whole string. (E2 may start U+2028/2029; the loop below decides.)
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }
        } ?? false
        if plain {
            output += value
            output += "\""
            return
        }
        // Runs that need no escape are appended whole: appending scalar by scalar was most of
        // the cost of storing JSON columns for thousands of rows.
        let utf8 = value.utf8
        var runStart = utf8.startIndex
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            var next = utf8.index(after: index)
            let escape: String?
            switch byte {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x00..<0x20: escape = "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            case 0xE2 where next != utf8.endIndex && utf8[next] == 0x80:
                // U+2028 and U+2029 (E2 80 A8/A9) end lines in JavaScript.
                let third = utf8.index(after: next)
                if third != utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 {
                    escape = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
                    next = utf8.index(after: third)
                } else {
                    escape = nil
                }
            default: escape = nil
            }
            if let escape {
                output += value[runStart..<index]
                output += escape
                runStart = next
            }
            index = next
        }
        output += value[runStart..<utf8.endIndex]
        output += "\""
    }
}
