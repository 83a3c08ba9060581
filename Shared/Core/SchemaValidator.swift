/// Validates a JSON value against the subset of JSON Schema the bundle writes (type, properties,
/// required, additionalProperties, items, enum, const, minimum/maximum, minLength/maxLength,
/// minItems/maxItems, anyOf, allOf). Used on every function's input (through `InputContract`), on every
/// structured LLM answer and on user-supplied schemas. Field paths start at `path`: `$.a.b` for
/// documents, `a.b` for inputs (an empty root). An unknown field is named with the closest
/// property of the whole schema, nested ones included (`did you mean weights.news?`).
package enum SchemaValidator {
    package static func validate(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        check(value, schema, path, &problems)
        if problems.contains(where: { $0.problem == unknownField }) {
            // Worked out only on failure, so the common path pays nothing for it, and only for the
            // problems an error lists (BundleError.listedProblems): thousands of unknown keys cost
            // no more than twenty.
            let known = propertyPaths(schema)
            for index in problems.indices.prefix(BundleError.listedProblems) where problems[index].problem == unknownField {
                if let suggestion = FieldSuggestion.closest(to: problems[index].field, among: known, root: path) {
                    problems[index].problem = "unknown field; did you mean \(suggestion)?"
                }
            }
        }
        return problems
    }

    static let unknownField = "unknown field"

    /// `a`, `a.b`: where a field sits below `path` (an empty root names top-level fields bare).
    static func child(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    /// Every property path the schema declares, nested ones included (`weights.news`); aliases
    /// are left out, so a suggestion is always the bundle's own name.
    static func propertyPaths(_ schema: JSONValue, prefix: String = "", depth: Int = 0) -> [String] {
        guard depth < 8, let properties = schema["properties"]?.objectValue else { return [] }
        var paths: [String] = []
        for (name, property) in properties where property["x-alias-of"] == nil {
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            paths.append(path)
            paths += propertyPaths(property, prefix: path, depth: depth + 1)
            if let items = property["items"] { paths += propertyPaths(items, prefix: path, depth: depth + 1) }
        }
        return paths
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, _ problems: inout [ErrorDetail]) {
        guard case .object(let rules) = schema else { return }

        for part in rules["allOf"]?.arrayValue ?? [] { check(value, part, path, &problems) }

        if let alternatives = rules["anyOf"]?.arrayValue {
            let matches = alternatives.contains { validate(value, against: $0, at: path).isEmpty }
            if !matches { problems.append(ErrorDetail(field: path, problem: "matches none of the allowed shapes")) }
        }

        if let type = rules["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            if !allowed.isEmpty, !allowed.contains(where: { matches(value, type: $0) }) {
                problems.append(ErrorDetail(field: path, problem: "expected \(allowed.joined(separator: " or ")), got \(value.typeName)"))
                return
            }
        }

        if let values = rules["enum"]?.arrayValue, !values.contains(where: { equal($0, value) }) {
            let listed = values.map(\.jsonText).joined(separator: ", ")
            problems.append(ErrorDetail(field: path, problem: "must be one of \(listed)"))
        }
        if let constant = rules["const"], !equal(constant, value) {
            problems.append(ErrorDetail(field: path, problem: "must be \(constant.jsonText)"))
        }

        switch value {
        case .number(let number):
            if let minimum = rules["minimum"]?.doubleValue, number < minimum {
                problems.append(ErrorDetail(field: path, problem: "must be at least \(JSONValue.number(minimum).jsonText)"))
            }
            if let maximum = rules["maximum"]?.doubleValue, number > maximum {
                problems.append(ErrorDetail(field: path, problem: "must be at most \(JSONValue.number(maximum).jsonText)"))
            }
        case .string(let text):
            // JSON Schema counts code points; counting graphemes would also be slower. A code point
            // takes one to four UTF-8 bytes: when the byte count settles both rules, nothing is
            // counted (counting a 1 MB upload's text was 3% of the upload).
            let minimum = rules["minLength"]?.intValue, maximum = rules["maxLength"]?.intValue
            let bytes = text.utf8.count
            guard minimum.map({ bytes / 4 >= $0 }) == false || maximum.map({ bytes <= $0 }) == false else { break }
            let length = text.unicodeScalars.count
            if let minimum, length < minimum {
                problems.append(ErrorDetail(field: path, problem: "must have at least \(minimum) characters"))
            }
            if let maximum, length > maximum {
                problems.append(ErrorDetail(field: path, problem: "must have at most \(maximum) characters"))
            }
        case .array(let items):
            if let minimum = rules["minItems"]?.intValue, items.count < minimum {
                problems.append(ErrorDetail(field: path, problem: "must have at least \(minimum) items"))
            }
            if let maximum = rules["maxItems"]?.intValue, items.count > maximum {
                problems.append(ErrorDetail(field: path, problem: "must have at most \(maximum) items"))
            }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() { check(item, itemSchema, "\(path)[\(index)]", &problems) }
            }
        case .object(let fields):
            let properties = rules["properties"]?.objectValue ?? [:]
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where fields[name] == nil {
                problems.append(ErrorDetail(field: child(path, name), problem: "is required"))
            }
            for name in fields.keys.sorted() {
                let fieldPath = child(path, name)
                if let propertySchema = properties[name] {
                    check(fields[name]!, propertySchema, fieldPath, &problems)
                } else if let additional = rules["additionalProperties"] {
                    if additional == .bool(false) {
                        problems.append(ErrorDetail(field: fieldPath, problem: unknownField))
                    } else if case .object = additional {
                        check(fields[name]!, additional, fieldPath, &problems)
                    }
                }
            }
        default:
            break
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
             ("number", .number):
            true
        case ("integer", .number(let number)):
            number.rounded() == number
        default:
            false
        }
    }

    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        lhs == rhs
    }
}
