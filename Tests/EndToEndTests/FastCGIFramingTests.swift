import Core
import Foundation
import TestSupport
import Testing

extension FastCGIClient {
    /// `POST /probe` (the test-support `runtime-probe`) with `input` as its JSON body.
    func probe(_ input: JSONValue, requestID: String? = nil, id: UInt16 = 1, keepConnection: Bool = true,
               extra: [(String, String)] = []) throws -> Response {
        try write(Self.probeRequest(input, requestID: requestID, id: id, keepConnection: keepConnection, extra: extra))
        return try readResponse(id: id)
    }

    /// The bytes of that request, to send without reading the answer yet.
    static func probeRequest(_ input: JSONValue, requestID: String? = nil, id: UInt16 = 1, keepConnection: Bool = true,
                             extra: [(String, String)] = [], stdinRecordSize: Int = 65_535, paramsRecordSize: Int = 65_535) -> [UInt8] {
        let body = Array(input.jsonText.utf8)
        return requestBytes(id: id, params: probeParams(length: body.count, requestID: requestID, extra: extra), body: body,
                            keepConnection: keepConnection, paramsRecordSize: paramsRecordSize, stdinRecordSize: stdinRecordSize)
    }

    static func probeParams(length: Int, requestID: String? = nil, extra: [(String, String)] = []) -> [(String, String)] {
        var headers = ["Content-Type": "application/json"]
        if let requestID { headers["X-Request-Id"] = requestID }
        return httpParams(method: "POST", path: "/probe", headers: headers, contentLength: length, extra: extra)
    }
}

extension FastCGIClient.Response {
    /// The worker that ran the probe.
    var pid: pid_t? { json?["pid"]?.intValue.map { pid_t($0) } }
}

/// FastCGI framing through `bundle serve-fastcgi` (the test-support probe behind it): bodies and
/// parameters in records of any size, the body limit to the byte, parameters over 64 KiB refused
/// with the connection kept, the management records, a second request id and an unknown role
/// refused with their protocol statuses, `FCGI_KEEP_CONN` honoured either way.
@Suite(.serialized) struct FastCGIFramingTests {
    let server: FastCGIServer

    init() throws {
        server = try FastCGIServer(arguments: ["--workers", "2"])
    }

