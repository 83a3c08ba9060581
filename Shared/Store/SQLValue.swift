import Core
import FoundationEssentials

/// A value bound to or read from a SQL statement. Backends map these to their own types.
package enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Types that can be bound as statement parameters.
package protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLBindable {
    package var sqlValue: SQLValue { self }
}

extension Int: SQLBindable { package var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { package var sqlValue: SQLValue { .integer(self) } }
extension Int32: SQLBindable { package var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { package var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLBindable { package var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension String: SQLBindable { package var sqlValue: SQLValue { .text(self) } }
extension Substring: SQLBindable { package var sqlValue: SQLValue { .text(String(self)) } }

/// Times are stored as UTC ISO-8601 text with milliseconds and `Z`, one fixed width, so they
/// sort and compare correctly as text and two events in one second keep their order.
extension Date: SQLBindable { package var sqlValue: SQLValue { .text(Timestamp.format(self, milliseconds: true)) } }

/// JSON is stored as compact text.
extension JSONValue: SQLBindable { package var sqlValue: SQLValue { .text(jsonText) } }

extension Optional: SQLBindable where Wrapped: SQLBindable {
    package var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
