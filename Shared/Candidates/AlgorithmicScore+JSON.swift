import Core

/// A breakdown and red flags as stored, built as `JSONValue` directly: through the generic
/// `Codable` encoder, storing ten thousand breakdowns was a sixth of a scoring run. The result
/// is the `Codable` encoding exactly (a test compares them, so a field added to the types
/// without being added here fails it), and a non-finite number fails the same way.
extension AlgorithmicScore {
    package func json() throws -> JSONValue {
        .object([
            "score": try Self.number(score),
            "criteria": .array(try criteria.map { criterion in
                .object([
                    "criterion": .string(criterion.criterion), "weight": try Self.number(criterion.weight),
                    "fraction": try Self.number(criterion.fraction), "points": try Self.number(criterion.points),
                    "applies": .bool(criterion.applies), "detail": .string(criterion.detail),
                ])
            }),
            "matched_required_skills": .strings(matchedRequiredSkills),
            "missing_required_skills": .strings(missingRequiredSkills),
            "matched_preferred_skills": .strings(matchedPreferredSkills),
        ])
    }

    /// The number, or the encoder's own error for one JSON cannot hold.
    private static func number(_ value: Double) throws -> JSONValue {
        value.isFinite ? .number(value) : try JSONValue(encoding: value)
    }
}

extension RedFlag {
    package var json: JSONValue { .object(["code": .string(code), "message": .string(message)]) }
}
