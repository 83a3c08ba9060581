import Core
import Foundation
import Testing
import Workspace

/// The turbo-stream decoder on the format's features and on hostile payloads, and the page
/// scanner's string literals.
@Suite struct TurboStreamTests {
    @Test func theEncodersOutputDecodesBackToTheSameJSON() throws {
        var encoder = TurboStreamEncoder()
        let value: JSONValue = ["a": [1, "two", .null, true, ["b": "two"]], "c": "two", "empty": [:], "list": []]
        _ = encoder.flatten(value)
        let payload = "[" + encoder.values.joined(separator: ",") + "]\n"
        #expect(try TurboStream.decode(payload) == value)
    }

    @Test func constantsTypesAndPromisesHaveTheirJSONForms() throws {
        // 0 root {k0: -7 (undefined), k1: -4 (-0), k2: date, k3: promise 6, k4: set, k5: hole-y array}
        let payload = #"""
            [{"_1":-7,"_2":-4,"_3":4,"_5":6,"_7":8,"_9":10},"undef","zero","date",["D",0],"promise",["P",6],"set",["S",1,2],"holes",[-1,1]]
            P6:[{"_12":13},"ok",true]
            """#
        let decoded = try TurboStream.decode(payload)
        #expect(decoded["undef"] == .null && decoded["zero"] == .null)
        #expect(decoded["date"] == "1970-01-01T00:00:00.000Z")
        #expect(decoded["promise"] == ["ok": true])
        #expect(decoded["set"] == ["undef", "zero"])
        #expect(decoded["holes"] == [.null, "undef"])
    }

    @Test func sharedReferencesThatFanOutAreRefusedNotExpanded() {
        // Each level refers twice to the next: 2^80 values if expanded.
        var values = (0..<80).map { "[\($0 + 1),\($0 + 1)]" }
        values.append(#""leaf""#)
        let payload = "[" + values.joined(separator: ",") + "]"
        #expect(throws: TurboStream.Failure.self) { try TurboStream.decode(payload) }
        // The same shape within the node cap decodes (each level once, reused).
        var small = (0..<5).map { "[\($0 + 1),\($0 + 1)]" }
        small.append(#""leaf""#)
        let decoded = try? TurboStream.decode("[" + small.joined(separator: ",") + "]")
        #expect(decoded?.arrayValue?.count == 2)
    }

    @Test func cyclesBecomeNullAndDeepNestingIsRefused() throws {
        let cyclic = try TurboStream.decode(#"[{"_1":0,"_2":3},"self","name","x"]"#)
        #expect(cyclic == ["self": .null, "name": "x"])
        let deep = "[" + (0..<500).map { "[\($0 + 1)]" }.joined(separator: ",") + ",1]"
        #expect(throws: TurboStream.Failure.self) { try TurboStream.decode(deep) }
        for bad in ["", "{}", "[1,", "[[5]]", #"[{"_9":0}]"#, "[0]\nX1:[1]", "[[\"P\",0]]\nP0:"] {
            #expect(throws: TurboStream.Failure.self, "\(bad)") { try TurboStream.decode(bad) }
        }
    }

    @Test func javaScriptStringLiteralsAreDecoded() {
        let source = Array(#"x("a\"b\\c\u003c\x41\n\uD83D\uDE00\u{1F600}é\'", 'single')"#.utf8)
        let decoded = PageScripts.javaScriptString(in: source[...], from: 2)
        #expect(decoded?.text == "a\"b\\c<A\n😀😀é'")
        #expect(PageScripts.javaScriptString(in: Array(#"'single'"#.utf8)[...], from: 0)?.text == "single")
        #expect(PageScripts.javaScriptString(in: Array(#""open"#.utf8)[...], from: 0) == nil)
        #expect(PageScripts.javaScriptString(in: Array(#""bad\u12""#.utf8)[...], from: 0) == nil)
    }

    @Test func aHostilePageIsScannedInOnePass() {
        // Many opening tags with no close, many quotes, and a huge unclosed JSON: each is one scan.
        let page = String(repeating: "<script a=\"", count: 50_000) + String(repeating: "{", count: 1_000_000)
        #expect(ChatGPTSharePage.conversation(in: Array(page.utf8)) == nil)
        let many = String(repeating: "<script>window.__remixContext = {</script>", count: 20_000)
        #expect(ChatGPTSharePage.conversation(in: Array(many.utf8)) == nil)
    }
}
