import Core
import Testing

@Suite struct SchemaValidatorTests {
    let schema = Schema.object([
        "title": Schema.string(minLength: 1, maxLength: 10),
        "priority": Schema.integer(minimum: 1, maximum: 5),
        "tags": Schema.array(Schema.string(enum: ["a", "b"]), minItems: 1, maxItems: 2),
        "note": Schema.nullable(Schema.string()),
    ])

    @Test func acceptsAValidDocument() {
        let value: JSONValue = ["title": "ok", "priority": 3, "tags": ["a"], "note": nil]
        #expect(SchemaValidator.validate(value, against: schema).isEmpty)
    }

    @Test func reportsEveryProblemWithItsPath() {
        let value: JSONValue = ["title": "far too long a title", "priority": 2.5, "tags": ["c", "a", "b"], "extra": 1]
        let problems = SchemaValidator.validate(value, against: schema)
        let fields = Set(problems.map(\.field))
        #expect(fields == ["$.title", "$.priority", "$.tags", "$.tags[0]", "$.extra", "$.note"])
        #expect(problems.first { $0.field == "$.priority" }?.problem == "expected integer, got number")
        #expect(problems.first { $0.field == "$.note" }?.problem == "is required")
    }

    @Test func checksRangesAndTypes() {
        #expect(SchemaValidator.validate(["title": "x", "priority": 9, "tags": ["a"], "note": "n"], against: schema)
            .map(\.problem) == ["must be at most 5"])
        #expect(SchemaValidator.validate("text", against: schema).map(\.problem) == ["expected object, got string"])
    }

    @Test func nullableAddsNullToTypeAndEnum() {
        let schema = Schema.nullable(Schema.string(enum: ["x"]))
        #expect(SchemaValidator.validate(nil, against: schema).isEmpty)
        #expect(!SchemaValidator.validate("y", against: schema).isEmpty)
    }
}
