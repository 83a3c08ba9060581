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
