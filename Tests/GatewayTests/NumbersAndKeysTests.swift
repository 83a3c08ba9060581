import Core
import Gateway
import Testing

/// One rule for numbers and keys at the gateway: a whole number written with a decimal point is an
/// integer in a query or form, as it is in JSON; a JSON body with a repeated key is refused.
@Suite struct NumbersAndKeysTests {
    let manifest = FunctionManifest(
        name: "list", summary: "", routes: [Route("POST", "/things")],
        input: Schema.object(["limit": Schema.integer(minimum: 1), "ratio": Schema.number(), "function": Schema.string()], required: []),
        output: [:])

    func input(_ body: String, type: String, query: String = "") throws -> JSONValue {
        guard case .success(let match) = RouteTable([manifest]).match(method: "POST", path: "/things") else {
            throw BundleError(.notFound, "no route")
        }
        let request = GatewayRequest(method: "POST", path: "/things", query: query, headers: ["content-type": type, "host": "bundle.test"],
                                     body: Array(body.utf8))
        return try RequestInput(request: request, match: match, requestID: "req-1", principal: nil, publicBaseURL: nil).build()
    }

    @Test func aWholeNumberWithADecimalPointIsAnInteger() throws {
        #expect(try input("", type: "application/json", query: "limit=5687.0")["limit"] == 5687)
        #expect(try input("limit=12.0&ratio=0.5", type: "application/x-www-form-urlencoded")["limit"] == 12)
        #expect(try input("", type: "application/json", query: "limit=2.5")["limit"] == "2.5", "not whole: left for the check to refuse")
        #expect(SchemaCoercion.coerce("1e3", to: Schema.integer()) == 1000)
    }

    /// `Double("0x10")` is 16 and `Double("inf")` infinity: only JSON's decimal number syntax
    /// is a number; anything else stays text, for the schema check to refuse.
    @Test(arguments: ["0x10", "0X1p4", "inf", "-Infinity", "nan", "NaN", "007", ".5", "5.", "1e", "1_000", "1,5"])
    func onlyDecimalJSONNumbersAreNumbers(text: String) throws {
        #expect(try input("", type: "application/json", query: "limit=\(text)")["limit"] == .string(text))
        #expect(try input("ratio=\(text)", type: "application/x-www-form-urlencoded")["ratio"] == .string(text))
        #expect(SchemaCoercion.jsonNumber(text) == nil)
        #expect(SchemaCoercion.coerce("+5", to: Schema.integer()) == "+5", "a sign JSON does not have")
    }

    @Test(arguments: [("0", 0.0), ("-0.5", -0.5), ("5.0", 5.0), ("1E+2", 100.0), ("12e-1", 1.2)])
    func decimalNumbersAreNumbers(text: String, value: Double) throws {
        #expect(SchemaCoercion.jsonNumber(text) == value)
        #expect(SchemaCoercion.coerce(.string(text), to: Schema.number()) == .number(value))
    }

    @Test func aRepeatedJSONKeyIsAnInvalidRequest() {
        do {
            _ = try input(#"{"function":"work","function":"health"}"#, type: "application/json")
            Issue.record("a repeated key was accepted")
        } catch let error as BundleError {
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains(#"duplicate key "function""#))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
