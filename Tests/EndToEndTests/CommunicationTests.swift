import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// The communication functions end to end: each binary piped with its fixture, and the routes
/// through real nginx + fcgiwrap (a multipart .eml upload, the same file twice, a renamed binary,
/// the 10 MB cap, typed-in communications, the list's filters, the re-embedding job).
@Suite(.serialized) struct CommunicationTests {
    @Test func theCommunicationFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        let environment = ["BUNDLE_NOW": "2026-12-02T09:00:00Z", "LLM_PROVIDER": "offline"]
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
        let created = try run("create-communication", try Fixtures.text("create-communication/fabrikam-win.json"))
        #expect(created["communication"]?["outcome_kind"] == "win")
        #expect(created["communication"]?["communication_date"] == "2026-10-01T00:00:00Z")
        #expect(created["embedding"]?["status"] == "complete")

        let email = try run("upload-communications", try Fixtures.text("upload-communications/pilot-win.json"))
        #expect(email["file_type"] == "eml")
        #expect(email["created"] == 1)
        #expect(email["communications"]?.arrayValue?.first?["subject"] == "Re: Fleet tracking pilot — go ahead")
        #expect(email["communications"]?.arrayValue?.first?["communication_date"] == "2026-11-09T14:30:00Z")
        #expect(email["communications"]?.arrayValue?.first?["content"]?.stringValue?.contains("late deliveries by 18%.\nWe would like") == true)
        let again = try run("upload-communications", try Fixtures.text("upload-communications/pilot-win.json"))
        #expect(again["duplicate"] == true)
        #expect(again["upload_id"] == email["upload_id"])

        let sheet = try run("upload-communications", try Fixtures.text("upload-communications/history.json"))
        #expect(sheet["created"] == 2)
        #expect(sheet["communications"]?.arrayValue?.compactMap { $0["outcome_kind"]?.stringValue } == ["win", "loss"])

        let wins = try run("list-communications", try Fixtures.text("list-communications/wins.json"))
        #expect(wins["total"] == 3)
        #expect(wins["communications"]?.arrayValue?.first?["subject"] == "Re: Fleet tracking pilot — go ahead", "newest first")
        let reembedded = try run("reembed-communications", try Fixtures.text("reembed-communications/empty.json"))
        #expect(reembedded["queued"] == false)
        #expect(reembedded["embedded"] == 0, "every chunk was embedded when stored")

