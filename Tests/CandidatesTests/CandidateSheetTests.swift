import Candidates
import Core
import Testing

@Suite struct CandidateColumnsTests {
    @Test(arguments: [
        ("Full Name", "name"), ("name", "name"), ("Candidate", "name"), ("First Name", "first_name"), ("surname", "last_name"),
        ("E-mail", "email"), ("Email Address", "email"), ("LinkedIn", "linkedin_url"), ("LinkedIn Profile URL", "linkedin_url"),
        ("Years of Experience", "years_experience"), ("years_experience", "years_experience"), ("YOE", "years_experience"),
        ("Experience (years)", "years_experience"), ("yearsOfExperience", "years_experience"), ("Current Title", "current_role"),
        ("Job Title", "current_role"), ("Position", "current_role"), ("Company", "current_company"), ("Current Employer", "current_company"),
        ("Key Skills", "skills"), ("Tech Stack", "skills"), ("Industry", "industries"), ("Sector", "industries"),
        ("Highest Degree", "education"), ("Summary", "bio"), ("About", "bio"), ("Phone Number", "phone"), ("City", "location"),
        ("Previous Companies", "previous_companies"), ("Avg Tenure (months)", "tenure_months"),
    ])
    func headersMatchLoosely(header: String, field: String) {
        let columns = CandidateColumns(headers: [header])
        #expect(columns.fields[0]?.rawValue == field, "\(header)")
    }

    @Test(arguments: ["Recruiter Email", "Referrer e-mail", "Company LinkedIn", "Years at company", "Years in current role",
                      "Position applied for", "Hiring Manager", "Status"])
    func columnsAboutSomeoneElseAreExtras(header: String) {
        let columns = CandidateColumns(headers: [header])
        #expect(columns.fields[0] == nil, "\(header)")
        #expect(columns.extras[0] == header)
    }

    @Test func unknownColumnsAreKeptAsExtrasAndASecondNameColumnToo() {
        let columns = CandidateColumns(headers: ["Name", "Favourite Colour", "Name", "Skills", "Skills (secondary)"])
        #expect(columns.fields[0] == .name)
        #expect(columns.extras == [1: "Favourite Colour", 2: "Name"])
        #expect(columns.fields[3] == .skills && columns.fields[4] == .skills, "several skills columns are joined")
    }
}

@Suite struct FieldNormalizerTests {
    @Test func emails() {
        #expect(FieldNormalizer.email(" Ann.Lee@Example.COM ") == "ann.lee@example.com")
        #expect(FieldNormalizer.email("Ann Lee <ann@example.com>") == "ann@example.com")
        #expect(FieldNormalizer.email("mailto:ann@example.com") == "ann@example.com")
        for bad in ["ann(at)example.com", "ann@", "@example.com", "ann@example", "ann@@example.com", "a b@example.com", "ann@exa_mple.com", "ann@example.c0m"] {
            #expect(FieldNormalizer.email(bad) == nil, "\(bad)")
        }
    }

    @Test func linkedinURLsGetOneSpelling() {
        for raw in ["https://www.linkedin.com/in/AnnLee/", "linkedin.com/in/annlee", "http://uk.linkedin.com/in/annlee?trk=abc#x",
                    "www.linkedin.com/in/annlee/details/experience"] {
            #expect(FieldNormalizer.linkedin(raw) == "https://www.linkedin.com/in/annlee", "\(raw)")
        }
        #expect(FieldNormalizer.linkedin("https://www.linkedin.com/company/acme") == nil)
        #expect(FieldNormalizer.linkedin("https://example.com/in/annlee") == nil)
        #expect(FieldNormalizer.linkedin("annlee") == nil)
    }

    @Test func listsSplitOnCommasSemicolonsPipesAndBullets() {
        #expect(FieldNormalizer.list("Python, Go;Rust | SQL•Kafka\nAWS") == ["Python", "Go", "Rust", "SQL", "Kafka", "AWS"])
        #expect(FieldNormalizer.list("Go, go, GO, n/a, ,") == ["Go"], "each once, placeholders dropped")
        #expect(FieldNormalizer.list("CI/CD, C++, C#, Node.js") == ["CI/CD", "C++", "C#", "Node.js"])
    }

    @Test(arguments: [
        ("5", 5.0), ("5+", 5), ("3.5", 3.5), ("3,5", 3.5), ("5-7 yrs", 5), ("about 10 years", 10), ("18 months", 1.5),
        ("2 years 6 months", 2.5), ("10+ years", 10),
    ])
    func yearsAreReadAsPeopleWriteThem(raw: String, years: Double) {
        #expect(FieldNormalizer.years(raw) == years, "\(raw)")
    }

    @Test func freeTextIsNotANumberOfYears() {
        for raw in ["Led a team of 5 engineers", "ten", "less than a year", "3 months (early stage)"] {
            #expect(FieldNormalizer.years(raw) == nil, "\(raw)")
        }
        #expect(FieldNormalizer.months("2 years 3 months") == 27)
        #expect(FieldNormalizer.months("1.5 years") == 18)
        #expect(FieldNormalizer.months("8") == 8)
    }

    @Test func severalAddressesInOneCellGiveTheFirst() {
        #expect(FieldNormalizer.email("ann@example.com; ann.lee@work.example") == "ann@example.com")
        #expect(FieldNormalizer.email("not one / ann@example.com") == "ann@example.com")
    }

