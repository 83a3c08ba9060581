import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// The requests the original systems document (their curl examples and route tables), sent as
/// written through nginx in both modes: candidate scoring's `/api/pluto` routes, the interview
/// campaign's and the steering profile's field names, status filters in the originals' case, and
/// the one input check that refuses what a function does not take.
@Suite(.serialized) struct OriginalRequestsTests {

    @Test(arguments: NginxServer.Mode.allCases)
    func candidateScoringAsItsUsersKnowIt(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode, environment: ["LLM_PROVIDER": "offline"])
        let key = try server.createKey()
        let auth = ["X-API-Key": key]
        // curl -X POST /api/pluto/upload -F "file=@sample_candidates.csv"
        let csv = try Fixtures.text("upload-candidates/sample-candidates.csv")
        let boundary = "----pluto-7MA4YWxkTrZu0gW"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"sample_candidates.csv\"\r\n"
            + "Content-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
        let upload = try server.send("POST", "/api/pluto/upload", headers: auth.merging(["Content-Type": "multipart/form-data; boundary=\(boundary)"]) { $1 },
                                     body: body)
        #expect(upload.status == 202, "\(upload.text)")
        let uploadID = try #require(upload.json?["upload"]?["id"]?.intValue)

        // curl /api/pluto/status: the latest upload, with the original's field names too.
        let queued = try #require(try server.send("GET", "/api/pluto/status", headers: auth).json)
        #expect(queued["upload_id"] == .number(Double(uploadID)))
        #expect(queued["status"] == "queued")
        #expect(queued["candidates_total"] == 26)
        let work = try Binaries.run("work", environment: ["DATABASE_URL": server.databaseURL, "LLM_PROVIDER": "offline"],
                                    workingDirectory: server.state.path)
        #expect(work.json?["succeeded"] == 1, "\(work.stdoutText) \(work.stderr)")
        let done = try #require(try server.send("GET", "/api/pluto/status", headers: auth).json)
        #expect(done["status"] == "completed")
        #expect(done["candidates_scored"] == 26)
        #expect(done == (try server.send("GET", "/candidates/status?upload_id=\(uploadID)", headers: auth).json), "the same function")

        // curl /api/pluto/results: the ranked list.
        let results = try #require(try server.send("GET", "/api/pluto/results", headers: auth).json)
        let ranked = results["candidates"]?.arrayValue?.compactMap { $0["candidate"] } ?? []
        #expect(ranked.count == 26)
        let scores = ranked.compactMap { $0["combined_score"]?.doubleValue }
        #expect(scores == scores.sorted(by: >))
        #expect(ranked.first?["missing_required"] == ranked.first?["missing_required_fields"])
        #expect(ranked.first?["missing_preferred"] != nil)
        #expect(try server.send("GET", "/api/pluto/results?tier=Top", headers: auth).status == 200, "a tier in any case")
        let id = try #require(ranked.first?["id"]?.intValue)

