/// The one check every function's input passes before its handler runs, whoever calls it (a
/// pipe, CGI, the Lambda loop, the job worker, `POST /jobs` ahead of time): names from the
/// original systems moved to the bundle's own (`Schema.alias`), enum values matched in any case
/// and spelling (`Drafted`, `FeedbackGiven`, `feedback_given`), `null` for an optional field that
/// cannot be null taken as the field left out (as the handlers' decoders always did), then the
/// manifest's input schema:
/// unknown fields (with a did-you-mean), wrong types and out-of-range values are
/// `validation_failed` naming the field, the same way for every function.
package enum InputContract {
    /// Keys the bundle itself adds, allowed whatever the schema says.
    package static let reservedKeys: Set<String> = ["_http"]

    /// The input the handler should decode, or the `validation_failed` error.
    package static func prepare(_ input: JSONValue, schema: JSONValue) throws(BundleError) -> JSONValue {
        var value = input
        let problems = check(&value, schema: schema)
        if !problems.isEmpty { throw BundleError.validation(problems) }
        return value
    }

    /// Resolves aliases and enum spellings in place and returns the problems, with field paths
    /// below `root` (`input.limit` for a job's input).
    package static func check(_ input: inout JSONValue, schema: JSONValue, at root: String = "") -> [ErrorDetail] {
        guard case .object(var fields) = input, case .object = schema else { return [] }
        var reserved: [String: JSONValue] = [:]
        for key in reservedKeys { if let value = fields.removeValue(forKey: key) { reserved[key] = value } }
        var problems = resolveAliases(&fields, schema: schema, root: root)
        var checked = JSONValue.object(fields)
        dropOptionalNulls(&checked, schema: schema, depth: 0)
        normalizeEnums(&checked, schema: schema, depth: 0)
        problems += SchemaValidator.validate(checked, against: schema, at: root).map { problem in
            var problem = problem
            if problem.problem.hasPrefix(SchemaValidator.unknownField), let hint = gatewayHints[problem.field] {
                problem.problem = hint
            }
            return problem
        }
        guard case .object(var result) = checked else { return problems }
        for (key, value) in reserved { result[key] = value }
        input = .object(result)
        return problems
    }

    /// What an unknown field the gateway adds means for the caller.
    static let gatewayHints = [
        "body_text": "unknown field: this function takes no text body; send a JSON object",
        "files": "unknown field: this function takes no files; send a JSON object",
    ]

    /// Moves each top-level alias (a property with `x-alias-of`) to its target path.
    static func resolveAliases(_ fields: inout [String: JSONValue], schema: JSONValue, root: String) -> [ErrorDetail] {
        guard let properties = schema["properties"]?.objectValue else { return [] }
        var problems: [ErrorDetail] = []
        for (alias, property) in properties {
            guard let target = property["x-alias-of"]?.stringValue, let value = fields.removeValue(forKey: alias) else { continue }
            let path = target.split(separator: ".").map(String.init)
            if let existing = lookup(path, in: fields) {
                if existing != value {
                    problems.append(ErrorDetail(field: SchemaValidator.child(root, alias),
                                                problem: "is another name for \(target), which is also given with a different value; send one of them"))
                }
                continue
            }
            if !set(value, at: path[...], in: &fields) {
                problems.append(ErrorDetail(field: SchemaValidator.child(root, alias), problem: "cannot be combined with \(path[0]) as given"))
            }
        }
        return problems
    }

    private static func lookup(_ path: [String], in fields: [String: JSONValue]) -> JSONValue? {
        var current = JSONValue.object(fields)
        for name in path {
            guard let next = current[name] else { return nil }
            current = next
        }
        return current
    }

    private static func set(_ value: JSONValue, at path: ArraySlice<String>, in fields: inout [String: JSONValue]) -> Bool {
        guard let name = path.first else { return false }
        if path.count == 1 {
            fields[name] = value
            return true
        }
        var inner: [String: JSONValue]
        switch fields[name] {
        case nil: inner = [:]
        case .object(let existing)?: inner = existing
        default: return false
        }
        guard set(value, at: path.dropFirst(), in: &inner) else { return false }
        fields[name] = .object(inner)
        return true
    }

    /// Removes `"field": null` where the field is optional and its schema does not take null.
    static func dropOptionalNulls(_ value: inout JSONValue, schema: JSONValue, depth: Int) {
        guard depth < 16, case .object(var fields) = value, let properties = schema["properties"]?.objectValue else { return }
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var changed = false
        for (name, field) in fields {
            guard let property = properties[name] else { continue }
            if field == .null {
                guard !required.contains(name), !SchemaValidator.validate(.null, against: property).isEmpty else { continue }
                fields[name] = nil
                changed = true
            } else if case .object = field, property["properties"] != nil {
                var inner = field
                dropOptionalNulls(&inner, schema: property, depth: depth + 1)
                if inner != field { fields[name] = inner; changed = true }
            }
        }
        if changed { value = .object(fields) }
    }

    /// A string that matches none of its enum's values exactly but one of them once case and the
    /// `_`, `-`, space separators are ignored becomes that value.
    static func normalizeEnums(_ value: inout JSONValue, schema: JSONValue, depth: Int) {
        guard depth < 16, case .object(let rules) = schema else { return }
        switch value {
        case .string(let text):
            guard let values = rules["enum"]?.arrayValue, !values.contains(value) else { return }
            let wanted = FieldSuggestion.normalized(Substring(text))
            if let match = values.first(where: { $0.stringValue.map { FieldSuggestion.normalized(Substring($0)) == wanted } ?? false }) {
                value = match
            }
        case .object(var fields):
            guard let properties = rules["properties"]?.objectValue else { return }
            var changed = false
            for (name, property) in properties where property["enum"] != nil || property["properties"] != nil || property["items"] != nil {
                guard var field = fields[name] else { continue }
                let before = field
                normalizeEnums(&field, schema: property, depth: depth + 1)
                if field != before { fields[name] = field; changed = true }
            }
            if changed { value = .object(fields) }
        case .array(var items):
            guard let itemSchema = rules["items"], itemSchema["enum"] != nil || itemSchema["properties"] != nil else { return }
            for index in items.indices { normalizeEnums(&items[index], schema: itemSchema, depth: depth + 1) }
            value = .array(items)
        default:
            return
        }
    }
}
