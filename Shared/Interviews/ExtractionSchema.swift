import Core
import Providers

/// One piece of data a research interview collects: a name, a type, a description the agent
/// turns into a question, and the limits a value must meet (enum values, min/max).
package struct ExtractionField: Codable, Sendable, Equatable {
    package enum Kind: String, Codable, Sendable, CaseIterable {
        case string, number, integer, boolean, `enum`
    }

    package var name: String
    package var type: Kind
    package var description: String
    package var values: [String]?
    package var min: Double?
    package var max: Double?

    enum CodingKeys: String, CodingKey {
        case name, type, description, min, max
        case values = "enum"
    }

    package init(name: String, type: Kind, description: String, values: [String]? = nil, min: Double? = nil, max: Double? = nil) {
        self.name = name
        self.type = type
        self.description = description
        self.values = values
        self.min = min
        self.max = max
    }

    /// Checks one extracted value: the typed value to store, or why it was dropped. Numbers given
    /// as plain numeric text are accepted (models often quote them); enum values match in any
    /// case and are stored as the schema spells them.
    package func check(_ value: JSONValue) -> Result<JSONValue, FieldProblem> {
        switch (type, value) {
        case (_, .null):
            return .failure(FieldProblem("no value"))
        case (.string, .string(let text)):
            return checkText(text.trimmingWhitespace())
        case (.number, _), (.integer, _):
            let number: Double? = switch value {
            case .number(let number): number
            case .string(let text): Double(text.trimmingWhitespace())
            default: nil
            }
            guard let number, number.isFinite else { return .failure(FieldProblem("expected a \(type.rawValue), got \(value.typeName)")) }
            if type == .integer, number.rounded() != number { return .failure(FieldProblem("expected an integer, got \(number)")) }
            if let min, number < min { return .failure(FieldProblem("\(JSONValue.number(number).jsonText) is below the minimum \(JSONValue.number(min).jsonText)")) }
            if let max, number > max { return .failure(FieldProblem("\(JSONValue.number(number).jsonText) is above the maximum \(JSONValue.number(max).jsonText)")) }
            return .success(.number(number))
        case (.boolean, .bool):
            return .success(value)
        case (.boolean, .string(let text)) where ["true", "false"].contains(text.lowercased()):
            return .success(.bool(text.lowercased() == "true"))
        case (.enum, .string(let text)):
            let wanted = text.trimmingWhitespace().lowercased()
            guard let match = (values ?? []).first(where: { $0.lowercased() == wanted }) else {
                return .failure(FieldProblem("\"\(text.prefix(60))\" is not one of \((values ?? []).joined(separator: ", "))"))
            }
            return .success(.string(match))
        default:
            return .failure(FieldProblem("expected \(type == .enum ? "one of the enum values" : "a " + type.rawValue), got \(value.typeName)"))
        }
    }
}

extension ExtractionField {
    /// The longest free-text value kept.
    package static let maxTextLength = 1000
    /// The most words a short value (an age bracket, a brand, a city) has.
    package static let maxShortWords = 8

    /// A text value fits the field: not empty, not too long, not a request to stop, and, for a
    /// field that wants a short value, a few words rather than a sentence or a question.
    func checkText(_ text: String) -> Result<JSONValue, FieldProblem> {
        guard !text.isEmpty else { return .failure(FieldProblem("is empty")) }
        guard text.count <= Self.maxTextLength else { return .failure(FieldProblem("is longer than \(Self.maxTextLength) characters")) }
        if OptOutWords.wantsToStop(text, maxWords: 40) { return .failure(FieldProblem("asks to stop, it is no answer")) }
        if wantsShortValue {
            let words = TextRules.words(text).count
            if words > Self.maxShortWords || text.count > 80 {
                return .failure(FieldProblem("is a sentence (\(words) words), not a short value for \"\(description.prefix(60))\""))
            }
            if text.hasSuffix("?") { return .failure(FieldProblem("is a question, not a value for \"\(description.prefix(60))\"")) }
        }
        return .success(.string(text))
    }

    /// Whether the field's name or description asks for a short value (a range, a name, a place,
    /// a brand) rather than free text (a reason, an opinion, a story).
    var wantsShortValue: Bool {
        let words = Set(TextRules.words((name.replacing("_", with: " ") + " " + description).lowercased()))
        let freeText: Set<String> = ["why", "reason", "reasons", "describe", "explain", "opinion", "feedback", "experience", "story",
                                     "thoughts", "comment", "comments", "feel", "think", "would", "improve", "suggestion", "suggestions"]
        if !words.isDisjoint(with: freeText) { return false }
        let short: Set<String> = ["range", "bracket", "age", "name", "city", "country", "town", "region", "postcode", "zip", "email",
                                  "phone", "brand", "model", "size", "year", "date", "code", "gender", "title", "job", "company",
                                  "type", "category", "level", "language", "currency", "colour", "color"]
        return !words.isDisjoint(with: short)
    }
}

/// Why an extracted value was not kept.
package struct FieldProblem: Error, Sendable, Equatable {
    package let reason: String
    package init(_ reason: String) { self.reason = reason }
}