        // curl /api/pluto/candidates/{id}, PATCH it, then start the interview.
        let candidate = try server.send("GET", "/api/pluto/candidates/\(id)", headers: auth)
        #expect(candidate.status == 200)
        #expect(candidate.json == (try server.send("GET", "/candidates/\(id)", headers: auth).json))
        let patched = try server.send("PATCH", "/api/pluto/candidates/\(id)", headers: auth.merging(["Content-Type": "application/json"]) { $1 },
                                      body: #"{"notes": "strong"}"#)
        #expect(patched.json?["notes"] == "strong", "\(patched.text)")
        let refused = try server.send("PATCH", "/api/pluto/candidates/\(id)", headers: auth.merging(["Content-Type": "application/json"]) { $1 },
                                      body: #"{"note": "strong"}"#)
        #expect(refused.status == 422)
        #expect(refused.json?["error"]?["message"] == "note: unknown field; did you mean notes?")
        let interview = try server.send("POST", "/api/pluto/candidates/\(id)/interview", headers: auth)
        #expect(interview.status == 200, "\(interview.text)")
        #expect(interview.json?["room_name"] == interview.json?["room"]?["name"])
        #expect(interview.json?["room_url"] == interview.json?["room"]?["url"])
        #expect(interview.json?["candidate"]?["id"] == .number(Double(id)))
        #expect(interview.json?["candidate"]?["interview_status"] == "briefing")

        // Ids follow one rule: a canonical decimal, else 404.
        for path in ["/api/pluto/candidates/0\(id)", "/api/pluto/candidates/+\(id)", "/candidates/12345678901234567",
                     "/candidates/123456789012345678901", "/candidates/-1"] {
            let reply = try server.send("GET", path, headers: auth)
            #expect(reply.status == 404, "\(path): \(reply.text)")
            #expect(reply.json?["error"]?["code"] == "not_found")
        }
        #expect(try server.send("GET", "/api/pluto/candidates/999999", headers: auth).status == 404)
    }

    @Test(arguments: NginxServer.Mode.allCases)
    func theOriginalsFieldNamesAndFilters(mode: NginxServer.Mode) throws {
        let server = try NginxServer(mode: mode)
        let json = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]

        // The research-interview README's curl example, as written.
        let campaign = try server.send("POST", "/campaigns", headers: json, body: """
            {"name": "Gas station feasibility - Yas Island",
             "research_brief": "We want to understand refueling habits of commuters who pass through Yas Island daily.",
             "extraction_schema": {"age_range": {"type": "string", "description": "Age bracket, e.g. 25-34"},
                                   "satisfaction": {"type": "number", "description": "1-10 satisfaction with current fueling options"}},
             "phone_numbers": ["+971501234567", "+971509876543"]}
            """)
        #expect(campaign.status == 201, "\(campaign.text)")
        #expect(campaign.json?["accepted_phones"] == 2)
        let both = try server.send("POST", "/campaigns", headers: json, body: """
            {"name": "Twice", "brief": "One brief about commuters and fuel.", "research_brief": "Another brief about something else.",
             "schema": {"age": {"type": "integer", "description": "Age"}}, "phones": ["+971501234567"]}
            """)
        #expect(both.status == 422)
        #expect(both.json?["error"]?["message"]?.stringValue?.contains("research_brief") == true)
        #expect(both.json?["error"]?["message"]?.stringValue?.contains("brief,") == true)
        #expect(try server.send("GET", "/campaigns/1/conversations?status=Pending", headers: json).status == 200, "an enum value in another case")

        // The steering profile's flat names; an unknown name is refused, not ignored.
        let steering = try server.send("PUT", "/steering", headers: json,
                                       body: #"{"weight_news": 0.5, "weight_role_pains": 0.3, "weight_competitors": 0.2, "competitor_list": ["Acme"]}"#)
        #expect(steering.status == 200, "\(steering.text)")
        #expect(steering.json?["changed"] == true)
        #expect(steering.json?["steering"]?["profile"]?["weights"]?["news"] == 0.5)
        #expect(steering.json?["steering"]?["profile"]?["competitors"] == ["Acme"])
        let typo = try server.send("PUT", "/steering", headers: json, body: #"{"weights_news": 0.5}"#)
        #expect(typo.status == 422)
        #expect(typo.json?["error"]?["message"] == "weights_news: unknown field; did you mean weights.news?")
        #expect(try server.send("PUT", "/steering", headers: json, body: #"{"weight_news": 2}"#).status == 422)

        // Status filters in the originals' spelling; numbers written as decimals.
        for status in ["FeedbackGiven", "feedback_given", "Drafted"] {
            let meetings = try server.send("GET", "/meetings?status=\(status)", headers: json)
            #expect(meetings.status == 200, "\(status): \(meetings.text)")
        }
        #expect(try server.send("GET", "/meetings?limit=5.0", headers: json).json?["limit"] == 5)
        #expect(try server.send("GET", "/meetings?limit=0", headers: json).status == 422)
        let role = try server.send("GET", "/candidates?role_id=0", headers: json)
        #expect(role.status == 422, "documented minimums hold: \(role.text)")
        #expect(role.json?["error"]?["message"] == "role_id: must be at least 1")
        #expect(try server.send("GET", "/jobs?status=Queued", headers: json).status == 200)
        #expect(try server.send("GET", "/meetings?colour=red", headers: json).json?["error"]?["message"] == "colour: unknown field")

        // One rule for JSON bodies: a repeated key is refused, not resolved by the last one.
        let duplicate = try server.send("POST", "/jobs", headers: json, body: #"{"function":"work","function":"health"}"#)
        #expect(duplicate.status == 400, "\(duplicate.text)")
        #expect(duplicate.json?["error"]?["code"] == "invalid_request")
        let job = try server.send("POST", "/jobs", headers: json, body: #"{"function": "list-meetings", "input": {"limitt": 5}}"#)
        #expect(job.status == 422)
        #expect(job.json?["error"]?["message"] == "input.limitt: unknown field; did you mean input.limit?")
        for path in ["/jobs/01", "/jobs/+1", "/jobs/9007199254740993", "/jobs/99999999999999999999"] {
            #expect(try server.send("GET", path, headers: json).status == 404, "\(path)")
        }
    }
}
