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

    @Test func writtenStringsReadBack() throws {
        let text = "line\nbreak \u{01} \u{2028} é \u{1F600} \"q\" \\ / \t end"
        #expect(try JSONParser.parse(JSONValue.string(text).jsonText) == .string(text))
    }
}
