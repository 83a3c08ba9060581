import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// The prospect functions end to end: each binary piped with its fixture, and every route through
/// real nginx + fcgiwrap (multipart and text/csv imports, the same file twice, the template
/// download and its round trip, PATCH validation, interactions, the /api/v1 aliases, the 10 MB cap).
@Suite(.serialized) struct ProspectTests {
    @Test func theProspectFunctionsFromFixturesAsPipedBinaries() throws {
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
        let imported = try run("import-prospects", try Fixtures.text("import-prospects/sample.json"))
        #expect(imported["created"] == 8)
        #expect(imported["import"]?["companies_created"] == 7)
        #expect(imported["import"]?["file_name"] == "sample.csv")
        let again = try run("import-prospects", try Fixtures.text("import-prospects/sample.json"))
        #expect(again["already_imported"] == true)
        #expect(again["import_id"] == imported["import_id"])

        let created = try run("create-prospect", try Fixtures.text("create-prospect/john-doe.json"))
        #expect(created["linkedin_url"] == "https://www.linkedin.com/in/johndoe")
        #expect(created["company"]?["name"] == "Acme Corp")
        let duplicate = try run("create-prospect", try Fixtures.text("create-prospect/john-doe.json"), exit: 65)
        #expect(duplicate["error"]?["code"] == "conflict")

        let list = try run("list-prospects", try Fixtures.text("list-prospects/financial-services.json"))
        #expect(list["total"] == 3, "two imported and John Doe")
        let first = try run("get-prospect", try Fixtures.text("get-prospect/first.json"))
        #expect(first["full_name"] == "Maria Okafor")
        let updated = try run("update-prospect", try Fixtures.text("update-prospect/contacted.json"))
        #expect(updated["status"] == "contacted")
        #expect(updated["updated_at"] == "2026-12-02T09:00:00Z")
        let refused = try run("update-prospect", #"{"id": 1, "stauts": "engaged", "company_id": 3}"#, exit: 65)
        #expect(refused["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue }.sorted() == ["stauts"],
                "the schema refuses the unknown field first")
        #expect(refused["error"]?["details"]?[0]?["problem"]?.stringValue?.contains("did you mean status") == true)

        let interaction = try run("create-interaction", try Fixtures.text("create-interaction/discovery-call.json"))
        #expect(interaction["interaction_type"] == "call")
        let interactions = try run("list-interactions", try Fixtures.text("list-interactions/first.json"))
        #expect(interactions["total"] == 1)
        #expect(try run("get-prospect", #"{"id": 1}"#)["last_contacted"] == "2026-12-01T15:00:00Z")

        let template = try run("prospect-import-template", try Fixtures.text("prospect-import-template/empty.json"))
        let csv = try #require(template["csv"]?.stringValue)
        #expect(csv.hasPrefix("linkedin_url,full_name,title,company_name,"))
        let roundTrip = try run("import-prospects", JSONValue.object(["csv": .string(csv)]).jsonText)
        #expect(roundTrip["created"] == 1)
        #expect(try run("get-prospect", #"{"id": 999}"#, exit: 66)["error"]?["code"] == "not_found")
    }

    @Test func prospectRoutesThroughNginx() throws {
        let server = try NginxServer(mode: .direct)
        let key = try server.createKey()
        let json = ["X-API-Key": key, "Content-Type": "application/json"]

        let health = try server.send("GET", "/api/v1/health")
        #expect(health.status == 200, "public, like /health")
        #expect(health.json?["database"]?["reachable"] == true)

        let sample = try Fixtures.text("import-prospects/sample.csv")
        let (type, body) = Self.multipart(file: ("sample.csv", sample))
        let upload = try server.send("POST", "/api/v1/prospects/import/csv", headers: ["X-API-Key": key, "Content-Type": type], body: body)
        #expect(upload.status == 200, "\(upload.text)")
        #expect(upload.json?["created"] == 8)
        #expect(upload.json?["import"]?["file_name"] == "sample.csv")
        let again = try server.send("POST", "/api/v1/prospects/import/csv", headers: ["X-API-Key": key, "Content-Type": type], body: body)
        #expect(again.json?["already_imported"] == true)

        let plain = try server.send("POST", "/api/v1/prospects/import/csv", headers: ["X-API-Key": key, "Content-Type": "text/csv"],
                                    body: "LinkedIn;Name;Title;Organisation\r\nlinkedin.com/in/maria-okafor;Maria Okafor;CEO;Northwind Logistics\r\n"
                                        + "not a url;Nobody;CTO;Nowhere\r\n")
        #expect(plain.status == 200, "\(plain.text)")
        #expect(plain.json?["updated"] == 1)
        #expect(plain.json?["skipped"] == 1)
        #expect(plain.json?["errors"]?[0]?["line"] == 3)

        let template = try server.send("GET", "/api/v1/prospects/import/template", headers: ["X-API-Key": key])
        #expect(template.status == 200)
        #expect(template.header("content-type")?.hasPrefix("text/csv") == true)
        #expect(template.header("content-disposition")?.contains("prospects-template.csv") == true)
        let roundTrip = try server.send("POST", "/api/v1/prospects/import/csv", headers: ["X-API-Key": key, "Content-Type": "text/csv"],
                                        body: template.text)
        #expect(roundTrip.json?["created"] == 1, "\(roundTrip.text)")

        let created = try server.send("POST", "/api/v1/prospects", headers: json, body: try Fixtures.text("create-prospect/john-doe.json"))
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json?["id"]?.intValue)
        let conflict = try server.send("POST", "/api/v1/prospects", headers: json, body: try Fixtures.text("create-prospect/john-doe.json"))
        #expect(conflict.status == 409)
        #expect(conflict.json?["error"]?["message"]?.stringValue?.contains("id \(id)") == true)

