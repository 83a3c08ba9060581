import Core
import Testing

/// The streaming reader against `JSONParser`: the same values element by element, strings with
/// brackets and escapes, truncated and trailing input, BOM and whitespace, the element cap and
/// the depth bound, all failing with the byte offset.
@Suite struct JSONStreamTests {
    func elements(_ text: String, key: String? = nil, cap: Int = JSONStream.defaultMaximumElementBytes) throws -> [Result<JSONValue, JSONParser.Failure>] {
        var results: [Result<JSONValue, JSONParser.Failure>] = []
        try Array(text.utf8).withUnsafeBufferPointer { buffer in
            let visit: (JSONStream.Element) throws -> Void = { element in
                do { results.append(.success(try element.parse())) } catch let error as JSONParser.Failure { results.append(.failure(error)) }
            }
            if let key {
                try JSONStream.elements(ofMember: key, in: buffer, maximumElementBytes: cap, visit: visit)
            } else {
                try JSONStream.elements(of: buffer, maximumElementBytes: cap, visit: visit)
            }
        }
        return results
    }

    func failure(_ body: () throws -> Void) -> JSONParser.Failure? {
        do { try body() } catch let failure as JSONParser.Failure { return failure } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test func everyElementAgreesWithTheParser() throws {
        let text = #"""
            [ {"a": [1, 2, {"b": null}], "c": "x"}, 3.5e2, "str", true, false, null, [], {},
              [[[]]], {"nested": {"deep": [{"k": "v"}]}}, -0, "\u00e9\ud83d\ude00" ]
            """#
        let whole = try JSONParser.parse(text).arrayValue ?? []
        let streamed = try elements(text).map { try $0.get() }
        #expect(streamed == whole)
        #expect(streamed.count == 12)
    }

    @Test func stringsWithBracketsQuotesAndEscapesDoNotConfuseTheScanner() throws {
        let text = #"[ "]", "[{", "a \"quoted]\" word", "back\\slash\\", {"k]": "}\\\"{"}, "\\" ]"#
        let streamed = try elements(text).map { try $0.get() }
        let whole = try JSONParser.parse(text).arrayValue
        #expect(streamed == whole)
        #expect(streamed.count == 6)
    }

    @Test func aMemberArrayIsStreamedAndOtherMembersSkipped() throws {
        let text = #"{"meta": {"conversations": "not this"}, "conversations": [{"id": 1}, {"id": 2}], "tail": ["]"]}"#
        let streamed = try elements(text, key: "conversations").map { try $0.get() }
        #expect(streamed == [.object(["id": .number(1)]), .object(["id": .number(2)])])
        let missing = failure { _ = try elements(#"{"other": []}"#, key: "conversations") }
        #expect(missing?.reason.contains("no \"conversations\"") == true)
        let twice = failure { _ = try elements(#"{"conversations": [], "conversations": [1]}"#, key: "conversations") }
        #expect(twice?.reason.contains("duplicate key") == true)
        let notArray = failure { _ = try elements(#"{"conversations": {}}"#, key: "conversations") }
        #expect(notArray?.offset == 18)
        Array(#"{"a": 1, "b\u0022": [2]}"#.utf8).withUnsafeBufferPointer { buffer in
            #expect((try? JSONStream.topLevelKeys(of: buffer)) == ["a", "b\""])
        }
    }

    @Test func truncatedInputFailsWithTheOffsetAfterTheCompleteElements() throws {
        var visited = 0
        let text = #"[{"a": 1}, {"b": "unterminated]"#
        let error = failure {
            try Array(text.utf8).withUnsafeBufferPointer { buffer in
                try JSONStream.elements(of: buffer) { _ in visited += 1 }
            }
        }
        #expect(visited == 1)
        #expect(error?.reason == "unterminated string")
        #expect(error?.offset == 17)
        #expect(failure { _ = try elements("[1, 2") }?.reason == "unexpected end of input")
        #expect(failure { _ = try elements("[1, 2,") }?.reason == "unexpected end of input")
        #expect(failure { _ = try elements("[") } != nil)
    }

    @Test func garbageAfterTheArrayOrAStrayBracketIsAFailure() throws {
        let after = failure { _ = try elements("[1, 2] x") }
        #expect(after?.reason == "unexpected text after the document")
        #expect(after?.offset == 7)
        #expect(failure { _ = try elements("[1, 2]]") }?.offset == 6)
        #expect(failure { _ = try elements("[1 }") } != nil)
        #expect(failure { _ = try elements("{}") }?.reason == "expected a top-level array")
        #expect(failure { _ = try elements("   ") }?.reason == "the document is empty")
    }

    @Test func aBadElementFailsOnlyItsOwnParseWithTheAbsoluteOffset() throws {
        let results = try elements(#"[1, {"a": 01}, {"a": 1, "a": 2}, 2]"#)
        #expect(results.count == 4)
        #expect(try results[0].get() == .number(1))
        guard case .failure(let bad) = results[1] else { Issue.record("expected a failure"); return }
        #expect(bad.offset == 11, "offset in the whole buffer, not in the element")
        guard case .failure(let duplicate) = results[2] else { Issue.record("expected a failure"); return }
        #expect(duplicate.reason.contains("duplicate key"))
        #expect(try results[3].get() == .number(2))
    }

    @Test func aBOMAndWhitespaceAreSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF, 0x20, 0x0A, 0x09] + Array("[1]\r\n".utf8)
        var values: [JSONValue] = []
        try bytes.withUnsafeBufferPointer { buffer in
            #expect(JSONStream.start(of: buffer) == 6)
            try JSONStream.elements(of: buffer) { values.append(try $0.parse()) }
        }
        #expect(values == [.number(1)])
    }

    @Test func anElementOverTheCapIsAFailureNotACrash() throws {
        let results = try elements(#"["short", "this one is much longer than the cap", 3]"#, cap: 10)
        #expect(results.count == 3)
        #expect(try results[0].get() == .string("short"))
        guard case .failure(let large) = results[1] else { Issue.record("expected a failure"); return }
        #expect(large.reason.contains("larger than the 10-byte cap"))
        #expect(large.offset == 10)
    }

    @Test func nestingIsBoundedWithoutRecursion() throws {
        let deep = "[" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "]"
        let error = failure { _ = try elements(deep) }
        #expect(error?.reason.contains("nesting deeper") == true)
        let fine = "[" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "]"
        #expect(try elements(fine).count == 1)
    }

    @Test func theParserReadsASliceWithoutCopying() throws {
        let bytes = Array(#"xx{"a": [1]}yy"#.utf8)
        let value = try bytes.withUnsafeBufferPointer { buffer in try JSONParser.parse(UnsafeBufferPointer(rebasing: buffer[2..<12])) }
        #expect(value == .object(["a": .array([.number(1)])]))
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(UnsafeBufferPointer<UInt8>(start: nil, count: 0)) }
    }
}
