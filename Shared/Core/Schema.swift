/// Builders for the JSON Schemas that manifests and structured LLM tasks declare. Objects built
/// with `required: nil` list every property as required and forbid extra ones, which is the form
/// OpenAI's strict structured output needs; optional fields are then `nullable`.
package enum Schema {
    package static func string(_ description: String? = nil, enum values: [String]? = nil,
                               minLength: Int? = nil, maxLength: Int? = nil, format: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": "string"]
        fields["description"] = description.map(JSONValue.string)
        fields["enum"] = values.map { .array($0.map(JSONValue.string)) }
        fields["minLength"] = minLength.map { .number(Double($0)) }
        fields["maxLength"] = maxLength.map { .number(Double($0)) }
        fields["format"] = format.map(JSONValue.string)
        return .object(fields)
    }

    package static func integer(_ description: String? = nil, minimum: Int? = nil, maximum: Int? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": "integer"]
        fields["description"] = description.map(JSONValue.string)
        fields["minimum"] = minimum.map { .number(Double($0)) }
        fields["maximum"] = maximum.map { .number(Double($0)) }
        return .object(fields)
    }

    package static func number(_ description: String? = nil, minimum: Double? = nil, maximum: Double? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": "number"]
        fields["description"] = description.map(JSONValue.string)
        fields["minimum"] = minimum.map(JSONValue.number)
        fields["maximum"] = maximum.map(JSONValue.number)
        return .object(fields)
    }

    package static func boolean(_ description: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": "boolean"]
        fields["description"] = description.map(JSONValue.string)
        return .object(fields)
    }

    package static func array(_ items: JSONValue, _ description: String? = nil,
                              minItems: Int? = nil, maxItems: Int? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": "array", "items": items]
        fields["description"] = description.map(JSONValue.string)
        fields["minItems"] = minItems.map { .number(Double($0)) }
        fields["maxItems"] = maxItems.map { .number(Double($0)) }
        return .object(fields)
    }

    /// A list of strings that may also come as one string to split (`"Python; Go"`, a form field),
    /// for functions that accept both: the input check then lets both through.
    package static func listOrText(_ description: String? = nil, nullable: Bool = false) -> JSONValue {
        var fields: [String: JSONValue] = ["type": .array(["array", "string"] + (nullable ? ["null"] : [])), "items": string()]
        fields["description"] = description.map(JSONValue.string)
        return .object(fields)
    }

    /// An object. `required: nil` makes every property required (strict form).
    package static func object(_ properties: KeyValuePairs<String, JSONValue>, required: [String]? = nil,
                               additionalProperties: Bool = false, _ description: String? = nil) -> JSONValue {
        var props: [String: JSONValue] = [:]
        for (name, schema) in properties { props[name] = schema }
        var fields: [String: JSONValue] = [
            "type": "object",
            "properties": .object(props),
            "required": .array((required ?? properties.map(\.key)).map(JSONValue.string)),
            "additionalProperties": .bool(additionalProperties),
        ]
        fields["description"] = description.map(JSONValue.string)
        return .object(fields)
    }

    /// An object whose keys are free and whose values follow one schema.
    package static func map(_ values: JSONValue, _ description: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = ["type": "object", "additionalProperties": values]
        fields["description"] = description.map(JSONValue.string)
        return .object(fields)
    }

    /// Allows null besides the schema's own type.
    package static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema else { return schema }
        switch fields["type"] {
        case .string(let type): fields["type"] = [.string(type), "null"]
        case .array(let types) where !types.contains("null"): fields["type"] = .array(types + ["null"])
        default: break
        }
        if case .array(let values)? = fields["enum"], !values.contains(.null) {
            fields["enum"] = .array(values + [.null])
        }
        return .object(fields)
    }

    /// An input field under the name an original system used, for the field at `target` (a
    /// dotted path, `weights.news`). `InputContract` moves its value there before the check, and
    /// the OpenAPI document shows it with `x-alias-of`.
    package static func alias(of target: String, _ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema else { return schema }
        fields["x-alias-of"] = .string(target)
        fields["description"] = .string("Another name for \(target) (the original system's); sending both with different values is refused")
        return .object(fields)
    }

    /// Any JSON value (free-form results such as a job's output).
    package static let any: JSONValue = [:]

    /// The contract's error document.
    package static let errorEnvelope: JSONValue = object([
        "error": object([
            "code": string("Machine-readable error code", enum: ErrorCode.all.map(\.rawValue)),
            "message": string("What is wrong and what to fix, for people"),
            "details": array(object([
                "field": string(),
                "problem": string(),
            ]), "One entry per invalid field"),
        ], required: ["code", "message"]),
    ])
}