/// A campaign's extraction schema, in the order the fields are asked about. Given as an object
/// (`{"brand": {"type": "enum", ...}}`, asked in name order) or as an array of fields with a
/// `name` each (asked in that order).
package struct ExtractionSchema: Codable, Sendable, Equatable {
    package static let maxFields = 30
    package var fields: [ExtractionField]

    package init(fields: [ExtractionField]) {
        self.fields = fields
    }

    package init(from decoder: any Decoder) throws {
        fields = try [ExtractionField](from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        try fields.encode(to: encoder)
    }

    package func field(named name: String) -> ExtractionField? { fields.first { $0.name == name } }

    /// Fields with no value yet, in asking order; `skipped` ones are left out.
    package func missing(in extracted: [String: JSONValue], skipping skipped: Set<String> = []) -> [ExtractionField] {
        fields.filter { extracted[$0.name] == nil && !skipped.contains($0.name) }
    }

    /// Parses and validates a schema from a request, reporting every problem with its path.
    package static func parse(_ value: JSONValue?, path: String = "schema") throws -> ExtractionSchema {
        var entries: [(name: String, path: String, spec: JSONValue)] = []
        switch value {
        case .object(let map)?:
            for name in map.keys.sorted() { entries.append((name, "\(path).\(name)", map[name]!)) }
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                entries.append((item["name"]?.stringValue ?? "", "\(path)[\(index)]", item))
            }
        case nil, .null?:
            throw BundleError.validation(field: path, "is required: an object of fields, each {type, description, enum?, min?, max?}")
        case let other?:
            throw BundleError.validation(field: path, "must be an object of fields (or an array of fields with names), got \(other.typeName)")
        }
        var problems: [ErrorDetail] = []
        if entries.isEmpty { problems.append(ErrorDetail(field: path, problem: "must have at least one field")) }
        if entries.count > maxFields {
            problems.append(ErrorDetail(field: path, problem: "has \(entries.count) fields; at most \(maxFields) are allowed"))
        }
        var fields: [ExtractionField] = []
        var seen: Set<String> = []
        for entry in entries {
            if let field = parseField(entry.name, entry.spec, path: entry.path, problems: &problems) {
                if !seen.insert(field.name).inserted {
                    problems.append(ErrorDetail(field: entry.path, problem: "the field name \(field.name) is used twice"))
                }
                fields.append(field)
            }
        }
        if !problems.isEmpty { throw BundleError.validation(problems) }
        return ExtractionSchema(fields: fields)
    }

    private static func parseField(_ name: String, _ spec: JSONValue, path: String, problems: inout [ErrorDetail]) -> ExtractionField? {
        let before = problems.count
        func problem(_ suffix: String, _ text: String) { problems.append(ErrorDetail(field: path + suffix, problem: text)) }
        guard case .object = spec else {
            problem("", "must be an object {type, description, enum?, min?, max?}")
            return nil
        }
        if !isValidName(name) { problem(".name", "must be 1 to 64 letters, digits or underscores, starting with a letter") }
        let typeName = spec["type"]?.stringValue ?? ""
        let type = ExtractionField.Kind(rawValue: typeName.lowercased())
        if type == nil {
            problem(".type", typeName.isEmpty ? "is required: one of string, number, integer, boolean, enum"
                    : "\"\(typeName.prefix(40))\" is not a known type: use string, number, integer, boolean or enum")
        }
        let description = spec["description"]?.stringValue?.trimmingWhitespace() ?? ""
        if description.isEmpty { problem(".description", "is required: what to find out, in a few words (the agent asks about it)") }
        if description.count > 500 { problem(".description", "must be at most 500 characters") }
        var values: [String]?
        if let raw = spec["enum"] ?? spec["values"] {
            let list = raw.arrayValue?.compactMap { $0.stringValue?.trimmingWhitespace() }
            if list == nil || list!.count != raw.arrayValue!.count || list!.contains("") {
                problem(".enum", "must be a list of non-empty strings")
            } else if Set(list!.map { $0.lowercased() }).count != list!.count {
                problem(".enum", "has the same value twice")
            } else {
                values = list
            }
        }
        if type == .enum, values?.isEmpty ?? true, problems.count == before { problem(".enum", "is required for an enum field: the allowed values") }
        if type != .enum, type != nil, values != nil { problem(".enum", "only enum fields have values") }
        let min = bound(spec, "min", "minimum", path: path, problems: &problems)
        let max = bound(spec, "max", "maximum", path: path, problems: &problems)
        if (min != nil || max != nil), let type, type != .number, type != .integer {
            problem(".min", "only number and integer fields have min and max")
        }
        if let min, let max, min > max { problem(".min", "must not be above max") }
        guard problems.count == before, let type else { return nil }
        return ExtractionField(name: name, type: type, description: description, values: values, min: min, max: max)
    }

    private static func bound(_ spec: JSONValue, _ short: String, _ long: String, path: String, problems: inout [ErrorDetail]) -> Double? {
        guard let raw = spec[short] ?? spec[long], raw != .null else { return nil }
        guard let number = raw.doubleValue, number.isFinite else {
            problems.append(ErrorDetail(field: "\(path).\(short)", problem: "must be a number"))
            return nil
        }
        return number
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64,
              ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
