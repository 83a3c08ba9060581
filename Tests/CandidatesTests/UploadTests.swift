import Candidates
import Core
import Foundation
import TestSupport
import Testing

@Suite struct UploadTests {
    @Test func knownCandidatesAreUpdatedNotDuplicated() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let first = try await harness.upload("""
            Full Name,Email,LinkedIn,Title
            Ann Lee,ann@example.com,https://www.linkedin.com/in/annlee/,Engineer
            Bo Chan,,linkedin.com/in/bochan,Analyst
            Cy Dee,,,Designer
            """)
        #expect(first["upload"]?["created_candidates"] == 3)
        #expect(first["created"] == true)
        let second = try await harness.upload("""
            name;e-mail;linkedin url;current role
            Ann Lee;ANN@Example.com;;Senior Engineer
            Bo Chan;bo@example.com;https://uk.linkedin.com/in/BoChan?trk=x;Lead Analyst
            Cy Dee;;;Designer
            Dan Eve;dan@example.com;;Engineer
            """)
        #expect(second["upload"]?["created_candidates"] == 1, "only Dan is new")
        #expect(second["upload"]?["updated_candidates"] == 3)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM candidates") == 4)
        let ann = try await harness.candidate(1)
        #expect(ann["current_role"] == "Senior Engineer")
        #expect(ann["linkedin_url"] == "https://www.linkedin.com/in/annlee", "a blank cell does not erase what is known")
        #expect(try await harness.candidate(2)["email"] == "bo@example.com", "matched by LinkedIn URL, email added")