    @Test func oldPublicProfileURLsKeepEverySegment() {
        #expect(FieldNormalizer.linkedin("http://www.linkedin.com/pub/john-smith/1a/2b/3c") == "https://www.linkedin.com/pub/john-smith/1a/2b/3c")
        #expect(FieldNormalizer.linkedin("linkedin.com/pub/john-smith/4d/5e/6f") != FieldNormalizer.linkedin("linkedin.com/pub/john-smith/1a/2b/3c"))
    }

    @Test func placeholdersAreEmpty() {
        for raw in ["N/A", " - ", "none", "NULL", "#N/A", "   "] { #expect(FieldNormalizer.text(raw) == nil, "\(raw)") }
        #expect(FieldNormalizer.text("  Senior   Engineer ") == "Senior Engineer")
        #expect(FieldNormalizer.years("several") == nil)
    }
}

@Suite struct CandidateSheetTests {
    func rejection(_ text: String) -> String? {
        do {
            _ = try CandidateSheet(text: text)
            return nil
        } catch let error as BundleError {
            #expect(error.code == .validationFailed)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func filesWithNothingToReadAreRejectedWhole() {
        #expect(rejection("")?.contains("empty") == true)
        #expect(rejection(" \r\n\n\t")?.contains("empty") == true)
        #expect(rejection("Full Name,Email,Skills\r\n")?.contains("no candidate rows") == true)
        #expect(rejection("Full Name,Email\n,\n , \n")?.contains("no candidate rows") == true, "blank rows are not candidates")
        let dataFirst = rejection("Ann Lee,ann@example.com,Python\nBo Chan,bo@example.com,Go\n")
        #expect(dataFirst?.contains("not a usable header") == true, "a first line of data is not taken as a header: \(dataFirst ?? "")")
        #expect(rejection("foo,bar\n1,2\n")?.contains("name,email") == true, "the message shows what a header looks like")
    }

    @Test func badRowsAreReportedByLineWhileGoodRowsAreKept() throws {
        let text = """
            Name,Email,LinkedIn,Company,Years,Skills,Bio\r
            Ann Lee,ann@example.com,,Acme,6,"Python, Go","Line one\r
            line two"\r
            ,nobody@example.com,,X,1,Go,\r
            Bo Chan,bo(at)example.com,,Y,2,Go,\r
            \r
            Cy Dee,cy@example.com,linkedin.com/company/acme,Z,3,Go,\r
            Di Eve,di@example.com,,Shift, Inc,4,Go,x\r
            Ed Fox,ed@example.com,https://www.linkedin.com/in/edfox,Q,2015,Go; Rust | SQL,\r

            """
        let sheet = try CandidateSheet(text: text)
        #expect(sheet.rows == 6)
        #expect(sheet.accepted.map(\.line) == [2, 7, 9])
        #expect(sheet.rejected.map(\.line) == [4, 5, 8])
        #expect(sheet.rejected[0].reason == "has no name")
        #expect(sheet.rejected[1].reason.contains("not an email address"))
        #expect(sheet.rejected[2].reason.contains("unquoted"))
        #expect(sheet.warnings.map(\.line) == [7], "a bad LinkedIn value with an email to reach the person: kept, and said")
        #expect(sheet.warnings.first?.reason.contains("not a LinkedIn profile URL") == true)
        #expect(sheet.accepted[1].profile.extra == ["linkedin (unreadable)": "linkedin.com/company/acme"])
        #expect(sheet.accepted[1].profile.linkedinURL == nil)
        let ann = sheet.accepted[0].profile
        #expect(ann.bio == "Line one\nline two")
        #expect(ann.skills == ["Python", "Go"])
        let ed = sheet.accepted[2].profile
        #expect(ed.yearsExperience == nil && ed.yearsRaw == "2015", "a year is not a number of years")
        #expect(ed.skills == ["Go", "Rust", "SQL"])
        #expect(ed.linkedinURL == "https://www.linkedin.com/in/edfox")
    }

    @Test func aBadLinkedInValueWithNoOtherWayToReachThePersonRejectsTheRow() throws {
        let sheet = try CandidateSheet(text: "name,linkedin\nAnn,linkedin.com/company/acme\nBo,linkedin.com/in/bo\n")
        #expect(sheet.rejected.map(\.line) == [2])
        #expect(sheet.accepted.map(\.line) == [3])
    }

    @Test func trailingSeparatorsOnEveryRowAreNotAShift() throws {
        let sheet = try CandidateSheet(text: "name,email\nAnn,ann@example.com,,\nBo,bo@example.com,,\n")
        #expect(sheet.accepted.count == 2)
        #expect(sheet.rejected.isEmpty)
    }

    @Test func firstAndLastNameColumnsMakeTheName() throws {
        let sheet = try CandidateSheet(text: "First Name;Last Name;E-mail;Notes\nAnn;Lee;ANN@EXAMPLE.COM;met at meetup\n")
        #expect(sheet.accepted.first?.profile.name == "Ann Lee")
        #expect(sheet.accepted.first?.profile.email == "ann@example.com")
        #expect(sheet.accepted.first?.profile.extra == ["Notes": "met at meetup"])
    }

    @Test func aQuoteThatNeverClosesLosesNoOtherRow() throws {
        let sheet = try CandidateSheet(text: "name,bio\nAnn,fine\nBo,\"oops\nCy,lost\n")
        #expect(sheet.accepted.map(\.profile.name) == ["Ann", "Bo", "Cy"])
        #expect(sheet.accepted[1].profile.bio == "\"oops")
        #expect(sheet.warnings.map(\.line) == [3])
    }
}
