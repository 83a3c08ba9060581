import Core
import FoundationEssentials
import Testing

@Suite struct JSONValueCodingTests {
    struct Attendee: Codable, Equatable {
        var email: String
        var name: String?
        var response: Response
    }

    enum Response: String, Codable { case accepted, declined }

    struct Meeting: Codable, Equatable {
        var id: Int64
        var title: String
        var start: Date
        var score: Double
        var tags: [String]
        var attendees: [Attendee]
        var extra: JSONValue
        var flags: [String: Bool]
        var nested: [[Int]]
        var small: UInt8

        enum CodingKeys: String, CodingKey {
            case id, title, start, score, tags, attendees, extra, flags, nested, small
        }
    }

    let meeting = Meeting(id: 42, title: "Intro", start: Date(timeIntervalSince1970: 1_767_603_600), score: 0.75,
                          tags: ["a", "b"], attendees: [Attendee(email: "a@x.test", name: nil, response: .accepted)],
                          extra: ["k": [1, nil]], flags: ["vip": true], nested: [[1, 2], []], small: 7)

    @Test func roundTripsThroughJSONValue() throws {
        let value = try JSONValueEncoder.encode(meeting)
        #expect(value["start"] == "2026-01-05T09:00:00Z")
        #expect(value["attendees"]?.arrayValue?.first?.objectValue?.keys.sorted() == ["email", "response"])  // nil left out
        #expect(try JSONValueDecoder.decode(Meeting.self, from: value) == meeting)
        #expect(try JSONCoding.decode(Meeting.self, from: JSONCoding.encode(meeting)) == meeting)
    }

    func failure(_ mutate: (inout [String: JSONValue]) -> Void) throws -> (String?, String) {
        guard case .object(var fields) = try JSONValueEncoder.encode(meeting) else { return (nil, "not an object") }
        mutate(&fields)
        do {
            _ = try JSONValueDecoder.decode(Meeting.self, from: .object(fields))
            return (nil, "decoded")
        } catch {
            let described = JSONCoding.describe(error)
            return (described.field, described.problem)
        }
    }

    @Test func failuresNameTheFieldAndTheExpectedType() throws {
        #expect(try failure { $0["id"] = 3.5 } == ("id", "expected an integer"))
        #expect(try failure { $0["small"] = 300 } == ("small", "expected an integer"))
        #expect(try failure { $0["title"] = 5 } == ("title", "expected a string"))
        #expect(try failure { $0["title"] = .null } == ("title", "expected a string, got null"))
        #expect(try failure { $0.removeValue(forKey: "score") } == ("score", "is required"))
        #expect(try failure { $0["start"] = "next tuesday" }.0 == "start")
        #expect(try failure { $0["tags"] = ["a", 1] } == ("tags[1]", "expected a string"))
        #expect(try failure { $0["attendees"] = [["email": "x", "response": "maybe"]] }.0 == "attendees[0].response")
        #expect(try failure { $0["flags"] = ["vip": "yes"] } == ("flags.vip", "expected a boolean"))
        #expect(try failure { $0["attendees"] = "none" } == ("attendees", "expected an array"))
    }

    @Test func nonFiniteNumbersCannotBeEncoded() {
        struct Value: Encodable { var x: Double }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Value(x: .nan)) }
    }

    @Test func prettyTextIsIndentedAndParsesBack() throws {
        let value: JSONValue = ["b": [1, ["c": nil]], "a": [:], "d": []]
        #expect(value.prettyText == "{\n  \"a\": {},\n  \"b\": [\n    1,\n    {\n      \"c\": null\n    }\n  ],\n  \"d\": []\n}")
        #expect(try JSONParser.parse(value.prettyText) == value)
    }
}