        // The same people in another role are other candidates.
        try await harness.putRole(["id": 2, "title": "Designer"])
        let other = try await harness.upload("name,email\nAnn Lee,ann@example.com\n", roleID: 2)
        #expect(other["upload"]?["created_candidates"] == 1)
    }

    @Test func aRowRepeatedInTheSameFileIsMergedAndReported() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let result = try await harness.upload("name,email,skills\nAnn,ann@example.com,Go\nBo,bo@example.com,Rust\nAnn Lee,Ann@Example.com,\"Go, Python\"\n")
        #expect(result["upload"]?["duplicates"] == [["line": 4, "same_as_line": 2, "candidate_id": 1]])
        #expect(result["upload"]?["created_candidates"] == 2)
        #expect(try await harness.candidate(1)["skills"] == ["Go", "Python"])
        #expect(try await harness.candidate(1)["name"] == "Ann Lee")
    }

    @Test func rowsStoredSeveralPerStatementAreMatchedAsIfStoredOneByOne() async throws {
        let harness = try Harness()
        try await harness.putRole()
        // More than two statements' worth of new rows (line n + 1 is P<n>), with rows repeating
        // one still waiting to be stored (by email, by LinkedIn URL, by name and company) and
        // rows repeating one stored by an earlier statement.
        let count = PendingCandidates.rowsPerStatement * 2 + 20
        var lines = ["name,email,linkedin,company,skills"] + (1...count).map { "P\($0),p\($0)@example.com,,C\($0),Go" }
        lines[3] = "P1 Again,P1@example.com,https://www.linkedin.com/in/p1,,Rust"  // line 4: line 2 again, by email
        lines[7] = "P7,p7@example.com,https://www.linkedin.com/in/p7,C7,Go"
        lines[9] = "Z,,linkedin.com/in/p7,,Kafka"  // line 10: line 8 again, by LinkedIn URL
        lines[12] = "Nomail,,,Acme,Go"
        lines[14] = "NOMAIL,,,acme,Rust"  // line 15: line 13 again, by name and company
        lines[count - 20] = "P2 Later,p2@example.com,,,Python"  // line 2 again after many statements
        let last = PendingCandidates.rowsPerStatement - 10
        lines[count - 5] = "P\(last) Later,p\(last)@example.com,,,Python"  // a row stored by a full statement
        let result = try await harness.upload(lines.joined(separator: "\n"))
        let candidateOf: (String) throws -> Int = { email in
            try harness.count("SELECT id AS n FROM candidates WHERE email = ? OR (email IS NULL AND name = ?)", email, email)
        }
        let expected: [JSONValue] = try [(4, 2, "p1@example.com"), (10, 8, "p7@example.com"), (15, 13, "NOMAIL"),
                                         (count - 19, 3, "p2@example.com"), (count - 4, last + 1, "p\(last)@example.com")].map {
            ["line": .number(Double($0.0)), "same_as_line": .number(Double($0.1)), "candidate_id": .number(Double(try candidateOf($0.2)))]
        }
        #expect(result["upload"]?["duplicates"] == .array(expected))
        #expect(result["upload"]?["created_candidates"] == .number(Double(count - 5)))
        #expect(result["upload"]?["updated_candidates"] == 0)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM candidates") == count - 5)
        // Ids follow the rows' order, and each stored line points at its candidate.
        #expect(try harness.count("""
            SELECT COUNT(*) AS n FROM upload_candidates u JOIN candidates c ON c.id = u.candidate_id
            WHERE u.candidate_id = (SELECT COUNT(*) FROM upload_candidates v WHERE v.line <= u.line)
            """) == count - 5)
        let first = try await harness.candidate(try candidateOf("p1@example.com"))
        #expect(first["name"] == "P1 Again")
        #expect(first["linkedin_url"] == "https://www.linkedin.com/in/p1")
        #expect(first["skills"] == ["Rust"])
        #expect(try await harness.candidate(try candidateOf("p7@example.com"))["skills"] == ["Kafka"])
        #expect(try await harness.candidate(try candidateOf("NOMAIL"))["skills"] == ["Rust"])
        #expect(try await harness.candidate(try candidateOf("p2@example.com"))["name"] == "P2 Later")
        #expect(try await harness.candidate(try candidateOf("p\(last)@example.com"))["skills"] == ["Python"])
        #expect(try await harness.candidate(try candidateOf("p\(last)@example.com"))["current_company"] == .string("C\(last)"))
    }

    @Test func theSameFileTwiceIsOneUpload() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let csv = "name,email\nAnn,ann@example.com\n"
        let first = try await harness.upload(csv)
        let again = try await harness.upload(csv)
        #expect(again["created"] == false)
        #expect(again["upload"]?["id"] == first["upload"]?["id"])
        #expect(again["job_id"] == first["job_id"])
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs") == 1)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM uploads") == 1)
    }

    @Test func uploadsStoreRowsQueueScoringAndReportRejections() async throws {
        let harness = try Harness()
        let result = try await harness.upload("name,email\nAnn,ann@example.com\n,x@example.com\nBo,not-an-email\n", roleID: nil)
        #expect(result["role"]?["is_default"] == true, "a default role is made for an upload that names none")
        #expect(result["upload"]?["rows"] == 3)
        #expect(result["upload"]?["accepted"] == 1)
        #expect(result["upload"]?["rejected"]?.arrayValue?.map { $0["line"] } == [3, 4])
        let jobID = try #require(result["job_id"]?.intValue)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs WHERE id = ? AND function = 'score-candidates' AND status = 'queued'", jobID) == 1)
        let status = try await harness.call(CandidateStatusHandler(), ["upload_id": 1])
        #expect(status["state"] == "queued")
        #expect(status["totals"]?["accepted"] == 1)
        #expect(status["totals"]?["rejected"] == 2)
        #expect(status["totals"]?["scored"] == 0)
        let second = try await harness.upload("name\nCy\n", roleID: nil)
        #expect(second["role"]?["id"] == result["role"]?["id"], "the default role is reused")
    }

    @Test func everyRowRejectedStoresTheUploadWithNothingToScore() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let result = try await harness.upload("name,email\n,a@example.com\nBo,bad\n")
        #expect(result["upload"]?["accepted"] == 0)
        #expect(result["job_id"] == .null)
        #expect(try await harness.call(CandidateStatusHandler(), ["upload_id": 1])["state"] == "nothing_to_score")
    }

    @Test func rejectedFilesStoreNothing() async throws {
        let harness = try Harness()
        try await harness.putRole()
        for csv in ["", "name,email\n", "hello,world\n1,2\n"] {
            await #expect { try await harness.upload(csv) } throws: { ($0 as? BundleError)?.code == .validationFailed }
        }
        await #expect {
            try await harness.call(UploadCandidatesHandler(), ["role_id": 1, "content_base64": "UEsDBBQAAAAIAA=="])
        } throws: { ($0 as? BundleError)?.message.contains("ZIP archive") == true }
        #expect(try harness.count("SELECT COUNT(*) AS n FROM uploads") == 0)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM candidates") == 0)
    }

    @Test func aLinkedInURLAnotherCandidateHasStaysWithThem() async throws {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload("name,email,linkedin\nAnn,ann@example.com,linkedin.com/in/ann\nBo,bo@example.com,\n")
        let second = try await harness.upload("name,email,linkedin,title\nBo,bo@example.com,linkedin.com/in/ann,Lead\n")
        #expect(second["upload"]?["updated_candidates"] == 1)
        #expect(try await harness.candidate(2)["current_role"] == "Lead", "matched by email")
        #expect(try await harness.candidate(2)["linkedin_url"] == .null)
        #expect(try await harness.candidate(1)["linkedin_url"] == "https://www.linkedin.com/in/ann")
    }

    @Test func aReuploadRequeuesScoringOnlyWhenTheJobDied() async throws {
        let harness = try Harness()
        try await harness.putRole()
        let csv = "name,email,skills\nAnn,ann@example.com,Go\n"
        let first = try await harness.upload(csv)
        try await harness.score(onlyUnscored: true)
        #expect(try await harness.candidate(1)["needs_scoring"] == false)
        try await harness.upload("name,email,skills\nAnn,ann@example.com,Go\n\n")
        #expect(try await harness.candidate(1)["needs_scoring"] == false, "the same data is nothing to rescore")
        try await harness.upload("name,email,skills\nAnn,ann@example.com,Rust\n")
        #expect(try await harness.candidate(1)["needs_scoring"] == true)

        let jobID = try #require(first["job_id"]?.intValue)
        #expect(try await harness.upload(csv)["job_id"] == .number(Double(jobID)))
        try harness.database.write { try $0.execute("UPDATE jobs SET status = 'dead' WHERE id = ?", jobID) }
        let again = try await harness.upload(csv)
        let requeued = try #require(again["job_id"]?.intValue)
        #expect(requeued != jobID)
        #expect(try await harness.call(CandidateStatusHandler(), ["upload_id": 1])["job"]?["id"] == .number(Double(requeued)))
    }

    @Test func anUnknownRoleIsNotFound() async throws {
        let harness = try Harness()
        await #expect { try await harness.upload("name\nAnn\n", roleID: 9) } throws: { ($0 as? BundleError)?.code == .notFound }
    }
}
