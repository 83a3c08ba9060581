import Core
import Testing

@Suite struct JSONDepthTests {
    func nested(_ levels: Int) -> JSONValue {
        var value: JSONValue = 1
        for level in 0..<levels { value = level.isMultiple(of: 2) ? .array([value]) : .object(["a": value]) }
        return value
    }

    @Test func depthCountsContainers() {
        #expect(JSONDepth.depth(of: 1) == 0)
        #expect(JSONDepth.depth(of: [:]) == 1)
        #expect(JSONDepth.depth(of: ["a": [1], "b": 2]) == 2)
        #expect(JSONDepth.depth(of: nested(300)) == 300)
        #expect(JSONDepth.depth(of: nested(300), limit: 10) == 11, "stops past the limit")
    }

    @Test func inputsLeaveRoomForTheOutputsThatCarryThem() throws {
        #expect(JSONDepth.maximumInput * 2 == JSONDepth.maximumOutput)
        #expect(JSONDepth.maximumOutput == JSONParser.maximumDepth, "outputs are exactly what the parser reads back")
        try JSONDepth.checkInput(nested(JSONDepth.maximumInput))
        let error = try #require(throws: BundleError.self) { try JSONDepth.checkInput(nested(254)) }
        #expect(error.code == .invalidRequest)
        // A listing that carries a maximal input a few levels down is still readable.
        let listing: JSONValue = ["jobs": [["input": nested(JSONDepth.maximumInput)]]]
        try JSONDepth.checkOutput(listing)
        #expect(try JSONValue(parsing: listing.jsonText) == listing)
        #expect(throws: BundleError.self) { try JSONDepth.checkOutput(nested(JSONDepth.maximumOutput + 1)) }
    }
}
