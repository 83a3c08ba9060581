import Core
import Foundation
import TestSupport
import Testing

/// The bundle over HTTP through real nginx + fcgiwrap, in dispatcher mode and in direct mode
/// (nginx runs each function's binary itself): both must answer the same.
@Suite(.serialized) struct HTTPTests {
    @Test(arguments: NginxServer.Mode.allCases)
    func healthIsPublicAndCarriesTheRequestID(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        let reply = try server.send("GET", "/health", headers: ["X-Request-Id": "trace-123"])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json?["status"] == "ok")
        #expect(reply.header("X-Request-Id") == "trace-123")
        #expect(reply.header("Content-Type") == "application/json")
        let generated = try server.send("GET", "/health")
        #expect(generated.header("X-Request-Id")?.count == 32)
        let unsafe = try server.send("GET", "/health", headers: ["X-Request-Id": "has spaces"])
        #expect(unsafe.header("X-Request-Id")?.count == 32, "an unsafe id is replaced")
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func unknownPathsAndWrongMethodsGetJSONErrors(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        let missing = try server.send("GET", "/no/such/route")
        #expect(missing.status == 404)
        #expect(missing.json?["error"]?["code"] == "not_found")
        #expect(missing.header("X-Request-Id") != nil)
        let wrong = try server.send("DELETE", "/jobs")
        #expect(wrong.status == 405)
        #expect(wrong.json?["error"]?["code"] == "method_not_allowed")
        #expect(Set(wrong.header("Allow")?.components(separatedBy: ", ") ?? []) == ["GET", "POST", "HEAD"])
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func routesNeedAValidKey(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        let key = try server.createKey("ops")
        let missing = try server.send("GET", "/jobs")
        #expect(missing.status == 401)
        #expect(missing.json?["error"]?["code"] == "unauthorized")
        #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        #expect(try server.send("GET", "/jobs", headers: ["X-API-Key": "fbk_not-a-key"]).status == 401)
        #expect(try server.send("GET", "/jobs", headers: ["X-API-Key": key]).status == 200)
        #expect(try server.send("GET", "/jobs", headers: ["Authorization": "Bearer \(key)"]).status == 200)
        let revoked = try Binaries.run("revoke-api-key", stdin: #"{"name": "ops"}"#, environment: ["DATABASE_URL": server.databaseURL],
                                       workingDirectory: server.state.path)
        #expect(revoked.json?["revoked_at"]?.stringValue != nil)
        #expect(try server.send("GET", "/jobs", headers: ["X-API-Key": key]).status == 401)
        #expect(try server.send("GET", "/openapi.json").status == 200, "the OpenAPI document is public")
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func jobsThroughEveryContentTypeAndPathParametersWin(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        let auth = ["X-API-Key": try server.createKey()]
        let json = try server.send("POST", "/jobs", headers: auth.merging(["Content-Type": "application/json"]) { $1 },
                                   body: #"{"function": "health", "idempotency_key": "once"}"#)
        #expect(json.status == 202, "\(json.text)")
        #expect(json.header("Location") == "/jobs/1")
        #expect(json.json?["_http"] == nil, "the envelope is stripped")
        let replay = try server.send("POST", "/jobs", headers: auth.merging(["Content-Type": "application/json"]) { $1 },
                                     body: #"{"function": "health", "idempotency_key": "once"}"#)
        #expect(replay.json?["id"] == 1)
        #expect(replay.header("Idempotent-Replayed") == "true")

        let form = try server.send("POST", "/jobs", headers: auth.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 },
                                   body: "function=health&max_attempts=2")
        #expect(form.status == 202, "\(form.text)")
        #expect(form.json?["max_attempts"] == 2, "form text converted by the input schema")

        let boundary = "b0undary"
        let multipart = ["--\(boundary)", "Content-Disposition: form-data; name=\"function\"", "", "health", "--\(boundary)--", ""]
            .joined(separator: "\r\n")
        let parts = try server.send("POST", "/jobs", headers: auth.merging(["Content-Type": "multipart/form-data; boundary=\(boundary)"]) { $1 },
                                    body: multipart)
        #expect(parts.status == 202, "\(parts.text)")
        #expect(parts.json?["id"] == 3)

        let text = try server.send("POST", "/jobs", headers: auth.merging(["Content-Type": "text/csv"]) { $1 }, body: "a,b\n1,2\n")
        #expect(text.status == 422, "CSV arrives as body_text, and enqueue needs a function")
        #expect(text.json?["error"]?["details"]?.arrayValue?.first?["field"] == "function")

        let notJSON = try server.send("POST", "/jobs", headers: auth.merging(["Content-Type": "application/json"]) { $1 }, body: "[1]")
        #expect(notJSON.status == 400)
        #expect(notJSON.json?["error"]?["code"] == "invalid_request")

        // The path id wins over a query parameter and over a body field of the same name.
        let byPath = try server.send("GET", "/jobs/2?id=1", headers: auth.merging(["Content-Type": "application/json"]) { $1 },
                                     body: #"{"id": 3}"#)
        #expect(byPath.status == 200, "\(byPath.text)")
        #expect(byPath.json?["id"] == 2)
        let listed = try server.send("GET", "/jobs?status=queued&limit=2", headers: auth)
        #expect(listed.json?["jobs"]?.arrayValue?.count == 2, "limit arrives as a number")
        #expect(listed.json?["next_before"] == 2)
        #expect(try server.send("GET", "/jobs/99", headers: auth).status == 404)
        #expect(try server.send("GET", "/jobs?status=lost", headers: auth).status == 422)
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func largeBodiesAre413(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode, environment: ["MAX_BODY_BYTES": "2048"])
        let auth = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]
        let padding = String(repeating: "x", count: 4096)
        let overOurLimit = try server.send("POST", "/jobs", headers: auth, body: #"{"function": "health", "pad": "\#(padding)"}"#)
        #expect(overOurLimit.status == 413)
        #expect(overOurLimit.json?["error"]?["code"] == "payload_too_large")
        let overNginx = try server.send("POST", "/jobs", headers: auth, bytes: [UInt8](repeating: 32, count: 11 << 20))
        #expect(overNginx.status == 413)
        #expect(overNginx.json?["error"]?["code"] == "payload_too_large", "nginx's own 413 is JSON too")
        #expect(overNginx.header("X-Request-Id")?.count == 32, "and carries a request id")
    }

    /// The same requests through both modes give the same statuses, headers that matter and bodies.
    @Test func dispatcherAndDirectModeAnswerAlike() throws {
        let environment = ["BUNDLE_NOW": "2026-01-05T09:00:00Z"]
        let servers = try NginxServer.Mode.allCases.map { try NginxServer(mode: $0, environment: environment) }
        let keys = try servers.map { try $0.createKey() }
        let requests: [(String, String, [String: String], String)] = [
            ("GET", "/health", [:], ""),
            ("GET", "/health/", [:], ""),
            ("HEAD", "/health", [:], ""),
            ("GET", "/nowhere", [:], ""),
            ("PUT", "/health", [:], ""),
            ("GET", "/jobs", ["auth": ""], ""),
            ("GET", "/jobs", [:], ""),
            ("POST", "/jobs", ["auth": "", "Content-Type": "application/json"], #"{"function": "no-such-function"}"#),
            ("POST", "/jobs", ["auth": "", "Content-Type": "application/json"], #"{"function": "health", "idempotency_key": "k"}"#),
            ("GET", "/jobs/1", ["auth": ""], ""),
            ("GET", "/jobs/x", ["auth": ""], ""),
            ("GET", "/metrics/llm-usage?start_date=bad", ["auth": ""], ""),
            ("GET", "/openapi.json", [:], ""),
        ]
        for (method, path, headers, body) in requests {
            let replies = try zip(servers, keys).map { server, key in
                var sent = headers
                if sent.removeValue(forKey: "auth") != nil { sent["X-API-Key"] = key }
                return try server.send(method, path, headers: sent.merging(["X-Request-Id": "same"]) { $1 }, body: body)
            }
            #expect(replies[0].status == replies[1].status, "\(method) \(path)")
            #expect(replies[0].body == replies[1].body, "\(method) \(path): \(replies[0].text) vs \(replies[1].text)")
            for header in ["Content-Type", "Allow", "Location", "X-Request-Id", "WWW-Authenticate"] {
                #expect(replies[0].header(header) == replies[1].header(header), "\(method) \(path) \(header)")
            }
        }
    }
}