    @Test func aBodyInOneByteRecordsAndParametersCutMidPair() throws {
        let client = try server.connect()
        let bytes = FastCGIClient.probeRequest(["action": "echo", "count": 7], requestID: "one-byte-records",
                                               stdinRecordSize: 1, paramsRecordSize: 7)
        try client.write(bytes)
        let reply = try client.readResponse()
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json?["count"] == 7)
        #expect(reply.json?["request_id"] == "one-byte-records")
        #expect(reply.header("x-request-id") == "one-byte-records")
        #expect(reply.stdoutEnded)
        #expect(reply.protocolStatus == FastCGIClient.ProtocolStatus.requestComplete.rawValue)
        #expect(reply.appStatus == 0)
        // Records padded far beyond the specification's recommendation are read as well.
        let padded = FastCGIClient.beginRequest(id: 9, keepConnection: true)
            + FastCGIClient.record(.params, requestID: 9, content: FastCGIClient.encodePairs(FastCGIClient.probeParams(length: 18)), padding: 255)
            + FastCGIClient.record(.params, requestID: 9, content: [], padding: 3)
            + FastCGIClient.record(.stdin, requestID: 9, content: Array(#"{"action": "echo"}"#.utf8), padding: 200)
            + FastCGIClient.record(.stdin, requestID: 9, content: [], padding: 1)
        try client.write(padded)
        let again = try client.readResponse(id: 9)
        #expect(again.status == 200, "\(again.text)")
        #expect(again.json?["action"] == "echo")
    }

    @Test func anEmptyBodyAndAShortBodyAreAnsweredAndTheConnectionStays() throws {
        let client = try server.connect()
        // An empty body is `{}`: the probe's schema wants `action`.
        let empty = try client.request(FastCGIClient.probeParams(length: 0))
        #expect(empty.status == 422, "\(empty.text)")
        #expect(empty.errorCode == "validation_failed")
        #expect(empty.json?["error"]?["details"]?.arrayValue?.first?["field"] == "action", "\(empty.text)")
        // A body that ends before its CONTENT_LENGTH.
        let short = try client.request(FastCGIClient.probeParams(length: 100), body: Array(#"{"action": "echo"}"#.utf8))
        #expect(short.status == 400, "\(short.text)")
        #expect(short.errorCode == "invalid_request")
        #expect(try client.probe(["action": "echo", "count": 3]).json?["count"] == 3)
    }

    /// `MAX_BODY_BYTES` is 10 MiB by default: a body of exactly that many bytes runs, one more is
    /// refused 413 (and drained, so the kept connection serves the next request).
    @Test func aTenMebibyteBodyIsServedAndOneByteMoreIsRefused() throws {
        let limit = 10 << 20
        let client = try server.connect()
        let prefix = Array(#"{"action": "echo", "count": 10}"#.utf8)
        let atLimit = prefix + [UInt8](repeating: 0x20, count: limit - prefix.count)
        let served = try client.request(FastCGIClient.probeParams(length: atLimit.count), body: atLimit)
        #expect(served.status == 200, "\(served.text.prefix(300))")
        #expect(served.json?["count"] == 10)
        let over = atLimit + [0x20]
        let refused = try client.request(FastCGIClient.probeParams(length: over.count), body: over)
        #expect(refused.status == 413, "\(refused.text.prefix(300))")
        #expect(refused.errorCode == "payload_too_large")
        #expect(refused.json?["error"]?["message"]?.stringValue?.contains("\(limit)") == true, "\(refused.text)")
        let next = try client.probe(["action": "echo", "count": 11])
        #expect(next.status == 200 && next.json?["count"] == 11, "\(next.text)")
    }

    @Test func parametersOver64KiBAreRefused400AndTheConnectionServesOn() throws {
        let client = try server.connect()
        let body = Array(#"{"action": "echo"}"#.utf8)
        // Under the limit (about 60 KB of parameters, in two records): served.
        let large = FastCGIClient.probeParams(length: body.count, requestID: "params-large", extra: [("HTTP_X_FILL", String(repeating: "a", count: 60_000))])
        let accepted = try client.request(large, body: body, paramsRecordSize: 40_000)
        #expect(accepted.status == 200, "\(accepted.text)")
        // Over it: one value of 70,000 bytes.
        let huge = FastCGIClient.probeParams(length: body.count, requestID: "params-huge", extra: [("HTTP_X_FILL", String(repeating: "b", count: 70_000))])
        let refused = try client.request(huge, body: body)
        #expect(refused.status == 400, "\(refused.text)")
        #expect(refused.errorCode == "invalid_request")
        #expect(refused.header("content-type")?.hasPrefix("application/json") == true)
        #expect(refused.json?["error"]?["message"]?.stringValue?.contains("65536") == true, "\(refused.text)")
        let next = try client.probe(["action": "echo", "count": 2], requestID: "after-huge")
        #expect(next.status == 200 && next.json?["request_id"] == "after-huge", "\(next.text)")
        #expect(server.waitForLog { $0["msg"] == "request.done" && $0["status"] == 400 } != nil, "\(server.log)")
    }

    @Test func getValuesIsAnsweredAndUnknownManagementRecordsAreNamed() throws {
        let client = try server.connect()
        let names = [("FCGI_MAX_CONNS", ""), ("FCGI_MAX_REQS", ""), ("FCGI_MPXS_CONNS", ""), ("FCGI_NO_SUCH_VALUE", "")]
        try client.write(FastCGIClient.record(.getValues, requestID: 0, content: FastCGIClient.encodePairs(names)))
        let result = try #require(try client.readRecord())
        #expect(result.kind == .getValuesResult && result.requestID == 0, "\(result)")
        let values = try #require(FastCGIClient.decodePairs(result.content))
        #expect(values["FCGI_MPXS_CONNS"] == "0")
        #expect(values["FCGI_MAX_REQS"] == "2", "the workers: \(values)")
        #expect(values["FCGI_MAX_CONNS"].flatMap { Int($0) }.map { $0 > 0 } == true, "\(values)")
        #expect(values["FCGI_NO_SUCH_VALUE"] == nil, "an unknown name is left out of the result")

        try client.write(FastCGIClient.record(42, requestID: 0, content: [1, 2, 3]))
        let unknown = try #require(try client.readRecord())
        #expect(unknown.kind == .unknownType && unknown.requestID == 0, "\(unknown)")
        #expect(unknown.content.count == 8 && unknown.content.first == 42)

        #expect(try client.probe(["action": "echo", "count": 1]).status == 200)
    }

    /// Multiplexing is refused as the specification allows: a BEGIN_REQUEST with another id
    /// while one is being read gets `FCGI_CANT_MPX_CONN`; the first is answered; the other id's
    /// records are ignored.
    @Test func aSecondRequestIDIsRefusedWhileTheFirstIsAnswered() throws {
        let client = try server.connect()
        let body = Array(#"{"action": "echo", "count": 5}"#.utf8)
        let params = FastCGIClient.encodePairs(FastCGIClient.probeParams(length: body.count, requestID: "first-of-three"))
        let half = params.count / 2
        var bytes = FastCGIClient.beginRequest(id: 1, keepConnection: true)
        bytes += FastCGIClient.record(.params, requestID: 1, content: params[..<half])
        bytes += FastCGIClient.beginRequest(id: 2, keepConnection: true)  // during the first's parameters
        bytes += FastCGIClient.record(.params, requestID: 2, content: FastCGIClient.encodePairs([("REQUEST_METHOD", "DELETE")]))
        bytes += FastCGIClient.record(.params, requestID: 1, content: params[half...])
        bytes += FastCGIClient.record(.params, requestID: 1, content: [])
        bytes += FastCGIClient.record(.stdin, requestID: 1, content: body[..<10])
        bytes += FastCGIClient.beginRequest(id: 3, keepConnection: true)  // during the first's body
        bytes += FastCGIClient.record(.stdin, requestID: 3, content: Array("garbage".utf8))
        bytes += FastCGIClient.record(.stdin, requestID: 1, content: body[10...])
        bytes += FastCGIClient.record(.stdin, requestID: 1, content: [])
        try client.write(bytes)
        let first = try client.readResponse(id: 1)
        #expect(first.status == 200, "\(first.text)")
        #expect(first.json?["count"] == 5 && first.json?["request_id"] == "first-of-three")
        let ends = first.others.compactMap { record in record.endRequest.map { (record.requestID, $0.protocolStatus) } }
        #expect(ends.map(\.0) == [2, 3], "\(first.others)")
        #expect(ends.allSatisfy { $0.1 == FastCGIClient.ProtocolStatus.cantMultiplexConnection.rawValue })
        #expect(!first.others.contains { $0.kind == .stdout }, "no answer for a refused id")
        #expect(try client.probe(["action": "echo"], id: 4).status == 200)
    }

    @Test func rolesOtherThanResponderAreRefused() throws {
        let client = try server.connect()
        for (id, role) in [(UInt16(1), FastCGIClient.Role.authorizer), (2, .filter)] {
            try client.write(FastCGIClient.beginRequest(id: id, role: role.rawValue, keepConnection: true)
                + FastCGIClient.stream(.params, id: id, bytes: FastCGIClient.encodePairs(FastCGIClient.probeParams(length: 0))))
            let refused = try client.readResponse(id: id)
            #expect(refused.protocolStatus == FastCGIClient.ProtocolStatus.unknownRole.rawValue, "role \(role)")
            #expect(refused.stdout.isEmpty)
        }
        let served = try client.probe(["action": "echo", "count": 3], id: 3)
        #expect(served.status == 200 && served.json?["count"] == 3, "\(served.text)")
    }

    @Test func withoutKeepConnTheServerClosesAfterTheAnswer() throws {
        let client = try server.connect()
        let reply = try client.probe(["action": "echo"], keepConnection: false)
        #expect(reply.status == 200)
        #expect(try client.serverClosed())
    }

    /// A streaming function asked for events sends each as it is written, in `FCGI_STDOUT`
    /// records (proven with a file the function waits for after its first event, not with timings);
    /// the kept connection then serves the next request.
    @Test func aStreamIsWrittenEventByEvent() throws {
        let go = server.directory.file("go")
        let client = try server.connect()
        let input: JSONValue = ["steps": 3, "wait_for": .string(go)]
        let body = Array(input.jsonText.utf8)
        let params = FastCGIClient.httpParams(method: "POST", path: "/api/conversations/import",
                                              headers: ["Content-Type": "application/json", "Accept": "text/event-stream", "X-Request-Id": "stream-1"],
                                              contentLength: body.count)
        try client.write(FastCGIClient.requestBytes(params: params, body: body))
        var stream = FastCGIClient.Response(requestID: 1)
        #expect(try client.read(into: &stream, until: #""n":1"#), "\(stream.text)")
        #expect(!stream.text.contains(#""n":2"#))
        #expect(!stream.ended)
        #expect(FileManager.default.createFile(atPath: go, contents: Data()))
        #expect(try !client.read(into: &stream, until: "no such text"))
        #expect(stream.ended && stream.stdoutEnded)
        #expect(stream.status == 200)
        #expect(stream.header("content-type")?.hasPrefix("text/event-stream") == true)
        #expect(stream.header("x-request-id") == "stream-1")
        let names = stream.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        #expect(names == ["step", "step", "step", "done"], "\(stream.text)")
        #expect(try client.probe(["action": "echo", "count": 8]).json?["count"] == 8)
    }

    @Test func manyRequestsOnOneKeptConnectionAndPipelined() throws {
        let client = try server.connect()
        for index in 1...20 {
            let id = UInt16(index * 997 % 65_535 + 1)
            let reply = try client.probe(["action": "echo", "count": .number(Double(index))], requestID: "kept-\(index)", id: id)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.json?["count"] == .number(Double(index)))
            #expect(reply.header("x-request-id") == "kept-\(index)")
        }
        // Three requests written at once, before any answer is read: answered in order.
        try client.write((1...3).flatMap { FastCGIClient.probeRequest(["action": "echo", "count": .number(Double($0))], id: UInt16($0)) })
        for index in 1...3 {
            #expect(try client.readResponse(id: UInt16(index)).json?["count"] == .number(Double(index)))
        }
        #expect(!server.logLines.contains { $0["level"] == "warning" || $0["level"] == "error" }, "\(server.log)")
    }
}
