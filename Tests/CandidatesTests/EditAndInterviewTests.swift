import Candidates
import Core
import Foundation
import HTTPTransport
import TestSupport
import Testing

@Suite struct EditTests {
    func prepared() async throws -> Harness {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload(ScoringTests.ann + "Bo Chan,bo@example.com,Analyst,Beta,2,Excel,Retail,Spreadsheets\n")
        try await harness.score()
        return harness
    }

    func patch(_ harness: Harness, _ body: JSONValue) async throws -> JSONValue {
        try await harness.call(UpdateCandidateHandler(), body)
    }

    @Test func unknownAndComputedFieldsAreRefusedByName() async throws {
        let harness = try await prepared()
        await #expect {
            try await patch(harness, ["id": 1, "skils": "Go", "tier": "top", "current_role": "Lead"])
        } throws: { error in
            let error = error as? BundleError
            return error?.code == .validationFailed && error?.fields == ["skils", "tier"]
        }
        #expect(try await harness.candidate(1)["current_role"] == "Engineer", "nothing changes when a field is refused")
        for (body, field) in [(["id": 1, "email": "nope"] as JSONValue, "email"), (["id": 1, "years_experience": 99], "years_experience"),
                              (["id": 1, "interview_status": "done"], "interview_status"), (["id": 1, "recommendation": "maybe"], "recommendation"),
                              (["id": 1, "name": ""], "name"), (["id": 1, "skills": 5], "skills"), (["id": 1], "body")] {
            await #expect { try await patch(harness, body) } throws: { ($0 as? BundleError)?.fields == [field] }
        }
        await #expect { try await patch(harness, ["id": 99, "notes": "x"]) } throws: { ($0 as? BundleError)?.code == .notFound }
    }

    @Test func changingScoredFieldsMarksForRescoring() async throws {
        let harness = try await prepared()
        let scoreBefore = try await harness.candidate(1)["algo_score"]
        let notes = try await patch(harness, ["id": 1, "notes": "Great call", "interview_score": 82, "recommendation": "hire"])
        #expect(notes["needs_scoring"] == false, "interview fields are not scored")
        #expect(notes["recommendation"] == "hire")
        let edited = try await patch(harness, ["id": 1, "skills": ["Python", "PostgreSQL", "AWS", "Kubernetes", "Go"], "years_experience": 6])
        #expect(edited["needs_scoring"] == true)
        #expect(edited["algo_score"] == scoreBefore, "the old score stays visible until the rescoring")
        let rescored = try await harness.score(onlyUnscored: true)
        #expect(rescored["summary"]?["considered"] == 1)
        let after = try await harness.candidate(1)
        #expect(after["needs_scoring"] == false)
        #expect(after["algo_score"] != scoreBefore)
        #expect(after["score_breakdown"]?["criteria"]?[0]?["points"] == 40)
    }

    @Test func anEmailAnotherCandidateHasIsAConflict() async throws {
        let harness = try await prepared()
        await #expect { try await patch(harness, ["id": 2, "email": "ANN@example.com"]) } throws: { ($0 as? BundleError)?.code == .conflict }
        #expect(try await patch(harness, ["id": 2, "email": nil])["email"] == .null, "null clears an optional field")
    }
}

