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
        #expect(problems.first { $0.field == "$.extra" }?.problem == "unknown field")
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

    @Test func stringLengthsCountCodePoints() {
        let short = Schema.string(maxLength: 3)
        #expect(SchemaValidator.validate("\u{1F1E9}\u{1F1EA}", against: short).isEmpty, "one flag, two code points")
        #expect(!SchemaValidator.validate("abcd", against: short).isEmpty)
        // Where the byte count alone cannot decide: more bytes than the maximum, fewer than four per minimum.
        #expect(SchemaValidator.validate("ééé", against: short).isEmpty, "six bytes, three code points")
        #expect(!SchemaValidator.validate("éééé", against: short).isEmpty)
        let long = Schema.string(minLength: 2)
        #expect(!SchemaValidator.validate("€", against: long).isEmpty, "three bytes, one code point")
        #expect(SchemaValidator.validate("€€", against: long).isEmpty)
        #expect(SchemaValidator.validate(.string(String(repeating: "x", count: 100_000)), against: Schema.string()).isEmpty)
    }
}

@Suite struct InputContractTests {
    let steering = Schema.object([
        "competitors": Schema.array(Schema.string()),
        "product_focus": Schema.string(maxLength: 20),
        "weights": Schema.object(["news": Schema.number(minimum: 0, maximum: 1), "role_pains": Schema.number(minimum: 0, maximum: 1)],
                                 required: []),
        "weight_news": Schema.alias(of: "weights.news", Schema.number(minimum: 0, maximum: 1)),
        "competitor_list": Schema.alias(of: "competitors", Schema.array(Schema.string())),
        "status": Schema.string(enum: ["new", "drafted", "feedback_given"]),
        "limit": Schema.integer(minimum: 1, maximum: 200),
        "role_id": Schema.integer(minimum: 1),
    ], required: [])

    func failure(_ input: JSONValue) -> BundleError? {
        do {
            _ = try InputContract.prepare(input, schema: steering)
            return nil
        } catch {
            return error
        }
    }

    @Test func unknownFieldsAreRefusedWithTheClosestName() {
        let error = failure(["weights_news": 0.5])
        #expect(error?.code == .validationFailed)
        #expect(error?.message == "weights_news: unknown field; did you mean weights.news?")
        #expect(failure(["news": 0.5])?.message == "news: unknown field; did you mean weights.news?")
        #expect(failure(["weights": ["newz": 0.5]])?.message == "weights.newz: unknown field; did you mean weights.news?")
        #expect(failure(["zzzzzzzz": 1])?.message == "zzzzzzzz: unknown field")
    }

    @Test func aliasesMoveToTheBundlesNamesNestedOnesIncluded() throws {
        let prepared = try InputContract.prepare(["weight_news": 0.5, "weights": ["role_pains": 0.2], "competitor_list": ["Acme"],
                                                  "_http": ["method": "PUT"]], schema: steering)
        #expect(prepared == ["weights": ["news": 0.5, "role_pains": 0.2], "competitors": ["Acme"], "_http": ["method": "PUT"]])
        #expect(try InputContract.prepare(["weight_news": 0.5, "weights": ["news": 0.5]], schema: steering) == ["weights": ["news": 0.5]])
    }

    @Test func bothSpellingsWithDifferentValuesAreRefusedNamingBoth() {
        let error = failure(["competitor_list": ["A"], "competitors": ["B"]])
        #expect(error?.code == .validationFailed)
        #expect(error?.message == "competitor_list: is another name for competitors, which is also given with a different value; send one of them")
    }

    @Test func aliasedValuesAreCheckedUnderTheBundlesName() {
        #expect(failure(["weight_news": 2])?.message == "weights.news: must be at most 1")
    }

    @Test(arguments: ["Drafted", "DRAFTED", "drafted", "FeedbackGiven", "feedback_given", "Feedback Given", "feedback-given"])
    func enumValuesMatchInAnyCaseAndSpelling(status: String) throws {
        let prepared = try InputContract.prepare(["status": .string(status)], schema: steering)
        #expect(["drafted", "feedback_given"].contains(prepared["status"]?.stringValue ?? ""))
        #expect(failure(["status": "sent"])?.message == #"status: must be one of "new", "drafted", "feedback_given""#)
    }

    @Test func typesAndMinimumsAreEnforced() {
        #expect(failure(["role_id": 0])?.message == "role_id: must be at least 1")
        #expect(failure(["limit": "ten"])?.message == "limit: expected integer, got string")
        #expect(failure(["limit": 2.5])?.message == "limit: expected integer, got number")
        #expect(failure(["limit": 5687.0])?.message == "limit: must be at most 200")
        #expect(failure(["product_focus": 3])?.details == [ErrorDetail(field: "product_focus", problem: "expected string, got integer")])
    }

    @Test func nullForAnOptionalFieldIsTheFieldLeftOut() throws {
        #expect(try InputContract.prepare(["limit": nil, "weights": ["news": nil], "status": "new"], schema: steering)
            == ["weights": [:], "status": "new"])
        let nullable = Schema.object(["email": Schema.nullable(Schema.string()), "id": Schema.integer()], required: ["id"])
        #expect(try InputContract.prepare(["email": nil, "id": 1], schema: nullable) == ["email": nil, "id": 1], "a null that means clear it stays")
        #expect(throws: BundleError.self) { try InputContract.prepare(["id": nil], schema: nullable) }
    }

    @Test func gatewayKeysTheFunctionDoesNotTakeAreExplained() {
        #expect(failure(["body_text": "a,b"])?.message == "body_text: unknown field: this function takes no text body; send a JSON object")
    }

    @Test func aJobsInputIsNamedBelowItsRoot() {
        var input: JSONValue = ["weight_newz": 1]
        let problems = InputContract.check(&input, schema: steering, at: "input")
        #expect(problems == [ErrorDetail(field: "input.weight_newz", problem: "unknown field; did you mean input.weights.news?")])
    }
}
