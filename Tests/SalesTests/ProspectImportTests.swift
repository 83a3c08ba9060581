import Core
import Foundation
import Sales
import TestSupport
import Testing

/// Imports of the messy files people really send.
@Suite struct ProspectImportTests {
    @Test func theSampleImportsWithCompaniesDeduplicated() async throws {
        let harness = try ProspectHarness()
        let csv = try Fixtures.text("import-prospects/sample.csv")
        let result = try await harness.importCSV(csv, fileName: "sample.csv")
        #expect(result["created"] == 8)
        #expect(result["updated"] == 0)
        #expect(result["skipped"] == 0)
        #expect(result["already_imported"] == false)
        #expect(result["import"]?["columns"]?["Employees"] == "company_size")
        #expect(result["import"]?["companies_created"] == 7, "Northwind Logistics is spelled two ways")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_companies") == 7)
        let northwind = try await harness.prospects(["company": "northwind logistics", "limit": 50])
        #expect(Set(northwind.compactMap { $0["full_name"]?.stringValue }) == ["Maria Okafor", "Lucía Fernández"])
        #expect(northwind.first?["company"]?["name"] == "Northwind Logistics Corp", "the first spelling is the company's name")
        let priya = try await harness.prospects(["q": "priya"]).first
        #expect(priya?["linkedin_url"] == "https://www.linkedin.com/in/priya-shah-retail")
    }

    @Test func theSameFileTwiceIsOneImport() async throws {
        let harness = try ProspectHarness()
        let csv = try Fixtures.text("import-prospects/sample.csv")
        let first = try await harness.importCSV(csv)
        let second = try await harness.importCSV(csv, now: "2026-12-03T09:00:00Z")
        #expect(second["already_imported"] == true)
        #expect(second["import_id"] == first["import_id"])
        #expect(second["created"] == 8, "the first import's result")
        #expect(second["message"]?.stringValue?.contains("already imported") == true)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_prospect_imports") == 1)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_prospects") == 8)
    }

    @Test func bomSemicolonsAndQuotedNewlines() async throws {
        let harness = try ProspectHarness()
        let csv = "\u{FEFF}Name;LinkedIn;Position;Organisation;Location\r\n"
            + "Ana Costa;https://www.linkedin.com/in/ana-costa;\"Head of\nCloud\";Vela Seguros S.A.;\"Lisbon;\nPortugal\"\r\n"
            + "\r\n"
            + "Rui Lopes;linkedin.com/in/rui-lopes/;CTO;VELA SEGUROS SA;Porto\r\n"
        let result = try await harness.importCSV(csv)
        #expect(result["created"] == 2, "\(result)")
        #expect(result["import"]?["delimiter"] == ";")
        let ana = try await harness.prospects(["q": "ana costa"]).first
        #expect(ana?["title"] == "Head of Cloud", "line breaks inside a cell are folded to spaces")
        #expect(ana?["location"] == "Lisbon; Portugal")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_companies") == 1)
    }

    @Test func aRowErrorNamesItsLineAndTheRestIsStored() async throws {
        let harness = try ProspectHarness()
        let csv = """
            full_name,linkedin_url,title,company_name,email
            Good One,https://www.linkedin.com/in/good-one,CTO,Acme Corp,good@acme.example
            "Quoted
            Name",https://www.example.com/not-linkedin,CTO,Acme Corp,
            ,https://www.linkedin.com/in/no-name,CIO,Acme Corp,bad-email
            Good Two,https://www.linkedin.com/in/good-two,CFO,ACME Corporation,
            """
        let result = try await harness.importCSV(csv)
        #expect(result["created"] == 2)
        #expect(result["skipped"] == 2)
        let errors = result["errors"]?.arrayValue ?? []
        #expect(errors.map { $0["line"] } == [3, 5], "the line where each row starts")
        #expect(errors.first?["problems"]?.arrayValue?.first?["field"] == "linkedin_url")
        #expect(Set(errors.last?["problems"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []) == ["full_name", "email"])
        #expect(errors.last?["message"]?.stringValue?.hasPrefix("line 5:") == true)
    }

