import Core
import Testing

/// Strings are written in runs between the characters that need escaping; every escape and
/// the text around it must come out as before.
@Suite struct JSONWriterTests {
    @Test func escapesAtEveryPosition() {
        #expect(JSONValue.string("\"a\\b\"").jsonText == #""\"a\\b\"""#)
        #expect(JSONValue.string("\u{00}\u{1F}\u{0C}x").jsonText == #""\u0000\u001f\u000cx""#)
        #expect(JSONValue.string("a\u{2028}b\u{2029}").jsonText == #""a\u2028b\u2029""#)
        #expect(JSONValue.string("… “quoted” €").jsonText == "\"… “quoted” €\"", "other E2 80 xx characters stay as they are")
        #expect(JSONValue.string("").jsonText == #""""#)
        #expect(JSONValue.string("Zoë\r\n").jsonText == #""Zoë\r\n""#)
    }

    @Test func arraysOfStringsAreWrittenAsTheirValue() {
        // Lists that need no escape (copied whole) and lists with one.
        for strings in [[], [""], ["a"], ["", ""], ["Go", "C++", "Python 3"], ["日本", "Zoë", String(repeating: "x", count: 40), "é"],
                        ["Go", "C++", "\"q\"", "a\u{2028}b", "line\nbreak", "日本"]] {
            #expect(JSONValue.jsonText(strings: strings) == JSONValue.array(strings.map(JSONValue.string)).jsonText)
        }
    }

    @Test func writtenStringsReadBack() throws {
        let text = "line\nbreak \u{01} \u{2028} é \u{1F600} \"q\" \\ / \t end"
        #expect(try JSONParser.parse(JSONValue.string(text).jsonText) == .string(text))
    }
}

/// The encoder's fast paths for common types build error paths only on failure; those paths
/// still name the value.
@Suite struct JSONEncoderFastPathTests {
    struct Row: Encodable {
        var name: String
        var scores: [Double]
        var tags: [String]
        var count: Int
        var flag: Bool
    }

    @Test func commonTypesEncodeAsBefore() throws {
        let value = try JSONValueEncoder.encode([Row(name: "a", scores: [1, 2.5], tags: ["x", "y"], count: 3, flag: true)])
        #expect(value == [["name": "a", "scores": [1, 2.5], "tags": ["x", "y"], "count": 3, "flag": true]])
    }

    @Test func aBadNumberIsReportedAtItsPath() {
        do {
            _ = try JSONValueEncoder.encode([Row(name: "a", scores: [1, .infinity], tags: [], count: 0, flag: false)])
            Issue.record("expected an error")
        } catch let EncodingError.invalidValue(_, context) {
            #expect(JSONCoding.path(context.codingPath) == "[0].scores[1]")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
