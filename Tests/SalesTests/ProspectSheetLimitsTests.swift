import Core
import Foundation
import Sales
import TestSupport
import Testing

/// The import's bounds and header rules as a reviewer probed them: padded sheets, a header
/// that is not one, CRM exports whose columns look alike, placeholder cells and the size cap
/// measured on the bytes received.
@Suite struct ProspectSheetLimitsTests {
    static let header = "Name,LinkedIn,Title,Company"

    @Test func blankAndSeparatorOnlyRowsNeitherCountNorHitTheRowLimit() throws {
        let csv = Self.header + "\nAnn Lee,linkedin.com/in/ann-lee,CTO,Acme\n" + String(repeating: ",,,\n", count: ProspectSheet.maxRows + 1)
            + String(repeating: "\n", count: 1000)
        let sheet = try ProspectSheet(text: csv)
        #expect(sheet.rowCount == 1)
        #expect(sheet.rows.map(\.line) == [2])
    }

    @Test func moreRowsThanTheLimitAreRefusedBeforeTheyAreChecked() {
        let csv = Self.header + "\n" + String(repeating: "A,linkedin.com/in/a,T,C\n", count: ProspectSheet.maxRows + 1)
        let error = #expect(throws: BundleError.self) { try ProspectSheet(text: csv) }
        #expect(error?.code == .payloadTooLarge)
        #expect(error?.message.contains("100000") == true)
    }

    @Test func aHeaderWiderThanTheLimitIsRefused() throws {
        let wide = Self.header + "," + (0..<(ProspectColumns.maxColumns - 3)).map { "x\($0)" }.joined(separator: ",")
        let error = #expect(throws: BundleError.self) { try ProspectSheet(text: wide + "\nA,linkedin.com/in/a,T,C\n") }
        #expect(error?.code == .validationFailed)
        #expect(error?.message.contains("\(ProspectColumns.maxColumns + 1) columns") == true)
        let widest = Self.header + "," + (0..<(ProspectColumns.maxColumns - 4)).map { "x\($0)" }.joined(separator: ",")
        #expect(try ProspectSheet(text: widest + "\nA,linkedin.com/in/a,T,C\n").rowCount == 1)
    }

    @Test func exactNamesBeatLooseRulesWhereverTheyStand() {
        let salesforce = ProspectColumns(headers: ["First Name", "Last Name", "Title", "Account Owner", "Account Name", "Email Opt Out",
                                                   "Email", "LinkedIn Profile", "Contact ID", "Company Website"])
        #expect(salesforce.index(of: .companyName) == 4)
        #expect(salesforce.index(of: .email) == 6)
        #expect(salesforce.described["Account Owner"] == "ignored")
        #expect(salesforce.described["Email Opt Out"] == "ignored")
        #expect(salesforce.described["Contact ID"] == "ignored")
        let website = ProspectColumns(headers: ["Company Website", "Company", "Name", "LinkedIn", "Title"])
        #expect(website.index(of: .companyName) == 1)
        #expect(website.described["Company Website"] == "ignored")
        let loose = ProspectColumns(headers: ["Company Domain", "Company Legal Name", "Work Email Address", "Account ID"])
        #expect(loose.index(of: .companyName) == 1, "a loose rule still reads the column it is about")
        #expect(loose.index(of: .email) == 2)
    }

    @Test func aSalesforceExportImportsTheRightColumns() async throws {
        let harness = try ProspectHarness()
        let csv = "First Name,Last Name,Title,Account Owner,Account Name,Email Opt Out,Email,LinkedIn\n"
            + "Ann,Lee,CTO,Sam Seller,Acme Robotics,false,ann@acme.example,linkedin.com/in/ann-lee\n"
        let result = try await harness.importCSV(csv)
        #expect(result["created"] == 1, "\(result)")
        let ann = try #require(try await harness.prospects().first)
        #expect(ann["company_name"] == "Acme Robotics")
        #expect(ann["email"] == "ann@acme.example")
    }

