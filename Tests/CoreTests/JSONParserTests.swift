import Core
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5e3, 0, true, false, null], "s": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "o": {}} "#)
        #expect(value == ["a": [1, -2500, 0, true, false, nil], "s": "x\"\\/\u{08}\u{0C}\n\r\té😀", "o": [:]])
    }

    @Test func agreesWithTheSerializer() throws {
        let value: JSONValue = ["text": "line\nbreak \u{01} \u{2028} é", "n": [0.1, 1e-7, 123456789], "nested": [["deep": [nil]]]]
        #expect(try JSONParser.parse(value.jsonText) == value)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", ".5", "1e", "tru", "nul", "\"unterminated", "\"tab\there\"",
        "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "{\"a\" 1}", "{1: 2}", "[1 2]", "{} x", "NaN", "1e999",
    ])
    func rejectsMalformedDocuments(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    /// Strings are scanned eight bytes at a time: whatever ends a run (quote, backslash, control
    /// character) or needs validating (non-ASCII) is found at every offset in and across words.
    @Test func findsEveryStringEventAtEveryOffset() throws {
        for before in 0..<20 {
            for after in [0, 1, 7, 8, 9, 17] {
                let pad = { (count: Int) in [UInt8](repeating: UInt8(ascii: "a"), count: count) }
                let plain = String(repeating: "a", count: before), tail = String(repeating: "a", count: after)
                let quoted = { (body: [UInt8]) in [UInt8(ascii: "\"")] + body + [UInt8(ascii: "\"")] }
                #expect(try JSONParser.parse(quoted(pad(before) + Array(#"\"\n\\"#.utf8) + pad(after)))
                            == .string(plain + "\"\n\\" + tail))
                #expect(try JSONParser.parse(quoted(pad(before) + Array("é😀".utf8) + Array(#"\t"#.utf8) + pad(after)))
                            == .string(plain + "é😀\t" + tail))
                #expect(try JSONParser.parse(quoted(Array(#"\t"#.utf8) + pad(before) + Array("é".utf8) + pad(after)))
                            == .string("\t" + plain + "é" + tail))
                // Invalid UTF-8 in a run before and after an escape, and a raw control character.
                #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(quoted(Array(#"\n"#.utf8) + pad(before) + [0xC3, 0x28] + pad(after))) }
                #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(quoted(pad(before) + [0xFF] + pad(after) + Array(#"\n"#.utf8))) }
                #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(quoted(pad(before) + [0x01] + pad(after))) }
                #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([UInt8(ascii: "\"")] + pad(before) + pad(after)) }
            }
        }
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(try JSONParser.parse(fine).arrayValue?.count == 1)
    }

    @Test func reportsWhereItFailed() {
        do {
            _ = try JSONParser.parse(#"{"a": tru}"#)
            Issue.record("expected a failure")
        } catch {
            #expect(error.offset == 6)
            #expect(error.description == "unexpected character at byte 6")
        }
    }

    @Test func duplicateKeysAreRefused() throws {
        do {
            _ = try JSONParser.parse(#"{"function":"work","function":"health"}"#)
            Issue.record("a duplicate key was accepted")
        } catch {
            #expect(error.description == #"duplicate key "function" at byte 19"#)
        }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"a": {"b": 1, "b": 1}}"#) }
        // The same name in sibling objects is no duplicate.
        #expect(try JSONParser.parse(#"[{"a": 1}, {"a": 2}]"#) == [["a": 1], ["a": 2]])
        let many = "{" + (0..<20_000).map { "\"k\($0)\": \($0)" }.joined(separator: ",") + "}"
        #expect(try JSONParser.parse(many).objectValue?.count == 20_000)
    }
}
