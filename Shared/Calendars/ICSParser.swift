/// One iCalendar (RFC 5545) content line: `DTSTART;TZID="Pacific Standard Time":20260105T090000`.
/// Names are upper-cased (a `group.` prefix dropped); parameter values are unquoted and split on
/// commas outside quotes; the value is kept raw (`text` unescapes it).
package struct ICSProperty: Sendable, Equatable {
    package var name: String
    package var parameters: [String: [String]]
    package var value: String

    package init(name: String, parameters: [String: [String]] = [:], value: String) {
        self.name = name
        self.parameters = parameters
        self.value = value
    }

    package func parameter(_ name: String) -> String? { parameters[name.uppercased()]?.first }

    /// The value as TEXT: `\n`, `\N`, `\,`, `\;` and `\\` unescaped (RFC 5545 3.3.11).
    package var text: String { ICSText.unescape(value) }

    /// A comma-separated list (EXDATE, RDATE, CATEGORIES); commas escaped with `\` stay.
    package var listValues: [String] {
        var values: [String] = []
        var current = ""
        var escaped = false
        for character in value {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "," {
                values.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        values.append(current)
        return values.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}

/// A component (`VCALENDAR`, `VEVENT`, `VTIMEZONE`, `STANDARD`, `VALARM`…) with its properties
/// and nested components.
package struct ICSComponent: Sendable, Equatable {
    package var name: String
    package var properties: [ICSProperty] = []
    package var components: [ICSComponent] = []

    package init(name: String, properties: [ICSProperty] = [], components: [ICSComponent] = []) {
        self.name = name
        self.properties = properties
        self.components = components
    }

    package func first(_ name: String) -> ICSProperty? { properties.first { $0.name == name } }
    package func all(_ name: String) -> [ICSProperty] { properties.filter { $0.name == name } }
    package func children(_ name: String) -> [ICSComponent] { components.filter { $0.name == name } }
}

/// Reads iCalendar text the way real feeds need: a byte order mark, CRLF or bare LF line ends,
/// folded lines (a line starting with a space or tab continues the previous one), quoted
/// parameter values holding `:`, `;` and `,`, and broken lines, which are skipped rather than
/// failing the feed. Components left open at the end are closed.
package enum ICSParser {
    /// The top-level components (usually one `VCALENDAR`).
    package static func parse(_ text: String) -> [ICSComponent] {
        var stack: [ICSComponent] = []
        var roots: [ICSComponent] = []
        for line in unfold(text) {
            guard let property = contentLine(line) else { continue }
            switch property.name {
            case "BEGIN":
                stack.append(ICSComponent(name: property.value.trimmingWhitespace().uppercased()))
            case "END":
                let name = property.value.trimmingWhitespace().uppercased()
                // An END for a component deeper in the stack closes everything above it; an END
                // for nothing open is ignored.
                guard let index = stack.lastIndex(where: { $0.name == name }) else { continue }
                while stack.count > index + 1 { close(&stack, into: &roots) }
                close(&stack, into: &roots)
            default:
                if !stack.isEmpty { stack[stack.count - 1].properties.append(property) }
            }
        }
        while !stack.isEmpty { close(&stack, into: &roots) }
        return roots
    }

    private static func close(_ stack: inout [ICSComponent], into roots: inout [ICSComponent]) {
        let component = stack.removeLast()
        if stack.isEmpty { roots.append(component) } else { stack[stack.count - 1].components.append(component) }
    }

    /// Logical lines: folds joined, blank lines dropped, a leading byte order mark removed.
    package static func unfold(_ text: String) -> [String] {
        var lines: [String] = []
        var current: [UInt8] = []
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var index = 0
        while index <= bytes.count {
            // Split on LF (with or without CR before it).
            var end = index
            while end < bytes.count, bytes[end] != 10 { end += 1 }
            var line = bytes[index..<end]
            if line.last == 13 { line = line.dropLast() }
            if let first = line.first, first == 32 || first == 9 {
                current += line.dropFirst()
            } else {
                if !current.isEmpty { lines.append(String(decoding: current, as: UTF8.self)) }
                current = Array(line)
            }
            index = end + 1
        }
        if !current.isEmpty { lines.append(String(decoding: current, as: UTF8.self)) }
        return lines
    }

    /// Parses one unfolded line; nil when it has no name or no `:`.
    package static func contentLine(_ line: String) -> ICSProperty? {
        let characters = Array(line)
        var index = 0
        var name = ""
        while index < characters.count, characters[index] != ";", characters[index] != ":" {
            name.append(characters[index])
            index += 1
        }
        name = name.trimmingWhitespace().uppercased()
        if let dot = name.lastIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        var parameters: [String: [String]] = [:]
        while index < characters.count, characters[index] == ";" {
            index += 1
            var parameterName = ""
            while index < characters.count, characters[index] != "=", characters[index] != ";", characters[index] != ":" {
                parameterName.append(characters[index])
                index += 1
            }
            var values: [String] = []
            if index < characters.count, characters[index] == "=" {
                index += 1
                var value = ""
                var quoted = false
                while index < characters.count {
                    let character = characters[index]
                    if character == "\"" {
                        quoted.toggle()
                    } else if !quoted && (character == ";" || character == ":") {
                        break
                    } else if !quoted && character == "," {
                        values.append(value)
                        value = ""
                    } else {
                        value.append(character)
                    }
                    index += 1
                }
                values.append(value)
            }
            let key = parameterName.trimmingWhitespace().uppercased()
            if !key.isEmpty { parameters[key, default: []] += values }
        }
        guard index < characters.count, characters[index] == ":" else { return nil }
        return ICSProperty(name: name, parameters: parameters, value: String(characters[(index + 1)...]))
    }
}

/// TEXT escaping of RFC 5545 3.3.11.
package enum ICSText {
    package static func unescape(_ value: String) -> String {
        var result = ""
        var escaped = false
        for character in value {
            if escaped {
                switch character {
                case "n", "N": result.append("\n")
                default: result.append(character)  // \\ \; \, and anything else stands for itself
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