        let list = try server.send("GET", "/api/v1/prospects?company=NORTHWIND%20LOGISTICS%20CORPORATION&limit=10", headers: json)
        #expect(list.status == 200)
        #expect(list.json?["total"] == 2)
        #expect(try server.send("GET", "/api/v1/prospects?status=won", headers: json).status == 422)
        #expect(try server.send("GET", "/api/v1/prospects/\(id)", headers: json).json?["company"]?["name"] == "Acme Corp")

        let refused = try server.send("PATCH", "/api/v1/prospects/\(id)", headers: json, body: #"{"created_at": "2020-01-01T00:00:00Z", "status": "engaged"}"#)
        #expect(refused.status == 422)
        #expect(refused.json?["error"]?["details"]?[0]?["field"] == "created_at")
        let patched = try server.send("PATCH", "/api/v1/prospects/\(id)", headers: json, body: #"{"company_name": "Northwind Logistics", "status": "engaged"}"#)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json?["company"]?["name"] == "Northwind Logistics Corp")

        let interaction = try server.send("POST", "/api/v1/prospects/\(id)/interactions", headers: json,
                                          body: #"{"interaction_type": "meeting", "content": "Architecture review."}"#)
        #expect(interaction.status == 201, "\(interaction.text)")
        let interactions = try server.send("GET", "/api/v1/prospects/\(id)/interactions?limit=5", headers: json)
        #expect(interactions.json?["total"] == 1)
        #expect(try server.send("POST", "/api/v1/prospects/999/interactions", headers: json,
                                body: #"{"interaction_type": "call", "content": "x"}"#).status == 404)

        let usage = try server.send("GET", "/api/v1/metrics/llm-usage?workflow=research", headers: json)
        #expect(usage.status == 200, "\(usage.text)")
        #expect(usage.json?["by_workflow"] == [])
        #expect(try server.send("GET", "/api/v1/prospects", headers: [:]).status == 401)
    }

    @Test func anImportOverTenMegabytesIsRefusedWith413() throws {
        let server = try NginxServer(mode: .direct)
        let key = try server.createKey()
        let row = "https://www.linkedin.com/in/someone,Someone,Engineer,Acme Corp\n"
        let csv = "LinkedIn,Name,Title,Company\n" + String(repeating: row, count: (10 << 20) / row.utf8.count + 10)
        let reply = try server.send("POST", "/api/v1/prospects/import/csv", headers: ["X-API-Key": key, "Content-Type": "text/csv"], body: csv)
        #expect(reply.status == 413)
        #expect(reply.json?["error"]?["code"] == "payload_too_large")
    }

    @Test func thePipedImportTakesTenMegabytesAndRefusesOneByteMore() throws {
        let directory = try TemporaryDirectory()
        func piped(_ size: Int) throws -> (exitCode: Int32, json: JSONValue?) {
            let head = "Name,LinkedIn,Title,Company,Notes\nAnn,linkedin.com/in/ann,CTO,Acme,"
            let csv = head + String(repeating: "x", count: size - head.utf8.count - 1) + "\n"
            let input = JSONValue.object(["csv": .string(csv)]).jsonText
            let result = try Binaries.run("import-prospects", stdin: input, environment: ["BUNDLE_NOW": "2026-12-02T09:00:00Z"],
                                          workingDirectory: directory.path)
            return (result.exitCode, result.json)
        }
        let over = try piped((10 << 20) + 1)
        #expect(over.exitCode == 64)
        #expect(over.json?["error"]?["code"] == "payload_too_large")
        let under = try piped(10 << 20)
        #expect(under.exitCode == 0)
        #expect(under.json?["created"] == 1)
    }

    static func multipart(file: (name: String, content: String)) -> (String, String) {
        let boundary = "----bundle-prospects-5d1c"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n"
            + file.content + "\r\n--\(boundary)--\r\n"
        return ("multipart/form-data; boundary=\(boundary)", body)
    }
}
