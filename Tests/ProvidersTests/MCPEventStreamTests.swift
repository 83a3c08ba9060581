import Core
import Providers
import Testing

/// The SSE reading of Streamable HTTP answers: the WHATWG line rules, and the bounds that keep a
/// hostile stream from costing unbounded memory.
@Suite struct MCPEventStreamTests {
    private func texts(_ body: String, _ parser: ServerSentEvents = ServerSentEvents()) throws -> [String] {
        try parser.messages(in: Array(body.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func joinsMultiLineDataAndSkipsCommentsAndOtherEventTypes() throws {
        let body = ": keep-alive\n\nevent: message\ndata: {\"a\":\ndata:  1}\nid: 7\n\nevent: ping\ndata: x\n\ndata:{\"b\":2}\n\n"
        #expect(try texts(body) == ["{\"a\":\n 1}", "{\"b\":2}"])
    }

    @Test func acceptsCRLFAndCRLineEndingsAndAFinalEventWithoutBlankLine() throws {
        #expect(try texts("data: one\r\n\r\ndata: two\r\rdata: three") == ["one", "two", "three"])
        // A CR at the very end, then LF in the next "chunk": one line break, not two.
        #expect(try texts("data: a\r\n\r\n") == ["a"])
        #expect(try texts("\u{FEFF}data: bom\n\n") == ["bom"])
    }

    @Test func anEventWithoutDataIsNotAMessage() throws {
        #expect(try texts("event: message\n\nid: 3\n\n").isEmpty)
    }

    @Test func boundsLineLengthEventSizeAndEventCount() throws {
        let bounded = ServerSentEvents(maxLineBytes: 64, maxEventBytes: 100, maxEvents: 3)
        #expect(throws: MCPError.self) { try texts("data: " + String(repeating: "x", count: 65) + "\n\n", bounded) }
        #expect(throws: MCPError.self) { try texts(String(repeating: "data: " + String(repeating: "y", count: 40) + "\n", count: 3) + "\n", bounded) }
        #expect(throws: MCPError.self) { try texts(String(repeating: "data: z\n\n", count: 4), bounded) }
        #expect(try texts(String(repeating: "data: z\n\n", count: 3), bounded).count == 3)
        // A huge stream of blank lines and comments is linear and yields nothing.
        #expect(try texts(String(repeating: ":\n\n", count: 200_000)).isEmpty)
    }
}
