import Core
import Foundation
import Sales
import TestSupport
import Testing

@Suite struct ProspectEditTests {
    func seeded() async throws -> (ProspectHarness, Int) {
        let harness = try ProspectHarness()
        let created = try await harness.call(CreateProspectHandler(), [
            "linkedin_url": "https://linkedin.com/in/johndoe", "full_name": "John Doe", "title": "CTO", "company_name": "Acme Corp",
            "industry": "Financial Services",
        ])
        return (harness, try #require(created["id"]?.intValue))
    }

    @Test func createNormalisesAndLinksTheCompany() async throws {
        let (harness, id) = try await seeded()
        let prospect = try await harness.call(GetProspectHandler(), ["id": .number(Double(id))])
        #expect(prospect["linkedin_url"] == "https://www.linkedin.com/in/johndoe")
        #expect(prospect["status"] == "new")
        #expect(prospect["company"]?["name"] == "Acme Corp")
        #expect(prospect["company"]?["industry"] == "Financial Services")
    }

    @Test func aKnownLinkedInURLIsAConflictNamingTheProspect() async throws {
        let (harness, id) = try await seeded()
        let error = await #expect(throws: BundleError.self) {
            try await harness.call(CreateProspectHandler(), ["linkedin_url": "www.linkedin.com/in/JohnDoe/", "full_name": "J. Doe",
                                                             "title": "CTO", "company_name": "ACME Corp."])
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("id \(id)") == true)
    }

    @Test func unknownAndComputedFieldsAreRefusedByName() async throws {
        let (harness, id) = try await seeded()
        let unknown = await #expect(throws: BundleError.self) {
            try await harness.call(UpdateProspectHandler(), ["id": .number(Double(id)), "titel": "CEO"])
        }
        #expect(unknown?.prospectProblemFields == ["titel"])
        #expect(unknown?.details?.first?.problem.contains("did you mean title") == true)
        let computed = await #expect(throws: BundleError.self) {
            try await harness.call(UpdateProspectHandler(), ["id": .number(Double(id)), "company_id": 9, "created_at": "2020-01-01T00:00:00Z"])
        }
        #expect(Set(computed?.prospectProblemFields ?? []) == ["company_id", "created_at"])
        #expect(computed?.details?.allSatisfy { $0.problem.contains("not editable") } == true)
        let status = await #expect(throws: BundleError.self) {
            try await harness.call(UpdateProspectHandler(), ["id": .number(Double(id)), "status": "won"])
        }
        #expect(status?.prospectProblemFields == ["status"])
        let cleared = await #expect(throws: BundleError.self) {
            try await harness.call(UpdateProspectHandler(), ["id": .number(Double(id)), "full_name": .null])
        }
        #expect(cleared?.code == .validationFailed)
        let blank = await #expect(throws: BundleError.self) {
            try await harness.call(UpdateProspectHandler(), ["id": .number(Double(id)), "title": "   ", "company_name": "!!"])
        }
        #expect(blank?.details?.map { "\($0.field) \($0.problem)" }.sorted() == ["company_name has no letters or digits", "title is required"])
        let missing = await #expect(throws: BundleError.self) {
            try await harness.call(UpdateProspectHandler(), ["id": 999, "title": "CEO"])
        }
        #expect(missing?.code == .notFound)
    }

    @Test func changingTheCompanyNameRelinksIt() async throws {
        let (harness, id) = try await seeded()
        let before = try await harness.call(GetProspectHandler(), ["id": .number(Double(id))])
        let moved = try await harness.call(UpdateProspectHandler(), ["id": .number(Double(id)), "company_name": "Globex Inc.", "status": "contacted",
                                                                      "email": "JOHN@GLOBEX.EXAMPLE", "location": .null])
        #expect(moved["company_name"] == "Globex Inc.")
        #expect(moved["company"]?["name"] == "Globex Inc.")
        #expect(moved["company_id"] != before["company_id"])
        #expect(moved["status"] == "contacted")
        #expect(moved["email"] == "john@globex.example")
        let back = try await harness.call(UpdateProspectHandler(), ["id": .number(Double(id)), "company_name": "ACME CORPORATION"])
        #expect(back["company_id"] == before["company_id"], "another spelling of the first company")
        #expect(back["company"]?["name"] == "Acme Corp")
    }

    @Test func aLinkedInURLTakenByAnotherProspectIsAConflict() async throws {
        let (harness, id) = try await seeded()
        let other = try await harness.call(CreateProspectHandler(), ["linkedin_url": "linkedin.com/in/jane", "full_name": "Jane", "title": "CIO",
                                                                      "company_name": "Acme"])
        let error = await #expect(throws: BundleError.self) {
            try await harness.call(UpdateProspectHandler(), ["id": .number(Double(id)), "linkedin_url": "https://www.linkedin.com/in/JANE"])
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("id \(other["id"]!.intValue!)") == true)
    }

    @Test func listFiltersAndPages() async throws {
        let harness = try ProspectHarness()
        _ = try await harness.importCSV(try Fixtures.text("import-prospects/sample.csv"))
        let page = try await harness.call(ListProspectsHandler(), ["industry": "financial services", "limit": 1])
        #expect(page["total"] == 2)
        #expect(page["prospects"]?.arrayValue?.count == 1)
        let next = try await harness.call(ListProspectsHandler(), ["industry": "Financial Services", "limit": 1, "offset": 1])
        #expect(next["prospects"]?.arrayValue?.first?["id"] != page["prospects"]?.arrayValue?.first?["id"])
        #expect(try await harness.call(ListProspectsHandler(), ["status": "contacted"])["total"] == 0)
        #expect(try await harness.call(ListProspectsHandler(), ["q": "%"])["total"] == 0, "LIKE wildcards are literal")
        #expect(try await harness.call(ListProspectsHandler(), ["q": "_"])["total"] == 0)
        let all = try await harness.call(ListProspectsHandler(), [:])
        #expect(all["limit"] == 50)
        #expect(all["total"] == 8)
    }
}
