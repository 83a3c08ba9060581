import Core
import Testing

@Suite struct JSONTests {
    @Test func serialisesCompactSortedAndEscaped() {
        let value: JSONValue = ["b": [1, 2.5, true, nil], "a": "quote \" slash / newline \n tab \t bell \u{07} é"]
        #expect(value.jsonText == #"{"a":"quote \" slash / newline \n tab \t bell \u0007 é","b":[1,2.5,true,null]}"#)
    }

    @Test func roundTripsThroughTheDecoder() throws {
        let value: JSONValue = ["n": -3, "f": 0.125, "s": "x", "o": ["k": []], "z": nil]
        #expect(try JSONCoding.decode(JSONValue.self, from: value.jsonText) == value)
    }

    @Test func decodingErrorsNameTheField() {
        struct Input: Decodable { var score: Int; var nested: Nested }
        struct Nested: Decodable { var items: [String] }
        func problem(_ text: String) -> (String?, String) {
            switch Result(catching: { try JSONCoding.decode(Input.self, from: text) }) {
            case .success: return (nil, "decoded")
            case .failure(let error):
                let described = JSONCoding.describe(error)
                return (described.field, described.problem)
            }
        }
        #expect(problem(#"{"score": "high", "nested": {"items": []}}"#) == ("score", "expected an integer"))
        #expect(problem(#"{"score": 1}"#) == ("nested", "is required"))
        #expect(problem(#"{"score": 1, "nested": {"items": [1]}}"#) == ("nested.items[0]", "expected a string"))
        #expect(problem(#"{"score": null, "nested": {"items": []}}"#).0 == "score")
    }

    @Test func errorCodesFollowTheContractTable() {
        let table: [(ErrorCode, Int, Int32)] = [
            (.invalidRequest, 400, 64), (.payloadTooLarge, 413, 64), (.unauthorized, 401, 77), (.forbidden, 403, 77),
            (.notFound, 404, 66), (.methodNotAllowed, 405, 64), (.conflict, 409, 65), (.validationFailed, 422, 65), (.rateLimited, 429, 75),
            (.upstreamFailed, 502, 69), (.unavailable, 503, 75), (.timeout, 504, 75), (.misconfigured, 500, 78),
            (.internal, 500, 70),
        ]
        for (code, status, exit) in table {
            #expect(code.httpStatus == status, "\(code)")
            #expect(code.exitCode == exit, "\(code)")
        }
        #expect(ErrorCode.all.count == table.count)
    }

    @Test func errorEnvelopeHasTheContractShape() throws {
        let error = BundleError.validation(field: "score", "must be 1 or -1")
        let json = try JSONValue(encoding: ErrorEnvelope(error))
        #expect(json["error"]?["code"] == "validation_failed")
        #expect(json["error"]?["message"] == "score: must be 1 or -1")
        #expect(json["error"]?["details"]?.arrayValue?.first?["field"] == "score")
        #expect(SchemaValidator.validate(json, against: Schema.errorEnvelope).isEmpty)
    }
}