    @Test func placeholderCellsAreEmptyAndEmailsAreUnwrapped() async throws {
        let harness = try ProspectHarness()
        let csv = "Name,LinkedIn,Title,Company,Email,Phone,Location,Industry\n"
            + "Ann Lee,linkedin.com/in/ann-lee,CTO,Acme,N/A,-,none,n.a.\n"
            + "Bo Chen,linkedin.com/in/bo-chen,CFO,Acme,Bo Chen <Bo@Acme.Example>,null,?,NULL\n"
            + "Cy Diaz,linkedin.com/in/cy-diaz,COO,Acme,mailto:cy@acme.example,,,\n"
        let result = try await harness.importCSV(csv)
        #expect(result["created"] == 3, "\(result)")
        #expect(result["skipped"] == 0)
        let people = try await harness.prospects()
        let byName = Dictionary(uniqueKeysWithValues: people.compactMap { person in person["full_name"]?.stringValue.map { ($0, person) } })
        #expect(byName["Ann Lee"]?["email"] == .null)
        #expect(byName["Ann Lee"]?["phone"] == .null)
        #expect(byName["Ann Lee"]?["location"] == .null)
        #expect(byName["Ann Lee"]?["industry"] == .null)
        #expect(byName["Bo Chen"]?["email"] == "bo@acme.example")
        #expect(byName["Cy Diaz"]?["email"] == "cy@acme.example")
    }

    @Test func similarCompanyNamesStayApartAndAreCountedWhereCreated() async throws {
        let harness = try ProspectHarness()
        let csv = Self.header + "\nAnn,linkedin.com/in/ann,CTO,Acme\nBo,linkedin.com/in/bo,CFO,Acme Labs\nCy,linkedin.com/in/cy,COO,ACME Inc.\n"
        let first = try await harness.importCSV(csv)
        #expect(first["import"]?["companies_created"] == 2)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_companies") == 2)
        let second = try await harness.importCSV(Self.header + "\nDi,linkedin.com/in/di,CEO,Acme Labs Ltd\nEd,linkedin.com/in/ed,VP,Day Spa\n")
        #expect(second["import"]?["companies_created"] == 1, "Acme Labs was there already")
        #expect(second["import"]?["created"] == nil, "the counts are at the top level only")
        #expect(second["created"] == 2)
    }

    /// A file with one prospect and an ignored column padding it to `size` bytes.
    static func padded(to size: Int) -> String {
        let head = "Name,LinkedIn,Title,Company,Notes\nAnn,linkedin.com/in/ann,CTO,Acme,"
        return head + String(repeating: "x", count: size - head.utf8.count - 1) + "\n"
    }

    @Test func theTenMegabyteCapIsOnTheHandler() async throws {
        let harness = try ProspectHarness()
        let limit = ImportProspectsHandler.maxFileBytes
        #expect(Self.padded(to: limit).utf8.count == limit)
        #expect(try await harness.importCSV(Self.padded(to: limit))["created"] == 1)
        let error = await #expect(throws: BundleError.self) { try await harness.importCSV(Self.padded(to: limit + 1)) }
        #expect(error?.code == .payloadTooLarge)
    }

    @Test func theCapCountsTheBytesReceivedNotTheDecodedText() async throws {
        let harness = try ProspectHarness()
        // 6 MB of "é" in Windows-1252: 12 MB once decoded to UTF-8.
        var bytes = Array("Name,LinkedIn,Title,Company,Notes\r\nAnn,linkedin.com/in/ann,CTO,Acme,".utf8)
        bytes += [UInt8](repeating: 0xE9, count: 6 << 20) + Array("\r\n".utf8)
        let result = try await harness.call(ImportProspectsHandler(), ["content_base64": .string(Data(bytes).base64EncodedString())])
        #expect(result["created"] == 1, "\(result)")
    }
}