@Suite struct RoleTests {
    @Test func invalidRolesAreRefusedWithEveryProblem() async throws {
        let harness = try Harness()
        await #expect {
            try await harness.putRole(["id": 1, "title": " ", "weights": ["algo": 0.7, "ai": 0.7], "tiers": ["top": 50, "strong": 60, "consider": 40],
                                       "min_years": 80, "required_skills": [1, 2]])
        } throws: { ($0 as? BundleError)?.fields == ["title", "required_skills", "min_years", "weights", "tiers"] }
        await #expect { try await harness.call(GetRoleHandler(), ["id": 1]) } throws: { ($0 as? BundleError)?.code == .notFound }
    }

    @Test func changingCriteriaRescoresAndChangingWeightsRecombines() async throws {
        let harness = try Harness()
        let created = try await harness.putRole()
        #expect(created["created"] == true)
        #expect(created["role"]?["tiers"] == ["top": 80, "strong": 65, "consider": 50])
        try await harness.upload(ScoringTests.ann)
        try await harness.score()
        let before = try await harness.candidate(1)
        let ai = try #require(before["ai_score"]?.doubleValue)

        var role = Harness.role.objectValue!
        role["weights"] = ["algo": 0.5, "ai": 0.5]
        role["tiers"] = ["top": 60, "strong": 50, "consider": 40]
        let reweighted = try await harness.putRole(.object(role))
        #expect(reweighted["created"] == false)
        #expect(reweighted["candidates_to_rescore"] == 0)
        let after = try await harness.candidate(1)
        #expect(after["combined_score"]?.doubleValue == ((64.2 * 0.5 + ai * 0.5) * 10).rounded() / 10)
        #expect(after["needs_scoring"] == false)
        #expect(after["tier"]?.stringValue == Role.Tiers(top: 60, strong: 50, consider: 40).tier(for: after["combined_score"]!.doubleValue!))

        role["required_skills"] = ["Rust"]
        #expect(try await harness.putRole(.object(role))["candidates_to_rescore"] == 1)
        #expect(try await harness.candidate(1)["needs_scoring"] == true)
    }
}

@Suite struct InterviewTests {
    func prepared() async throws -> Harness {
        let harness = try Harness()
        try await harness.putRole()
        try await harness.upload(ScoringTests.ann + "Bo Chan,bo@example.com,Analyst,Beta,2,Excel,Retail,Spreadsheets\n")
        try await harness.score()
        return harness
    }

    @Test func aJitsiRoomIsUnguessableAndTheSameOnEveryCall() async throws {
        let harness = try await prepared()
        let first = try await harness.call(StartInterviewHandler(), ["id": 1])
        let url = try #require(first["room"]?["url"]?.stringValue)
        #expect(url.hasPrefix("https://meet.jit.si/interview-1-"))
        #expect(url.count == "https://meet.jit.si/interview-1-".count + 26)
        #expect(first["created"] == true)
        #expect(first["interview_status"] == "briefing")
        #expect(first["briefing"]?["suggested_questions"]?.arrayValue?.count == 3)
        #expect(first["briefing"]?["summary"]?.stringValue?.hasPrefix("Ann Lee: Engineer at Acme, 4 years of experience") == true)
        #expect(first["briefing"]?["gaps"]?.arrayValue?.contains("4 years against a minimum of 5") == true)
        let again = try await harness.call(StartInterviewHandler(), ["id": 1])
        #expect(again["room"] == first["room"])
        #expect(again["created"] == false)
        let other = try await harness.call(StartInterviewHandler(), ["id": 2])
        #expect(other["room"]?["url"] != first["room"]?["url"])
        #expect(try await harness.candidate(1)["interview_status"] == "briefing")
        await #expect { try await harness.call(StartInterviewHandler(), ["id": 9]) } throws: { ($0 as? BundleError)?.code == .notFound }
    }

