/// Validates a JSON value against the subset of JSON Schema the bundle writes (type, properties,
/// required, additionalProperties, items, enum, const, minimum/maximum, minLength/maxLength,
/// minItems/maxItems, anyOf). Used on every structured LLM answer and on user-supplied schemas.
package enum SchemaValidator {
    package static func validate(_ value: JSONValue, against schema: JSONValue, at path: String = "$") -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        check(value, schema, path, &problems)
        return problems
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, _ problems: inout [ErrorDetail]) {
        guard case .object(let rules) = schema else { return }

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
            let length = text.count
            if let minimum = rules["minLength"]?.intValue, length < minimum {
                problems.append(ErrorDetail(field: path, problem: "must have at least \(minimum) characters"))
            }
            if let maximum = rules["maxLength"]?.intValue, length > maximum {
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
                problems.append(ErrorDetail(field: "\(path).\(name)", problem: "is required"))
            }
            for name in fields.keys.sorted() {
                let fieldPath = "\(path).\(name)"
                if let propertySchema = properties[name] {
                    check(fields[name]!, propertySchema, fieldPath, &problems)
                } else if let additional = rules["additionalProperties"] {
                    if additional == .bool(false) {
                        problems.append(ErrorDetail(field: fieldPath, problem: "is not an allowed field"))
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
