import Core
import FoundationEssentials

/// One result row, with typed accessors by column name. A missing column or a value of the wrong
/// type is a programming error in the query, reported as `internal` with the column's name.
package struct Row: Sendable {
    package let columns: [String]
    package let values: [SQLValue]

    package init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    package subscript(column: String) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    package func has(_ column: String) -> Bool { columns.contains(column) }

    package func optionalInt(_ column: String) -> Int? {
        switch self[column] {
        case .integer(let value): Int(value)
        case .real(let value): Int(value)
        case .text(let text): Int(text)
        default: nil
        }
    }

    package func int(_ column: String) throws -> Int {
        guard let value = optionalInt(column) else { throw Row.missing(column, "an integer") }
        return value
    }

    package func optionalInt64(_ column: String) -> Int64? {
        switch self[column] {
        case .integer(let value): value
        case .real(let value): Int64(value)
        default: nil
        }
    }

    package func optionalDouble(_ column: String) -> Double? {
        switch self[column] {
        case .integer(let value): Double(value)
        case .real(let value): value
        case .text(let text): Double(text)
        default: nil
        }
    }

    package func double(_ column: String) throws -> Double {
        guard let value = optionalDouble(column) else { throw Row.missing(column, "a number") }
        return value
    }

    package func optionalString(_ column: String) -> String? {
        switch self[column] {
        case .text(let value): value
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .blob(let bytes): String(decoding: bytes, as: UTF8.self)
        case .null: nil
        }
    }

    package func string(_ column: String) throws -> String {
        guard let value = optionalString(column) else { throw Row.missing(column, "text") }
        return value
    }

    package func bool(_ column: String) -> Bool {
        (optionalInt(column) ?? 0) != 0
    }

    package func optionalDate(_ column: String) -> Date? {
        optionalString(column).flatMap(Timestamp.parse)
    }

    package func date(_ column: String) throws -> Date {
        guard let value = optionalDate(column) else { throw Row.missing(column, "a time") }
        return value
    }

    /// A JSON column; NULL reads as `.null`.
    package func json(_ column: String) throws -> JSONValue {
        guard let text = optionalString(column) else { return .null }
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw BundleError(.internal, "stored column \(column) does not hold valid JSON")
        }
    }

    /// A JSON column; NULL (or a stored JSON null) reads as nil. Written out because JSONValue is
    /// `ExpressibleByNilLiteral`: a bare `nil` where a JSONValue fits becomes `.null`, not nil.
    package func optionalJSON(_ column: String) throws -> JSONValue? {
        let value = try json(column)
        if value.isNull { return Optional<JSONValue>.none }
        return Optional.some(value)
    }

    /// A JSON column decoded into a type.
    package func decode<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        guard let text = optionalString(column) else { throw Row.missing(column, "JSON") }
        do {
            return try JSONCoding.decode(type, from: text)
        } catch {
            throw BundleError(.internal, "stored column \(column) does not match its expected shape")
        }
    }

    private static func missing(_ column: String, _ expected: String) -> BundleError {
        BundleError(.internal, "stored column \(column) does not hold \(expected)")
    }
}
