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
        #expect(value["attendees"]?.arrayValue?.first?["name"] == .null)  // nil is written as null, as strict schemas need
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
        #expect(try failure { $0["small"] = 300 } == ("small", "expected an integer from 0 to 255"))
        #expect(try failure { $0["id"] = 9_007_199_254_740_993 } == ("id", "expected an integer from -9007199254740991 to 9007199254740991"))
        #expect(try failure { $0["attendees"] = [["email": "x", "response": "maybe"]] } == ("attendees[0].response", "has an invalid value"))
        #expect(try failure { $0["title"] = 5 } == ("title", "expected a string"))
        #expect(try failure { $0["title"] = .null } == ("title", "expected a string, got null"))
        #expect(try failure { $0.removeValue(forKey: "score") } == ("score", "is required"))
        #expect(try failure { $0["start"] = "next tuesday" }.0 == "start")
        #expect(try failure { $0["tags"] = ["a", 1] } == ("tags[1]", "expected a string"))
        #expect(try failure { $0["attendees"] = [["email": "x", "response": "maybe"]] }.0 == "attendees[0].response")
        #expect(try failure { $0["flags"] = ["vip": "yes"] } == ("flags.vip", "expected a boolean"))
        #expect(try failure { $0["attendees"] = "none" } == ("attendees", "expected an array"))
    }

    @Test func nonFiniteNumbersAndInexactIntegersCannotBeEncoded() throws {
        struct Value: Encodable { var x: Double }
        struct Big: Encodable { var n: Int64 }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Value(x: .nan)) }
        #expect(throws: EncodingError.self) { try JSONValueEncoder.encode(Big(n: .max)) }
        #expect(try JSONValueEncoder.encode(Big(n: 9_007_199_254_740_991)) == ["n": 9_007_199_254_740_991])
    }

    @Test func arrayElementsCanBeRetriedAsAnotherType() throws {
        // The usual "skip what does not decode" loop: a failed decode must not move past the element.
        struct Lenient: Decodable {
            var numbers: [Int] = []
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                while !container.isAtEnd {
                    if let number = try? container.decode(Int.self) { numbers.append(number) } else { _ = try container.decode(JSONValue.self) }
                }
            }
        }
        #expect(try JSONValueDecoder.decode(Lenient.self, from: [1, "two", 3, nil, 4]).numbers == [1, 3, 4])
    }

    @Test func prettyTextIsIndentedAndParsesBack() throws {
        let value: JSONValue = ["b": [1, ["c": nil]], "a": [:], "d": []]
        #expect(value.prettyText == "{\n  \"a\": {},\n  \"b\": [\n    1,\n    {\n      \"c\": null\n    }\n  ],\n  \"d\": []\n}")
        #expect(try JSONParser.parse(value.prettyText) == value)
    }
}
