import Core
import Gateway
import Testing

@Suite struct RequestInputTests {
    let manifest = FunctionManifest(
        name: "feedback", summary: "", routes: [Route("POST", "/meetings/{id:int}/feedback")],
        input: Schema.object([
            "id": Schema.integer(), "score": Schema.integer(), "weight": Schema.number(), "urgent": Schema.boolean(),
            "note": Schema.string(), "tags": Schema.array(Schema.string()),
        ], required: []),
        output: [:])

    func input(_ request: GatewayRequest, principal: String? = "api_key:test", publicBaseURL: String? = nil) throws -> JSONValue {
        guard case .success(let match) = RouteTable([manifest]).match(method: request.method, path: request.path) else {
            throw BundleError(.notFound, "no route")
        }
        return try RequestInput(request: request, match: match, requestID: "req-1", principal: principal,
                                publicBaseURL: publicBaseURL).build()
    }

    func post(_ body: String, type: String?, query: String = "", headers: [String: String] = [:]) -> GatewayRequest {
        var all = headers
        if let type { all["content-type"] = type }
        all["host"] = "bundle.test"
        return GatewayRequest(method: "POST", path: "/meetings/7/feedback", query: query, headers: all, body: Array(body.utf8))
    }

    @Test func aBodyCannotOverrideThePathIdAndQueryWinsOverBody() throws {
        let value = try input(post(#"{"id": 999, "score": 1, "note": "body", "_http": {"principal": "forged"}}"#,
                                   type: "application/json", query: "note=query"))
        #expect(value["id"] == 7)
        #expect(value["score"] == 1)
        #expect(value["note"] == "query")
        #expect(value["_http"]?["principal"] == "api_key:test", "the envelope is the gateway's")
    }

    @Test func formFieldsAreConvertedByTheSchema() throws {
        let value = try input(post("score=-1&weight=0.5&urgent=true&note=a+b%21&tags=x&tags=y&id=3", type: "application/x-www-form-urlencoded"))
        #expect(value["score"] == -1)
        #expect(value["weight"] == 0.5)
        #expect(value["urgent"] == true)
        #expect(value["note"] == "a b!")
        #expect(value["tags"] == ["x", "y"])
        #expect(value["id"] == 7)
    }

    @Test func textBodiesArriveAsBodyText() throws {
        let csv = "name,email\nAda,ada@example.com\n"
        #expect(try input(post(csv, type: "text/csv; charset=utf-8"))["body_text"] == .string(csv))
        #expect(try input(post("hello", type: "text/plain"))["body_text"] == "hello")
    }

    @Test func multipartGivesFieldsAndFiles() throws {
        let body = [
            "--XyZ", "Content-Disposition: form-data; name=\"score\"", "", "1",
            "--XyZ", "Content-Disposition: form-data; name=\"upload\"; filename=\"people.csv\"", "Content-Type: text/csv", "",
            "name\nAda", "--XyZ--", "",
        ].joined(separator: "\r\n")
        let value = try input(post(body, type: "multipart/form-data; boundary=XyZ"))
        #expect(value["score"] == 1)
        let file = try #require(value["files"]?.arrayValue?.first)
        #expect(file["field"] == "upload")
        #expect(file["filename"] == "people.csv")
        #expect(file["content_type"] == "text/csv")
        #expect(file["text"] == "name\nAda")
        #expect(file["size"] == 8)
    }

    @Test func binaryFilesAreBase64() throws {
        var body = Array("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n\r\n".utf8)
        body += [0xFF, 0x00, 0xFE]
        body += Array("\r\n--b--\r\n".utf8)
        let request = GatewayRequest(method: "POST", path: "/meetings/1/feedback", headers: ["content-type": "multipart/form-data; boundary=b"],
                                  body: body)
        #expect(try input(request)["files"]?.arrayValue?.first?["content_base64"] == "/wD+")
    }

    @Test func badBodiesAreInvalidRequests() {
        for (body, type) in [("[1,2]", "application/json"), ("{", "application/json"), ("x", "application/octet-stream"),
                             ("--nope", "multipart/form-data; boundary=b")] {
            #expect(throws: BundleError.self, "\(type): \(body)") { try input(post(body, type: type)) }
            do {
                _ = try input(post(body, type: type))
            } catch let error as BundleError {
                #expect(error.code == .invalidRequest)
            } catch {}
        }
    }

    @Test func theEnvelopeCarriesTheRequestButNoCredentials() throws {
        let value = try input(post("{}", type: "application/json", query: "a=1",
                                   headers: ["x-api-key": "fbk_secret", "authorization": "Bearer fbk_secret", "x-custom": "yes"]),
                              publicBaseURL: "https://api.example.com/")
        let http = try #require(value["_http"])
        #expect(http["method"] == "POST")
        #expect(http["path"] == "/meetings/7/feedback")
        #expect(http["url"] == "https://api.example.com/meetings/7/feedback?a=1")
        #expect(http["request_id"] == "req-1")
        #expect(http["headers"]?["x-custom"] == "yes")
        #expect(http["headers"]?["x-api-key"] == nil)
        #expect(http["headers"]?["authorization"] == nil)
        #expect(!value.jsonText.contains("fbk_secret"))
    }

    @Test func theCGIEnvironmentBecomesARequest() {
        let request = CGIRequest.head([
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "post", "REQUEST_URI": "/jobs/a%20b?x=1", "QUERY_STRING": "x=1",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "2", "HTTP_X_REQUEST_ID": "abc", "HTTP_X_TWILIO_SIGNATURE": "sig",
            "REMOTE_ADDR": "10.0.0.1",
        ])
        #expect(request.method == "POST")
        #expect(request.path == "/jobs/a b")
        #expect(request.query == "x=1")
        #expect(request.header("X-Twilio-Signature") == "sig")
        #expect(request.header("content-length") == "2")
        #expect(request.requestID == "abc")
        #expect(request.remoteAddress == "10.0.0.1")
        #expect(CGIRequest.head(["PATH_INFO": "/health", "REQUEST_URI": "/ignored"]).path == "/health")
    }

    @Test func bodiesOverTheLimitAreRefusedBeforeReading() {
        let request = GatewayRequest(method: "POST", path: "/x", headers: ["content-length": "2048"])
        #expect(throws: BundleError(.payloadTooLarge, "the request body is 2048 bytes; at most 1024 are accepted (MAX_BODY_BYTES)")) {
            try CGIRequest.contentLength(request, limit: 1024)
        }
        #expect((try? CGIRequest.contentLength(request, limit: 4096)) == 2048)
    }
}
