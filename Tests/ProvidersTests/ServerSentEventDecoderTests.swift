import Core
import Providers
import Testing

/// The bundle's one text/event-stream decoder: WHATWG line and field rules across arbitrary
/// piece boundaries, and the bounds that make hostile streams fail fast.
@Suite struct ServerSentEventDecoderTests {
    /// Decodes `body` fed in pieces of `size` bytes (whole when nil), finishing the stream.
    private func decode(_ body: [UInt8], pieceSize size: Int? = nil, dispatchingIncomplete: Bool = true,
                        _ decoder: ServerSentEventDecoder = ServerSentEventDecoder()) throws -> [ServerSentEvent] {
        var decoder = decoder
        var events: [ServerSentEvent] = []
        let step = max(1, size ?? body.count)
        var start = 0
        while start < body.count {
            let end = min(body.count, start + step)
            events += try decoder.feed(Array(body[start..<end]))
            start = end
        }
        return events + (try decoder.finish(dispatchingIncomplete: dispatchingIncomplete))
    }

    private func decode(_ body: String, pieceSize: Int? = nil, dispatchingIncomplete: Bool = true) throws -> [ServerSentEvent] {
        try decode(Array(body.utf8), pieceSize: pieceSize, dispatchingIncomplete: dispatchingIncomplete)
    }

    private func texts(_ events: [ServerSentEvent]) -> [String] { events.map(\.text) }

    @Test func readsTypesIDsMultiLineDataAndComments() throws {
        let body = ": hello\nid: 1\nevent: content_block_delta\ndata: {\"a\":\ndata:  1}\n\ndata\n\nretry: 5\nunknown: x\ndata:{\"b\":2}\n\n"
        let events = try decode(body)
        #expect(events == [
            ServerSentEvent(type: "content_block_delta", data: Array("{\"a\":\n 1}".utf8), id: "1"),
            ServerSentEvent(type: "message", data: [], id: "1"),
            ServerSentEvent(type: "message", data: Array("{\"b\":2}".utf8), id: "1"),
        ])
    }

    @Test func everyPieceSizeGivesTheSameEvents() throws {
        let body = "\u{FEFF}event: a\r\ndata: one\r\n\r\ndata: two\r\rdata: three\n\n: ping\r\ndata: é≠🙂\r\n\r\n"
        let whole = try decode(body)
        #expect(texts(whole) == ["one", "two", "three", "é≠🙂"])
        #expect(whole[0].type == "a")
        for size in [1, 2, 3, 5, 11] {
            #expect(try decode(body, pieceSize: size) == whole, "pieces of \(size)")
        }
    }

    @Test func aCRAtTheEndOfAPieceAndItsLFInTheNextAreOneLineBreak() throws {
        var decoder = ServerSentEventDecoder()
        #expect(try decoder.feed(Array("data: a\r".utf8)).isEmpty)
        // If the LF were a second line break, this would dispatch "a" now.
        #expect(try decoder.feed(Array("\ndata: b\r".utf8)).isEmpty)
        // A CR alone is a line break too: the next piece starts a new line.
        #expect(texts(try decoder.feed(Array("\r".utf8))) == ["a\nb"])
    }

    @Test func aSplitByteOrderMarkIsDroppedAndAPrefixOfOneIsContent() throws {
        var decoder = ServerSentEventDecoder()
        #expect(try decoder.feed([0xEF]).isEmpty)
        #expect(try decoder.feed([0xBB]).isEmpty)
        #expect(texts(try decoder.feed([0xBF] + Array("data: x\n\n".utf8))) == ["x"])
        // Only the first BOM goes: a second one is part of the field name, an unknown field.
        #expect(try decode([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("data: y\n\n".utf8)).isEmpty)
    }

    @Test func theIncompleteLastEventIsKeptOrDroppedAsAsked() throws {
        #expect(texts(try decode("data: one\n\ndata: two")) == ["one", "two"])
        #expect(texts(try decode("data: one\n\ndata: two", dispatchingIncomplete: false)) == ["one"])
        #expect(texts(try decode("data: one\n\ndata: two\n", dispatchingIncomplete: false)) == ["one"])
    }

    @Test func boundsLinesEventsAndTheirCount() throws {
        let small = ServerSentEventDecoder(maxLineBytes: 16, maxEventBytes: 20, maxEvents: 2)
        #expect(throws: ServerSentEventError(.lineTooLong, "has a line longer than 16 bytes")) {
            try decode(Array("data: 0123456789ab\n\n".utf8), small)
        }
        // The same long line split across pieces is caught too.
        #expect(throws: ServerSentEventError.self) { try decode(Array("data: 0123456789ab\n\n".utf8), pieceSize: 3, small) }
        #expect(throws: ServerSentEventError(.eventTooLarge, "has an event larger than 20 bytes")) {
            try decode(Array("data: 0123456789\ndata: 0123456789\n\n".utf8), small)
        }
        #expect(throws: ServerSentEventError(.tooManyEvents, "has more than 2 events")) {
            try decode(Array("data: 1\n\ndata: 2\n\ndata: 3\n\n".utf8), small)
        }
        #expect(texts(try decode(Array("data: 1\n\ndata: 2\n\n: only comments\n\n\n".utf8), small)) == ["1", "2"])
    }

    @Test func aFiftyMegabyteLineWithoutANewlineFailsAtTheLineCap() throws {
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20)
        var whole = ServerSentEventDecoder()
        #expect(throws: ServerSentEventError.self) { _ = try whole.feed(Array("data: ".utf8) + line) }

        // Fed as it would arrive, it fails once the cap is passed, not at the end.
        var decoder = ServerSentEventDecoder()
        var fed = 0
        let piece = Array(line[0..<(64 << 10)])
        do {
            while fed < line.count {
                _ = try decoder.feed(piece)
                fed += piece.count
            }
            Issue.record("the 50 MB line was accepted")
        } catch {
            #expect(error.kind == .lineTooLong)
            #expect(fed <= decoder.maxLineBytes)
        }
    }

    @Test func aMillionTinyEventsFailAtTheEventCap() throws {
        // A million events as they would arrive, a thousand per piece: refused at the cap.
        let piece = Array(String(repeating: "data: x\n\n", count: 1_000).utf8)
        var decoder = ServerSentEventDecoder()
        var pieces = 0
        do {
            while pieces < 1_000 {
                _ = try decoder.feed(piece)
                pieces += 1
            }
            Issue.record("a million events were accepted")
        } catch {
            #expect(error == ServerSentEventError(.tooManyEvents, "has more than 100000 events"))
            #expect(pieces == 100)
        }
    }
}