    @Test func duplicatesByLinkedInUpdateWithinAndAcrossFiles() async throws {
        let harness = try ProspectHarness()
        let first = """
            Name,LinkedIn,Title,Company,Industry
            Jo Park,https://www.linkedin.com/in/jo-park,Engineer,Acme Corp,Retail
            Jo Park,HTTPS://LINKEDIN.COM/in/Jo-Park/?utm=x,Senior Engineer,Acme Corp,
            """
        let one = try await harness.importCSV(first)
        #expect(one["created"] == 1)
        #expect(one["updated"] == 1, "the second row is the same person")
        let second = """
            Full Name,LinkedIn Profile URL,Job Title,Organisation,Employees
            Jo Park,www.linkedin.com/in/jo-park,Staff Engineer,ACME Corporation,51-200
            Kim Lee,https://www.linkedin.com/in/kim-lee,Designer,Acme Corp.,
            """
        let two = try await harness.importCSV(second)
        #expect(two["created"] == 1)
        #expect(two["updated"] == 1)
        #expect(two["already_imported"] == false)
        let jo = try #require(try await harness.prospects(["q": "jo park"]).first)
        #expect(jo["title"] == "Staff Engineer")
        #expect(jo["industry"] == "Retail", "an empty cell keeps what is stored")
        #expect(jo["company_size"] == "51-200")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_prospects") == 2)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_companies") == 1, "Acme Corp, ACME Corporation and Acme Corp. are one company")
    }

    @Test func windows1252BytesAsBase64() async throws {
        let harness = try ProspectHarness()
        // "Tomás" and "Société" as Excel on Windows writes them: one byte each for á and é.
        var bytes = Array("Name;LinkedIn;Title;Company\r\nTom".utf8) + [0xE1] + Array("s Ruiz;linkedin.com/in/tomas-ruiz;CTO;Soci".utf8)
        bytes += [0xE9] + Array("t".utf8) + [0xE9] + Array(" Durable SA\r\n".utf8)
        let result = try await harness.call(ImportProspectsHandler(), ["content_base64": .string(Data(bytes).base64EncodedString()),
                                                                        "file_name": "export.csv"])
        #expect(result["created"] == 1, "\(result)")
        let tomas = try #require(try await harness.prospects().first)
        #expect(tomas["full_name"] == "Tomás Ruiz")
        #expect(tomas["company"]?["name"] == "Société Durable SA")
    }

    @Test func firstAndLastNameColumnsAreJoined() async throws {
        let harness = try ProspectHarness()
        let csv = "First Name,Last Name,LinkedIn URL,Job Title,Company Name\nEmma,Stone,linkedin.com/in/emma-stone-1,COO,Orbit GmbH\n"
        let result = try await harness.importCSV(csv)
        #expect(result["created"] == 1)
        #expect(try await harness.prospects().first?["full_name"] == "Emma Stone")
    }

    @Test func aHeaderWithoutTheIdentifyingColumnsIsRefusedWhole() async throws {
        let harness = try ProspectHarness()
        let error = await #expect(throws: BundleError.self) {
            try await harness.importCSV("Name,Email\nA,a@b.example\n")
        }
        #expect(error?.code == .validationFailed)
        #expect(error?.message.contains("linkedin_url") == true)
        #expect(error?.message.contains("company_name") == true)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_prospect_imports") == 0, "nothing half-stored")
    }

    @Test func aFileOverTenMegabytesIsTooLarge() async throws {
        let harness = try ProspectHarness()
        let row = "Someone,https://www.linkedin.com/in/someone,Engineer,Acme Corp\n"
        let csv = "Name,LinkedIn,Title,Company\n" + String(repeating: row, count: (10 << 20) / row.utf8.count + 1)
        let error = await #expect(throws: BundleError.self) { try await harness.importCSV(csv) }
        #expect(error?.code == .payloadTooLarge)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_prospects") == 0)
    }

    @Test func theTemplateRoundTrips() async throws {
        let harness = try ProspectHarness()
        let template = try await harness.call(ProspectImportTemplateHandler(), [:])
        #expect(template["_http"]?["content_type"] == "text/csv; charset=utf-8")
        #expect(template["_http"]?["headers"]?["Content-Disposition"]?.stringValue?.contains("prospects-template.csv") == true)
        let csv = try #require(template["csv"]?.stringValue)
        let result = try await harness.importCSV(csv)
        #expect(result["created"] == 1)
        #expect(result["skipped"] == 0)
        let jane = try #require(try await harness.prospects().first)
        #expect(jane["full_name"] == "Jane Example")
        #expect(jane["location"] == "London, UK")
        #expect(jane["company"]?["name"] == "Example Corp")
    }
}
