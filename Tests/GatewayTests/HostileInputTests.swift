import Core
import Gateway
import Synchronization
import Testing

/// Request bodies built to make the gateway work hard: many repeated fields, many parts.
@Suite struct HostileInputTests {
    let manifest = FunctionManifest(
        name: "inbound", summary: "", routes: [Route("POST", "/inbound")],
        input: Schema.object(["a": Schema.array(Schema.integer())], required: []), output: [:])

    func input(_ body: [UInt8], type: String) throws -> JSONValue {
        guard case .success(let match) = RouteTable([manifest]).match(method: "POST", path: "/inbound") else {
            throw BundleError(.notFound, "no route")
        }
        let request = GatewayRequest(method: "POST", path: "/inbound", headers: ["content-type": type], body: body)
        return try RequestInput(request: request, match: match, requestID: "r", principal: nil, publicBaseURL: nil).build()
    }

    func form(fields: Int) -> [UInt8] {
        Array((0..<fields).map { "a=\($0)" }.joined(separator: "&").utf8)
    }

    func multipart(parts: Int, lineEnd: String) -> [UInt8] {
        var text = ""
        for index in 0..<parts {
            text += "--B\(lineEnd)Content-Disposition: form-data; name=\"a\"\(lineEnd)\(lineEnd)\(index)\(lineEnd)"
        }
        return Array((text + "--B--\(lineEnd)").utf8)
    }

    @Test func repeatedFormFieldsUpToTheCapAreKeptInOrder() throws {
        let value = try input(form(fields: FormEncoding.maxFields), type: "application/x-www-form-urlencoded")
        let values = try #require(value["a"]?.arrayValue)
        #expect(values.count == FormEncoding.maxFields)
        #expect(values.first == 0, "converted by the schema's items")
        #expect(values.last == .number(Double(FormEncoding.maxFields - 1)))
    }

    @Test func moreFormFieldsThanTheCapArePayloadTooLarge() throws {
        let error = try #require(throws: BundleError.self) {
            try input(form(fields: 100_000), type: "application/x-www-form-urlencoded")
        }
        #expect(error.code == .payloadTooLarge)
        #expect(error.message.contains("more than 1000 form fields"))
        let query = GatewayRequest(method: "POST", path: "/inbound", query: String(decoding: form(fields: 1_001), as: UTF8.self))
        guard case .success(let match) = RouteTable([manifest]).match(method: "POST", path: "/inbound") else {
            Issue.record("the route did not match")
            return
        }
        #expect(throws: BundleError.self) {
            try RequestInput(request: query, match: match, requestID: "r", principal: nil, publicBaseURL: nil).build()
        }
    }

    @Test(arguments: ["\r\n", "\n"])
    func repeatedMultipartFieldsUpToTheCapAreKeptInOrder(lineEnd: String) throws {
        let value = try input(multipart(parts: FormEncoding.maxFields, lineEnd: lineEnd), type: "multipart/form-data; boundary=B")
        let values = try #require(value["a"]?.arrayValue)
        #expect(values.count == FormEncoding.maxFields)
        #expect(values[1] == 1, "a part's content ends before the line end that precedes the boundary")
        #expect(values.last == .number(Double(FormEncoding.maxFields - 1)))
    }

    @Test func moreMultipartPartsThanTheCapArePayloadTooLarge() throws {
        let error = try #require(throws: BundleError.self) {
            try input(multipart(parts: FormEncoding.maxFields + 1, lineEnd: "\n"), type: "multipart/form-data; boundary=B")
        }
        #expect(error.code == .payloadTooLarge)
    }

    @Test func boundariesLongerThanRFC2046AllowsAreRefused() throws {
        let long = String(repeating: "-", count: 7_000)
        let body = Array(String(repeating: String(repeating: "-", count: 7_001) + "\r\n", count: 20).utf8)
        let error = try #require(throws: BundleError.self) { try input(body, type: "multipart/form-data; boundary=\(long)") }
        #expect(error.code == .invalidRequest)
        #expect(error.message.contains("longer than 70 characters"))
        let seventy = String(repeating: "b", count: 70)
        let value = try input(Array("--\(seventy)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n7\r\n--\(seventy)--\r\n".utf8),
                              type: "multipart/form-data; boundary=\(seventy)")
        #expect(value["a"] == "7")
    }

    @Test(arguments: ["a<b", "a\\b", "ab ", "a;b\u{e9}"])
    func boundariesWithCharactersRFC2046ForbidsAreRefused(boundary: String) throws {
        let body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--\(boundary)--\r\n".utf8)
        let error = try #require(throws: BundleError.self) { try input(body, type: "multipart/form-data; boundary=\"\(boundary)\"") }
        #expect(error.code == .invalidRequest)
    }

    /// Runs of dashes one short of the delimiter on every line, and the boundary mid-line: only a
    /// line start can begin a delimiter, so none of them is one.
    @Test func delimitersAreFoundOnlyAtLineStarts() throws {
        let boundary = String(repeating: "-", count: 70)
        let almost = String(repeating: "-", count: 71)
        let adversarial = Array(String(repeating: almost + "\n", count: 14_000).utf8)
        let error = try #require(throws: BundleError.self) { try input(adversarial, type: "multipart/form-data; boundary=\(boundary)") }
        #expect(error.message.contains("does not contain its boundary"))
        let midLine = Array("x--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--\r\n".utf8)
        #expect(try input(midLine, type: "multipart/form-data; boundary=B")["a"] == nil, "preamble up to the closing delimiter")
        let inContent = Array("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1--B\r\n--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n2\r\n--B--\r\n".utf8)
        let fields = try input(inContent, type: "multipart/form-data; boundary=B")
        #expect(fields["a"] == .array([.string("1--B"), 2]), "a boundary inside a line is content")
    }

    /// fcgiwrap answers 502 for a CGI program that exits with its body unread.
    @Test(arguments: [("/nowhere", "", 404), ("/inbound", "100", 413)])
    func refusedRequestsStillReadTheirBody(path: String, maxBody: String, status: Int) throws {
        let environment = ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "REQUEST_URI": path, "PATH_INFO": path,
                           "CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": "300000"]
        let read = Mutex(0)
        let config = Config(maxBody.isEmpty ? [:] : ["MAX_BODY_BYTES": maxBody])
        let preparation = CGIExchange(environment: environment).prepare(routes: RouteTable([manifest]), config: config) { length in
            read.withLock { $0 += length }
            return [UInt8](repeating: 0, count: length)
        }
        guard case .refused(let response) = preparation else {
            Issue.record("expected a refusal")
            return
        }
        #expect(response.status == status)
        #expect(read.withLock { $0 } == 300_000, "the whole body was read and dropped")
    }
}
