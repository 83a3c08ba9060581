import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// Candidate scoring end to end: real nginx + fcgiwrap, a multipart upload of the bundled
/// sample sheet, the job worker scoring it against an OpenAI-compatible loopback server (one
/// candidate's answers are garbage), and interview rooms from a loopback Daily API.
@Suite(.serialized) struct CandidateScoringTests {

    /// An OpenAI-compatible server that scores by the candidate's years and answers nonsense for Chen Wei.
    static func llmServer() throws -> LoopbackServer {
        try LoopbackServer { request in
            let prompt = request.json?["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
            let years = prompt.split(separator: "\n").first { $0.hasPrefix("Years of experience: ") }
                .flatMap { Double($0.dropFirst("Years of experience: ".count)) } ?? 0
            let conversation = request.json?["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue }.joined() ?? ""
            let content = conversation.contains("Ant Group") ? "I think this candidate is great!"
                : (["score": .number(min(100, (40 + years * 5).rounded())), "rationale": "Relevant payments backend experience.",
                    "strengths": ["Payments domain"], "concerns": []] as JSONValue).jsonText
            return .json(200, ["model": "gpt-4.1-mini", "usage": ["prompt_tokens": 250, "completion_tokens": 30],
                               "choices": [["message": ["role": "assistant", "content": .string(content)], "finish_reason": "stop"]]])
        }
    }

    static func multipart(_ fields: [(String, String)], file: (name: String, content: String)) -> (String, String) {
        let boundary = "----bundle-test-7MA4YWxkTrZu0gW"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n"
        body += file.content + "\r\n--\(boundary)--\r\n"
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    @Test func uploadScoreRankAndInterviewThroughNginx() throws {
        let daily = try LoopbackServer { request in
            let name = request.json?["name"]?.stringValue ?? "missing"
            return .json(200, ["id": "room-1", "name": .string(name), "url": .string("https://acme.daily.co/\(name)"),
                               "created_at": "2026-12-02T09:00:00.000Z", "config": ["exp": request.json?["properties"]?["exp"] ?? .null]])
        }
        let server = try NginxServer(mode: .direct, environment: ["DAILY_API_KEY": "daily-e2e-key", "DAILY_BASE_URL": daily.baseURL + "/v1"])
        let key = try server.createKey()
        let json = ["X-API-Key": key, "Content-Type": "application/json"]

        let role = try server.send("PUT", "/roles/1", headers: json, body: try Fixtures.text("put-role/backend-engineer.json"))
        #expect(role.status == 200, "\(role.text)")
        #expect(try server.send("GET", "/roles/1", headers: json).json?["required_skills"] == ["Python", "PostgreSQL", "AWS", "Kubernetes"])

        let (type, body) = Self.multipart([("role_id", "1")], file: ("sample-candidates.csv", try Fixtures.text("upload-candidates/sample-candidates.csv")))
        let upload = try server.send("POST", "/candidates/upload", headers: ["X-API-Key": key, "Content-Type": type], body: body)
        #expect(upload.status == 202, "\(upload.text)")
        #expect(upload.json?["upload"]?["file_name"] == "sample-candidates.csv")
        #expect(upload.json?["upload"]?["accepted"] == 27)
        #expect(upload.json?["upload"]?["rejected"]?.arrayValue?.map { $0["line"] } == [24, 25, 32])
        #expect(upload.json?["upload"]?["duplicates"]?.arrayValue?.count == 1)
        let jobID = try #require(upload.json?["job_id"]?.intValue)
        #expect(try server.send("GET", "/candidates/status?upload_id=1", headers: json).json?["state"] == "queued")

        let llm = try Self.llmServer()
        let work = try Binaries.run("work", environment: ["DATABASE_URL": server.databaseURL, "LLM_PROVIDER": "openai",
                                                          "LLM_BASE_URL": llm.baseURL + "/v1", "LLM_API_KEY": "sk-e2e",
                                                          "MAX_CONCURRENT_LLM_CALLS": "8"],
                                    workingDirectory: server.state.path)
        #expect(work.json?["succeeded"] == 1, "\(work.stdoutText) \(work.stderr)")
        let status = try server.send("GET", "/candidates/status?upload_id=1", headers: json).json
        #expect(status?["state"] == "completed")
        #expect(status?["progress"] == 100)
        #expect(status?["totals"]?["scored"] == 26)
        #expect(status?["totals"]?["ai_failed"] == 1)
        #expect(status?["job"]?["id"] == .number(Double(jobID)))
        #expect(llm.requests.count == 26 + 1, "one call per candidate, plus the repair round for the garbage answer: \(llm.requests.map { $0.json?["messages"]?.arrayValue?.count ?? 0 })")

        let list = try #require(try server.send("GET", "/candidates?role_id=1&limit=50", headers: json).json)
        let ranked = list["candidates"]?.arrayValue?.compactMap { $0["candidate"] } ?? []
        #expect(ranked.count == 26)
        let scores = ranked.compactMap { $0["combined_score"]?.doubleValue }
        #expect(scores == scores.sorted(by: >), "ranked by combined score")
        let chen = try #require(ranked.first { $0["name"] == "Chen Wei" })
        #expect(chen["ai_status"] == "failed")
        #expect(chen["combined_score"] == chen["algo_score"])
        #expect(ranked.first { $0["name"] == "Priya Raman" }?["ai_provider"] == "openai")
        let top = try #require(ranked.first?["id"]?.intValue)
        #expect(try server.send("GET", "/candidates?tier=excellent", headers: json).status == 422)

        let refused = try server.send("PATCH", "/candidates/\(top)", headers: json, body: #"{"algo_score": 100, "hobby": "chess"}"#)
        #expect(refused.status == 422)
        #expect(Set(refused.json?["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []) == ["algo_score", "hobby"])
        let patched = try server.send("PATCH", "/candidates/\(top)", headers: json, body: #"{"skills": "Python; Go | Rust", "notes": "strong"}"#)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json?["skills"] == ["Python", "Go", "Rust"])
        #expect(patched.json?["needs_scoring"] == true)
        let rescore = try server.send("POST", "/candidates/score", headers: json, body: #"{"role_id": 1, "only_unscored": true}"#)
        #expect(rescore.status == 202)
        #expect(rescore.json?["queued"] == true)

        let room = try server.send("POST", "/candidates/\(top)/interview", headers: json, body: "")
        #expect(room.status == 200, "\(room.text)")
        #expect(room.json?["room"]?["provider"] == "daily")
        #expect(room.json?["room"]?["url"]?.stringValue?.hasPrefix("https://acme.daily.co/interview-\(top)-") == true)
        #expect(room.json?["briefing"]?["suggested_questions"]?.arrayValue?.count == 3)
        let again = try server.send("POST", "/candidates/\(top)/interview", headers: json, body: "")
        #expect(again.json?["room"] == room.json?["room"])
        #expect(daily.requests.count == 1, "the second call returns the stored room")
        #expect(daily.requests.first?.header("authorization") == "Bearer daily-e2e-key")
        #expect(try server.send("GET", "/candidates/\(top)", headers: json).json?["interview_status"] == "briefing")

        // A text/csv body works too; a file with no rows is refused whole; no key, no access.
        let plain = try server.send("POST", "/candidates/upload?role_id=1", headers: ["X-API-Key": key, "Content-Type": "text/csv"],
                                    body: "name,email\r\nNew Person,new@example.com\r\n")
        #expect(plain.status == 202, "\(plain.text)")
        #expect(plain.json?["upload"]?["created_candidates"] == 1)
        let empty = try server.send("POST", "/candidates/upload?role_id=1", headers: ["X-API-Key": key, "Content-Type": "text/csv"], body: "name,email\n")
        #expect(empty.status == 422)
        #expect(empty.json?["error"]?["message"]?.stringValue?.contains("no candidate rows") == true)
        #expect(try server.send("GET", "/candidates", headers: [:]).status == 401)
    }

    @Test func theCandidateFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        let environment = ["DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite")), "BUNDLE_NOW": "2026-12-02T09:00:00Z", "LLM_PROVIDER": "offline"]
        func run(_ name: String, _ stdin: String, exit: Int32 = 0) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: stdin, environment: environment, workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
            if exit == 0, let manifest = Catalog.manifest(named: name) {
                let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
            return json
        }
        #expect(try run("put-role", try Fixtures.text("put-role/backend-engineer.json"))["created"] == true)
        #expect(try run("get-role", #"{"id": 1}"#)["min_years"] == 5)
        let upload = try run("upload-candidates", try Fixtures.text("upload-candidates/sample.json"))
        #expect(upload["upload"]?["accepted"] == 27)
        let scored = try run("score-candidates", #"{"role_id": 1, "only_unscored": true}"#)
        #expect(scored["summary"]?["scored"] == 26)
        #expect(scored["summary"]?["ai_provider"] == "offline")
        let first = try run("list-candidates", #"{"role_id": 1, "limit": 3}"#)
        #expect(first["candidates"]?.arrayValue?.count == 3)
        #expect(try run("list-candidates", #"{"role_id": 1, "limit": 3}"#) == first, "the same ranking every run")
        let id = try #require(first["candidates"]?[0]?["candidate"]?["id"]?.intValue)
        #expect(try run("get-candidate", "{\"id\": \(id)}")["tier"] == "top")
        #expect(try run("update-candidate", "{\"id\": \(id), \"recommendation\": \"hire\"}")["recommendation"] == "hire")
        #expect(try run("update-candidate", "{\"id\": \(id), \"salary\": 1}", exit: 65)["error"]?["code"] == "validation_failed")
        let room = try run("start-interview", "{\"id\": \(id)}")
        #expect(room["room"]?["provider"] == "jitsi")
        let status = try run("candidate-status", #"{"upload_id": 1}"#)
        #expect(status["state"] == "completed", "the piped run scored the upload's candidates")
        #expect(status["job"]?["status"] == "queued", "its queued job will find nothing left to do")
        #expect(try run("get-candidate", #"{"id": 999}"#, exit: 66)["error"]?["code"] == "not_found")
        #expect(try run("upload-candidates", #"{"role_id": 1, "csv": ""}"#, exit: 65)["error"]?["code"] == "validation_failed")
    }
}
