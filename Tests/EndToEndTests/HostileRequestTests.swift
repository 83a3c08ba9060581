import Core
import Foundation
import TestSupport
import Testing

/// Requests built to hurt (found by fuzzing): each must get the contract's JSON answer, through
/// real nginx + fcgiwrap in both modes, or from the binaries directly.
@Suite(.serialized) struct HostileRequestTests {
    @Test(arguments: NginxServer.Mode.allCases)
    func aLargeBodyToAMissingRouteGetsTheJSON404(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 300_000)
        let reply = try server.send("POST", "/no/such/route", headers: ["Content-Type": "text/plain"], bytes: body)
        #expect(reply.status == 404, "\(reply.text)")
        #expect(reply.json?["error"]?["code"] == "not_found")
        let wrong = try server.send("PUT", "/health", headers: ["Content-Type": "text/plain"], bytes: body)
        #expect(wrong.status == 405, "\(wrong.text)")
        #expect(wrong.json?["error"]?["code"] == "method_not_allowed")
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func onlySafeRequestIDsAreEchoed(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        for unsafe in ["a\"b", "<script>", "a;b=c", "x,y"] {
            let reply = try server.send("GET", "/health", headers: ["X-Request-Id": unsafe])
            #expect(reply.status == 200)
            let echoed = try #require(reply.header("X-Request-Id"))
            #expect(echoed != unsafe)
            #expect(RequestID.sanitized(echoed) == echoed, "a generated id has the safe shape")
        }
        #expect(try server.send("GET", "/health", headers: ["X-Request-Id": "run-7:step_2.a"]).header("X-Request-Id") == "run-7:step_2.a")
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func aDeepJobInputIsRefusedAndListingsStayReadable(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        let auth = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]
        func nested(_ levels: Int) -> String { String(repeating: "[", count: levels) + String(repeating: "]", count: levels) }
        // inbound-message takes fields of Twilio's choosing, so any nested value reaches the depth rule.
        let deep = try server.send("POST", "/jobs", headers: auth, body: #"{"function": "inbound-message", "input": {"a": \#(nested(250))}}"#)
        #expect(deep.status == 400, "\(deep.text)")
        #expect(deep.json?["error"]?["code"] == "invalid_request")
        #expect(deep.json?["error"]?["message"]?.stringValue?.contains("levels") == true)
        let deepest = try server.send("POST", "/jobs", headers: auth, body: #"{"function": "inbound-message", "input": {"a": \#(nested(120))}}"#)
        #expect(deepest.status == 202, "\(deepest.text)")
        let listing = try server.send("GET", "/jobs", headers: auth)
        #expect(listing.status == 200, "\(listing.text.prefix(300))")
        #expect(listing.json?["jobs"]?.arrayValue?.count == 1)
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func errorsNginxAnswersItselfAreJSON(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        let trace = try server.send("TRACE", "/health")
        #expect(trace.status == 405)
        #expect(trace.json?["error"]?["code"] == "method_not_allowed", "\(trace.text)")
        #expect(trace.header("Allow")?.contains("GET") == true)
        #expect(trace.header("Allow")?.contains("OPTIONS") == true)
        let requests: [(String, [String: String], Int)] = [
            ("/..%2f..%2fetc/passwd", [:], 400), ("/health%00", [:], 400),
            ("/" + String(repeating: "a", count: 10_000), [:], 414),
            ("/health", ["X-Big": String(repeating: "b", count: 9_000)], 400),
            ("/_bundle_error/internal", [:], 404),
        ]
        for (path, headers, status) in requests {
            let reply = try server.send("GET", path, headers: headers)
            #expect(reply.status == status, "\(path.prefix(40)): \(reply.text.prefix(200))")
            #expect(reply.header("Content-Type") == "application/json", "\(path.prefix(40))")
            #expect(reply.json?["error"]?["code"]?.stringValue != nil, "\(path.prefix(40)): \(reply.text.prefix(200))")
            #expect(reply.header("X-Request-Id") != nil)
        }
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func browsersFromAnAllowedOriginGetCORS(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode, environment: ["CORS_ORIGINS": "https://app.example.com"])
        let preflight = try server.send("OPTIONS", "/jobs", headers: ["Origin": "https://app.example.com",
                                                                      "Access-Control-Request-Method": "POST"])
        #expect(preflight.status == 204, "no API key is needed: \(preflight.text)")
        #expect(preflight.header("Access-Control-Allow-Origin") == "https://app.example.com")
        #expect(Set(preflight.header("Access-Control-Allow-Methods")?.components(separatedBy: ", ") ?? []) == ["GET", "HEAD", "POST", "OPTIONS"])
        #expect(preflight.header("Access-Control-Allow-Headers")?.contains("X-API-Key") == true)
        #expect(preflight.header("Access-Control-Max-Age") == "600")
        let answer = try server.send("GET", "/health", headers: ["Origin": "https://app.example.com"])
        #expect(answer.header("Access-Control-Allow-Origin") == "https://app.example.com")
        #expect(answer.header("Vary") == "Origin")
        let refused = try server.send("GET", "/jobs", headers: ["Origin": "https://app.example.com"])
        #expect(refused.status == 401)
        #expect(refused.header("Access-Control-Allow-Origin") == "https://app.example.com", "errors too, so the page can read them")
        let other = try server.send("OPTIONS", "/jobs", headers: ["Origin": "https://evil.example"])
        #expect(other.header("Access-Control-Allow-Origin") == nil)
        #expect(try server.send("GET", "/health", headers: ["Origin": "https://evil.example"]).header("Access-Control-Allow-Origin") == nil)
    }

    @Test func theDispatcherObeysADeadlineWhileReadingTheRequest() throws {
        let directory = try TemporaryDirectory()
        // A body that never arrives: the CGI stdin stays open and empty.
        let result = try Binaries.run("/bin/bash", arguments: ["-c", "exec \"$0\" < <(sleep 20)", Binaries.path("dispatch")],
                                      environment: ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "POST", "REQUEST_URI": "/jobs",
                                                    "PATH_INFO": "/jobs", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "100",
                                                    "FUNCTION_TIMEOUT_S": "0.5", "DATABASE_URL": try TestDatabase.url(directory.file("bundle.sqlite"))],
                                      workingDirectory: directory.path)
        let text = result.stdoutText
        #expect(text.hasPrefix("Status: 504"), "\(text)")
        #expect(text.contains("\"code\":\"timeout\""))
        #expect(result.logLines.contains { $0["msg"] == "invocation.deadline" }, "\(result.stderr)")
    }
}