        let refused = try run("upload-communications", #"{"file_name": "deck.pdf", "content_base64": "JVBERi0xLjc="}"#, exit: 65)
        #expect(refused["error"]?["message"]?.stringValue?.contains("accepted types: .txt, .md, .eml, .csv, .docx") == true)
        let unknown = try run("create-communication", #"{"prospect_id": 42, "subject": "s", "content": "c"}"#, exit: 66)
        #expect(unknown["error"]?["code"] == "not_found")
    }

    /// The upload is claimed by the file's SHA-256 under a unique constraint: processes sending the
    /// same file at once store it once, and every other one answers `duplicate: true`.
    @Test func theSameFileSentByFourProcessesAtOnceIsStoredOnce() throws {
        let directory = try TemporaryDirectory()
        let environment = ["BUNDLE_NOW": "2026-12-02T09:00:00Z"]
        // Migrate first, so the four race on the upload rather than on creating the schema.
        _ = try Binaries.run("list-communications", stdin: "{}", environment: environment, workingDirectory: directory.path)
        let input = Array(try Fixtures.text("upload-communications/history.json").utf8)
        let running = try (0..<4).map { _ in
            try Binaries.start(Binaries.path("upload-communications"), stdinBytes: input, environment: environment, workingDirectory: directory.path)
        }
        let results = try running.map { try $0.wait() }
        #expect(results.allSatisfy { $0.exitCode == 0 }, "\(results.map(\.stderr))")
        #expect(results.filter { $0.json?["duplicate"] == false }.count == 1)
        #expect(Set(results.compactMap { $0.json?["upload_id"]?.intValue }).count == 1)
        let list = try Binaries.run("list-communications", stdin: "{}", environment: environment, workingDirectory: directory.path)
        #expect(list.json?["total"] == 2, "the file's two rows, once")
    }

    @Test func communicationRoutesThroughNginx() throws {
        let server = try NginxServer(mode: .direct)
        let key = try server.createKey()
        let json = ["X-API-Key": key, "Content-Type": "application/json"]

        let eml = try Fixtures.text("upload-communications/pilot-win.eml")
        let (type, body) = Self.multipart(file: ("pilot-win.eml", Array(eml.utf8)), fields: ["company_name": "Northwind Logistics", "outcome": "closed won"])
        let upload = try server.send("POST", "/api/v1/communications/upload", headers: ["X-API-Key": key, "Content-Type": type], bytes: body)
        #expect(upload.status == 201, "\(upload.text)")
        #expect(upload.json?["communications"]?.arrayValue?.first?["company_name"] == "Northwind Logistics")
        #expect(upload.json?["communications"]?.arrayValue?.first?["outcome_kind"] == "win")
        let again = try server.send("POST", "/api/v1/communications/upload", headers: ["X-API-Key": key, "Content-Type": type], bytes: body)
        #expect(again.json?["duplicate"] == true)

        let (binaryType, binaryBody) = Self.multipart(file: ("notes.txt", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00]), fields: [:])
        let binary = try server.send("POST", "/api/v1/communications/upload", headers: ["X-API-Key": key, "Content-Type": binaryType], bytes: binaryBody)
        #expect(binary.status == 422, "\(binary.text)")
        #expect(binary.json?["error"]?["message"]?.stringValue?.contains("binary data") == true)

        // The cap is the file's: multipart framing around a file of exactly 10 MB does not count.
        let tenMB = Array(repeating: Array("Notes line.\n".utf8), count: (10 << 20) / 12).flatMap { $0 }
        let exact = tenMB + Array(repeating: 0x2E, count: (10 << 20) - tenMB.count)
        let (exactType, exactBody) = Self.multipart(file: ("exact.txt", exact), fields: ["company_name": "Acme"])
        #expect(exactBody.count > 10 << 20)
        // 10 MB is thousands of chunks, each full-text indexed: a debug build on PostgreSQL on a
        // busy machine can take longer than the client's usual 30 s.
        let atCap = try server.send("POST", "/api/v1/communications/upload", headers: ["X-API-Key": key, "Content-Type": exactType], bytes: exactBody,
                                    timeout: 120)
        #expect(atCap.status == 201, "\(atCap.text.prefix(300))")
        let (bigType, bigBody) = Self.multipart(file: ("big.txt", exact + [0x2E]), fields: [:])
        let big = try server.send("POST", "/api/v1/communications/upload", headers: ["X-API-Key": key, "Content-Type": bigType], bytes: bigBody)
        #expect(big.status == 413)
        #expect(big.json?["error"]?["code"] == "payload_too_large")
        #expect(big.json?["error"]?["message"]?.stringValue?.contains("the file is 10485761 bytes; upload at most 10 MB") == true, "the handler's own answer")
        // A file under the cap sent as base64 in JSON (a third larger on the wire) is accepted too.
        let nine = Array(exact.prefix(9 << 20)) + Array("nine".utf8)
        let encoded = #"{"file_name": "nine.txt", "company_name": "Acme", "content_base64": ""# + Data(nine).base64EncodedString(options: .lineLength76Characters)
            .replacingOccurrences(of: "\r\n", with: "\\n") + #""}"#
        #expect(encoded.utf8.count > 12 << 20)
        let asJSON = try server.send("POST", "/api/v1/communications/upload", headers: json, body: encoded, timeout: 120)
        #expect(asJSON.status == 201, "\(asJSON.text.prefix(300))")

        let created = try server.send("POST", "/api/v1/communications", headers: json, body: try Fixtures.text("create-communication/fabrikam-win.json"))
        #expect(created.status == 201, "\(created.text)")
        let missing = try server.send("POST", "/api/v1/communications", headers: json, body: #"{"prospect_id": 7, "subject": "s", "content": "c"}"#)
        #expect(missing.status == 404)
        let neither = try server.send("POST", "/api/v1/communications", headers: json, body: #"{"subject": "s", "content": "c"}"#)
        #expect(neither.status == 422)

        let list = try server.send("GET", "/api/v1/communications?company=NORTHWIND%20LOGISTICS%20CORP&outcome_kind=win&limit=5", headers: json)
        #expect(list.status == 200, "\(list.text)")
        #expect(list.json?["total"] == 1)
        #expect(try server.send("GET", "/api/v1/communications?q=robots", headers: json).json?["total"] == 1)
        #expect(try server.send("GET", "/api/v1/communications?outcome_kind=great", headers: json).status == 422)

        let reembed = try server.send("POST", "/api/v1/communications/reembed", headers: json, body: "{}")
        #expect(reembed.status == 202, "\(reembed.text)")
        #expect(reembed.json?["queued"] == true)
        #expect(reembed.json?["job_id"]?.intValue != nil)
        #expect(try server.send("GET", "/api/v1/communications", headers: [:]).status == 401)
    }

    static func multipart(file: (name: String, bytes: [UInt8]), fields: [String: String]) -> (String, [UInt8]) {
        let boundary = "----bundle-communications-7e2a"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file.bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }
}