    @Test func aDailyRoomIsCreatedOnceThroughTheAPI() async throws {
        let harness = try await prepared()
        let daily = FakeTransport()
        daily.expect("POST", "https://api.daily.test/v1/rooms") { request in
            HTTPResponse(status: 200, headers: ["content-type": "application/json"],
                         body: Array(#"{"id":"r1","name":"x","url":"https://acme.daily.co/x","created_at":"2026-05-04T10:00:00.000Z"}"#.utf8))
        }
        let config = ["DAILY_API_KEY": "daily-secret", "DAILY_BASE_URL": "https://api.daily.test/v1"]
        let first = try await harness.call(StartInterviewHandler(), ["id": 1], context: harness.context(config, transport: daily))
        #expect(first["room"]?["provider"] == "daily")
        #expect(first["room"]?["url"] == "https://acme.daily.co/x")
        #expect(first["room"]?["expires_at"] == "2026-05-11T10:00:00Z", "a week by default")
        let request = try #require(daily.received.first)
        #expect(request.header("Authorization") == "Bearer daily-secret")
        let body = try JSONValue(parsing: request.body)
        #expect(body["name"] == first["room"]?["name"])
        #expect(body["privacy"] == "public")
        #expect(body["properties"]?["exp"] == .number(Timestamp.parse("2026-05-11T10:00:00Z")!.timeIntervalSince1970))
        let again = try await harness.call(StartInterviewHandler(), ["id": 1], context: harness.context(config, transport: daily))
        #expect(again["room"] == first["room"])
        #expect(daily.received.count == 1, "the second call does not reach Daily")
        #expect(daily.unexpected.isEmpty)

        // Once the room has expired, a new one is made.
        daily.expect("POST", "https://api.daily.test/v1/rooms") { _ in
            HTTPResponse(status: 200, body: Array(#"{"name":"y","url":"https://acme.daily.co/y"}"#.utf8))
        }
        let expired = try await harness.call(StartInterviewHandler(), ["id": 1],
                                             context: harness.context(config, now: "2026-05-12T10:00:00Z", transport: daily))
        #expect(expired["room"]?["url"] == "https://acme.daily.co/y")
        #expect(expired["room"]?["name"] != first["room"]?["name"])
        #expect(expired["created"] == true)
    }

    @Test func aFailedDailyCallChangesNothingAndARetryReusesTheName() async throws {
        let harness = try await prepared()
        let config = ["DAILY_API_KEY": "daily-secret", "DAILY_BASE_URL": "https://api.daily.test/v1"]
        let failing = FakeTransport()
        failing.expect("POST", "https://api.daily.test/v1/rooms",
                       respond: HTTPResponse(status: 503, body: Array(#"{"error":"server-error","info":"try later"}"#.utf8)))
        await #expect {
            try await harness.call(StartInterviewHandler(), ["id": 1], context: harness.context(config, transport: failing))
        } throws: { ($0 as? BundleError)?.code == .upstreamFailed && ($0 as? BundleError)?.message.contains("try later") == true }
        #expect(try await harness.candidate(1)["interview_status"] == "not_scheduled")
        let name = try #require(try harness.database.read { try $0.queryOne("SELECT room_name FROM candidates WHERE id = 1")?.optionalString("room_name") })

        // The lost answer case: Daily made the room, so the retry finds it by name.
        let retry = FakeTransport()
        retry.expect("POST", "https://api.daily.test/v1/rooms",
                     respond: HTTPResponse(status: 400, body: Array(#"{"error":"invalid-request-error","info":"a room named \#(name) already exists"}"#.utf8)))
        retry.expect("GET", "https://api.daily.test/v1/rooms/\(name)",
                     respond: HTTPResponse(status: 200, body: Array(#"{"name":"\#(name)","url":"https://acme.daily.co/\#(name)"}"#.utf8)))
        let done = try await harness.call(StartInterviewHandler(), ["id": 1], context: harness.context(config, transport: retry))
        #expect(done["room"]?["name"] == .string(name))
        #expect(done["room"]?["url"] == .string("https://acme.daily.co/\(name)"))
        #expect(try (JSONValue(parsing: retry.received[0].body))["name"] == .string(name))

        let unauthorized = FakeTransport()
        unauthorized.expect("POST", "https://api.daily.test/v1/rooms", respond: HTTPResponse(status: 401, body: Array(#"{"error":"authentication-error"}"#.utf8)))
        await #expect {
            try await harness.call(StartInterviewHandler(), ["id": 2], context: harness.context(config, transport: unauthorized))
        } throws: { ($0 as? BundleError)?.code == .misconfigured }
        await #expect {
            try await harness.call(StartInterviewHandler(), ["id": 2], context: harness.context(["ROOMS_PROVIDER": "daily"]))
        } throws: { ($0 as? BundleError)?.message.contains("DAILY_API_KEY") == true }
    }
}
