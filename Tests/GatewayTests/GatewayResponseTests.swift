import Core
import Gateway
import Testing

@Suite struct HTTPResponseTests {
    @Test func successUsesTheRouteStatusAndStripsTheEnvelope() throws {
        let response = GatewayResponse.from(output: Array(#"{"id": 1, "_http": {"headers": {"Location": "/jobs/1"}}}"#.utf8),
                                         successStatus: 202, requestID: "r1")
        #expect(response.status == 202)
        #expect(response.header("Location") == "/jobs/1")
        #expect(response.header("X-Request-Id") == "r1")
        #expect(response.header("Content-Type") == "application/json")
        #expect(try JSONValue(parsing: response.body) == ["id": 1])
    }

    @Test func errorsTakeTheirCodesStatus() {
        for (code, status) in [("validation_failed", 422), ("not_found", 404), ("upstream_failed", 502), ("timeout", 504), ("made_up", 500)] {
            let output = Array(#"{"error": {"code": "\#(code)", "message": "m"}}"#.utf8)
            #expect(GatewayResponse.from(output: output, successStatus: 200, requestID: "r").status == status, "\(code)")
        }
    }

    @Test func anAnswerWithAnErrorFieldAmongOthersIsASuccess() throws {
        // A failed job as GET /jobs/{id} shows it: its stored error is data, not this request's failure.
        let job = Array(#"{"id": 7, "status": "failed", "error": {"code": "not_found", "message": "no meeting 999"}}"#.utf8)
        for encoded in [false, true] {
            let response = GatewayResponse.from(output: job, successStatus: 200, requestID: "r", encoded: encoded)
            #expect(response.status == 200)
            #expect(try JSONValue(parsing: response.body)["error"]?["code"] == "not_found")
        }
    }

    @Test func aFunctionCanAnswerWithAnotherBody() {
        let output = Array(#"{"_http": {"status": 200, "content_type": "text/xml", "body": "<Response/>", "headers": {"X-Bad\nName": "x", "Cache-Control": "no-store"}}}"#.utf8)
        let response = GatewayResponse.from(output: output, successStatus: 201, requestID: "r")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/xml")
        #expect(response.body == Array("<Response/>".utf8))
        #expect(response.header("Cache-Control") == "no-store")
        #expect(response.headers.count == 3, "an unsafe header name is dropped")
    }

    @Test func garbledOutputIsAnInternalError() throws {
        for output in ["", "not json", "[1]", "{\"a\": 1} trailing"] {
            let response = GatewayResponse.from(output: Array(output.utf8), successStatus: 200, requestID: "r")
            #expect(response.status == 500, "\(output)")
            #expect(try JSONValue(parsing: response.body)["error"]?["code"] == "internal")
        }
    }

    @Test func cgiOutputStartsWithAStatusLine() {
        let bytes = GatewayResponse(status: 404, headers: [("Content-Type", "application/json")], body: Array("{}".utf8)).cgiBytes
        #expect(String(decoding: bytes, as: UTF8.self) == "Status: 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    }
}

struct EncodedAnswerTests {
    @Test func anEncodedAnswerWithoutReservedKeysIsSentAsItIs() {
        let output = Array(#"{"id":1,"name":"x"}"#.utf8)
        let response = GatewayResponse.from(output: output, successStatus: 201, requestID: "r", encoded: true)
        #expect(response.status == 201)
        #expect(response.body == output + [10])
        #expect(response.header("X-Request-Id") == "r")
    }

    @Test func anEncodedAnswerWithReservedKeysIsStillRead() throws {
        let withHTTP = GatewayResponse.from(output: Array(#"{"id":1,"_http":{"status":202}}"#.utf8), successStatus: 200, requestID: "r", encoded: true)
        #expect(withHTTP.status == 202)
        #expect(try JSONValue(parsing: withHTTP.body)["_http"] == nil)
        let failure = GatewayResponse.from(output: Array(#"{"error":{"code":"conflict","message":"m"}}"#.utf8), successStatus: 200, requestID: "r",
                                           encoded: true)
        #expect(failure.status == 409)
    }
}
