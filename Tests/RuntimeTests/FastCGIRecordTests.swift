@testable import Adapters
import TestSupport
import Testing

/// The warm mode's record layer on its own: name-value pairs as the FastCGI specification encodes
/// them (section 3.4: one-byte lengths under 128, four-byte lengths with the high bit set), input
/// that is cut short or points past its end, and streams split into records of at most 65,535 bytes.
@Suite struct FastCGIRecordTests {
    /// The records in `bytes`: type, request id, content; nil when they do not parse whole.
    static func records(_ bytes: [UInt8]) -> [(type: UInt8, id: UInt16, content: [UInt8], padding: Int)]? {
        var result: [(type: UInt8, id: UInt16, content: [UInt8], padding: Int)] = []
        var index = 0
        while index < bytes.count {
            guard let header = FastCGIRecord.Header(bytes[index...]), index + header.recordLength <= bytes.count else { return nil }
            let start = index + FastCGIRecord.headerLength
            result.append((header.type, header.requestID, Array(bytes[start..<start + header.contentLength]), header.paddingLength))
            index += header.recordLength
        }
        return result
    }

    @Test func pairsWithOneByteLengths() throws {
        let bytes: [UInt8] = [4, 3] + Array("NAMEabc".utf8) + [0, 0] + [1, 127] + [UInt8(ascii: "x")] + [UInt8](repeating: 0x41, count: 127)
        let pairs = try #require(FastCGIRecord.pairs(bytes))
        #expect(pairs.count == 3)
        #expect(pairs[0].name == Array("NAME".utf8) && pairs[0].value == Array("abc".utf8))
        #expect(pairs[1].name.isEmpty && pairs[1].value.isEmpty)
        #expect(pairs[2].name == [UInt8(ascii: "x")] && pairs[2].value.count == 127)
        #expect(FastCGIRecord.pairs([])?.isEmpty == true)
    }

    @Test func pairsWithFourByteLengths() throws {
        let name = [UInt8](repeating: 0x4e, count: 200)
        let value = [UInt8](repeating: 0x76, count: 70_000)
        // 200 = 0x000000c8 and 70,000 = 0x00011170, each with the high bit of the first byte set.
        let bytes: [UInt8] = [0x80, 0, 0, 0xc8, 0x80, 0x01, 0x11, 0x70] + name + value
        let pairs = try #require(FastCGIRecord.pairs(bytes))
        #expect(pairs.count == 1)
        #expect(pairs.first?.name == name)
        #expect(pairs.first?.value == value)
        // A short value after a long name: the two forms mix within one pair.
        let mixed = try #require(FastCGIRecord.pairs([0x80, 0, 0, 0xc8, 2] + name + [7, 8]))
        #expect(mixed.first?.value == [7, 8])
    }

    @Test func truncatedOrOverlongInputIsNil() {
        #expect(FastCGIRecord.pairs([5]) == nil, "a name length and no value length")
        #expect(FastCGIRecord.pairs([0x80, 0, 0]) == nil, "a four-byte length cut after three bytes")
        #expect(FastCGIRecord.pairs([1, 0x80, 0, 0, 1, 0x41]) == nil, "a four-byte value length cut short")
        #expect(FastCGIRecord.pairs([3, 1] + Array("ab".utf8)) == nil, "a name longer than what is left")
        #expect(FastCGIRecord.pairs([1, 5] + Array("abcd".utf8)) == nil, "a value running past the end")
        #expect(FastCGIRecord.pairs([0xff, 0xff, 0xff, 0xff, 0] + Array("abc".utf8)) == nil, "a length of 2^31 - 1")
        #expect(FastCGIRecord.pairs([1, 1] + Array("ab".utf8) + [2]) == nil, "a good pair, then a cut one")
    }

    /// The server's decoder reads what the tests' client (written from the specification) encodes.
    @Test func pairsRoundTripThroughAnIndependentEncoder() throws {
        let pairs = [("REQUEST_METHOD", "POST"), ("HTTP_X_LONG", String(repeating: "v", count: 300)), (String(repeating: "N", count: 128), ""),
                     ("EMPTY", "")]
        let decoded = try #require(FastCGIRecord.pairs(FastCGIClient.encodePairs(pairs)))
        #expect(decoded.map { String(decoding: $0.name, as: UTF8.self) } == pairs.map(\.0))
        #expect(decoded.map { String(decoding: $0.value, as: UTF8.self) } == pairs.map(\.1))
        var encoded: [UInt8] = []
        for (name, value) in pairs { FastCGIRecord.appendPair(name: Array(name.utf8), value: Array(value.utf8), to: &encoded) }
        #expect(encoded == FastCGIClient.encodePairs(pairs))
        #expect(FastCGIClient.decodePairs(encoded)?["HTTP_X_LONG"]?.count == 300)
    }

    @Test func streamsSplitAt65535Bytes() throws {
        for (length, expected) in [(0, [0]), (1, [1, 0]), (65_535, [65_535, 0]), (65_536, [65_535, 1, 0]), (200_000, [65_535, 65_535, 65_535, 3_395, 0])] {
            var output: [UInt8] = []
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
            FastCGIRecord.appendStream(.stdout, requestID: 258, bytes: bytes, end: true, to: &output)
            let records = try #require(Self.records(output), "\(length) bytes")
            #expect(records.map(\.content.count) == expected, "\(length) bytes")
            #expect(records.allSatisfy { $0.type == FastCGIRecord.Kind.stdout.rawValue && $0.id == 258 })
            #expect(records.allSatisfy { ($0.content.count + $0.padding) % 8 == 0 }, "padded to 8 bytes")
            #expect(records.flatMap(\.content) == bytes)
        }
        var open: [UInt8] = []
        FastCGIRecord.appendStream(.stderr, requestID: 1, bytes: [1, 2, 3], end: false, to: &open)
        #expect(Self.records(open)?.map(\.content) == [[1, 2, 3]], "no end record unless asked")
    }

    @Test func endRequestCarriesTheAppAndProtocolStatus() throws {
        var output: [UInt8] = []
        FastCGIRecord.appendEnd(requestID: 7, appStatus: 70, status: .unknownRole, to: &output)
        let record = try #require(Self.records(output)?.first)
        #expect(record.type == 3 && record.id == 7)
        #expect(record.content == [0, 0, 0, 70, 3, 0, 0, 0])
        #expect(FastCGIRecord.answer(Array("Status: 200 OK\r\n\r\n".utf8), requestID: 7, appStatus: 0).count == 8 + 24 + 8 + 16)
    }

    @Test func headersOfAnotherVersionOrCutShortAreRefused() {
        #expect(FastCGIRecord.Header([2, 1, 0, 1, 0, 0, 0, 0][...]) == nil)
        #expect(FastCGIRecord.Header([1, 1, 0, 1, 0, 0, 0][...]) == nil)
        let header = FastCGIRecord.Header([1, 5, 0x01, 0x02, 0xff, 0xff, 1, 0][...])
        #expect(header?.requestID == 258 && header?.contentLength == 65_535 && header?.recordLength == 8 + 65_535 + 1)
    }
}
