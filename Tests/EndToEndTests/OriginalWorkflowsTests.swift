import Core
import Foundation
import TestSupport
import Testing

/// The original systems' documented walk-throughs (000-meeting-prep.md's verification steps,
/// 001-research-interviews.md's campaign curl example) as whole workflows through nginx, with the
/// schedule running as under `infra/dev serve`, so queued work finishes without anyone calling
/// `work`. OriginalRequestsTests covers the single requests in both modes; the one change people
/// make is an API key (the originals had none).
@Suite(.serialized) struct OriginalWorkflowsTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func eventually(_ seconds: Double = 60, _ probe: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try probe() { return true }
            usleep(200_000)
        }
        return try probe()
    }

    static func server() throws -> (NginxServer, [String: String]) {
        let server = try NginxServer(mode: .direct, environment: [
            "LLM_PROVIDER": "offline", "BUNDLE_NOW": "2026-01-05T00:00:00Z",
            "CALENDAR_ICS_URL": fixtures.appendingPathComponent("poll-calendar/sample.ics").path,
            "SELF_EMAIL_DOMAINS": "ourco.example", "OFFLINE_SEARCH_CORPUS": fixtures.appendingPathComponent("enrich/corpus.json").path,
        ], scheduleTick: 1)
        let key = try server.createKey("migrated")
        return (server, ["X-API-Key": key, "Content-Type": "application/json"])
    }

    /// 000-meeting-prep.md, "Verification": health, steering v1, trigger-poll, the list with
    /// status=Drafted, a meeting's detail, feedback, a pivot with PUT /steering, a re-run.
    @Test func meetingPrepVerificationSteps() throws {
        let (server, headers) = try Self.server()
        let health = try server.send("GET", "/health")
        #expect(health.status == 200 && health.json?["status"] == "ok" && health.json?["version"] != nil)
        let steering = try server.send("GET", "/steering", headers: headers)
        #expect(steering.status == 200 && steering.json?["version"] == 1, "\(steering.text)")

        let poll = try server.send("POST", "/trigger-poll", headers: headers)
        #expect(poll.status == 200, "\(poll.text)")
        let drafted = try Self.eventually {
            let list = try server.send("GET", "/meetings?status=Drafted", headers: headers)
            return list.status == 200 && (list.json?["meetings"]?.arrayValue?.count ?? 0) >= 2
        }
        let list = try server.send("GET", "/meetings?status=Drafted", headers: headers)
        #expect(drafted, "the pipelines queued by /trigger-poll never finished: \(list.text)")
        let meetings = list.json?["meetings"]?.arrayValue ?? []
        #expect(meetings.allSatisfy { $0["status"] == "drafted" })
        // A meeting with a company (the sample calendar also has a freelancer, with no company to research).
        let id = try #require(meetings.first { ($0["company"]?.stringValue ?? "").isEmpty == false }?["id"]?.intValue)

        let detail = try server.send("GET", "/meetings/\(id)", headers: headers)
        #expect(detail.status == 200)
        for field in ["insights", "hooks", "competitors"] {
            #expect((detail.json?[field]?.arrayValue?.count ?? 0) > 0, "\(field) is empty: \(detail.text)")
        }
        #expect(detail.json?["datetime_utc"] == detail.json?["start"] && detail.json?["datetime_utc"] != nil)
        #expect(detail.json?.objectValue?.keys.contains("error_message") == true)

        let feedback = try server.send("POST", "/meetings/\(id)/feedback", headers: headers,
                                       body: #"{"score": -1, "notes": "Too generic, I want more news"}"#)
        #expect(feedback.status == 200, "\(feedback.text)")
        let given = try server.send("GET", "/meetings?status=FeedbackGiven", headers: headers).json?["meetings"]?.arrayValue ?? []
        #expect(given.contains { $0["id"] == .number(Double(id)) }, "FeedbackGiven, as the original spells it, filters the list")

        let pivot = try server.send("PUT", "/steering", headers: headers, body: """
            {"product_focus": "Invoice automation for mid-market logistics", "weight_news": 0.5, "weight_role_pains": 0.3,
             "weight_competitors": 0.2, "competitor_list": ["Bill.com", "Tipalti"]}
            """)
        #expect(pivot.status == 200, "\(pivot.text)")
        let current = try server.send("GET", "/steering", headers: headers).json
        #expect(current?["profile"]?["weights"]?["news"] == 0.5, "weight_news reached the profile: \(current?.jsonText ?? "")")
        #expect(current?["profile"]?["product_focus"] == "Invoice automation for mid-market logistics")
        #expect((current?["version"]?.intValue ?? 0) >= 3, "feedback made v2, the pivot v3")

        let run = try server.send("POST", "/meetings/\(id)/run", headers: headers)
        #expect(run.status == 200 || run.status == 202, "\(run.text)")
        let rerunDone = try Self.eventually {
            let meeting = try server.send("GET", "/meetings/\(id)", headers: headers).json
            return meeting?["status"] == "drafted" && meeting?["steering_version"] == current?["version"]
        }
        let rerun = try server.send("GET", "/meetings/\(id)", headers: headers)
        #expect(rerunDone, "the re-run used the new steering version: \(rerun.text)")
    }

    /// 001-research-interviews.md, "Creating a Campaign": the curl body as written (research_brief,
    /// extraction_schema as an object, phone_numbers), then launch; the schedule sends the openings.
    @Test func researchInterviewCurlExamples() throws {
        let (server, headers) = try Self.server()
        let created = try server.send("POST", "/campaigns", headers: headers, body: """
            {
              "name": "Gas station feasibility - Yas Island",
              "research_brief": "We want to understand refueling habits of commuters who pass through Yas Island daily. We are evaluating whether to open a new gas station on the east side of the island.",
              "extraction_schema": {
                "age_range": {"type": "string", "description": "Age bracket, e.g. 25-34"},
                "commute_frequency": {"type": "string", "description": "How often they drive through Yas Island per week"},
                "current_station": {"type": "string", "description": "Where they currently refuel"},
                "satisfaction": {"type": "number", "description": "1-10 satisfaction with current fueling options"},
                "switch_reason": {"type": "string", "description": "What would make them switch to a new station"}
              },
              "phone_numbers": ["+971501234567", "+971509876543"]
            }
            """)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json?["id"]?.intValue ?? created.json?["campaign"]?["id"]?.intValue, "\(created.text)")
        let launched = try server.send("POST", "/campaigns/\(id)/launch", headers: headers)
        #expect(launched.status == 200, "\(launched.text)")
        let sent = try Self.eventually {
            let conversations = try server.send("GET", "/campaigns/\(id)/conversations", headers: headers).json?["conversations"]?.arrayValue ?? []
            return conversations.count == 2 && conversations.allSatisfy { $0["status"] != "pending" && $0["status"] != "queued" }
        }
        let conversations = try server.send("GET", "/campaigns/\(id)/conversations", headers: headers)
        #expect(sent, "the scheduled send-outreach never sent the openings: \(conversations.text)")
        let conversationID = try #require(conversations.json?["conversations"]?.arrayValue?.first?["id"]?.intValue)
        let transcript = try server.send("GET", "/conversations/\(conversationID)", headers: headers)
        #expect(transcript.status == 200 && (transcript.json?["messages"]?.arrayValue?.count ?? 0) >= 1, "\(transcript.text)")
        #expect(try server.send("GET", "/campaigns/\(id)/extractions", headers: headers).status == 200)
        #expect(try server.send("POST", "/campaigns/\(id)/pause", headers: headers).status == 200)

        let both = try server.send("POST", "/campaigns", headers: headers, body: """
            {"name": "Two briefs", "brief": "One brief about commuters and their refuelling habits on the island.",
             "research_brief": "Another brief about something else entirely, different from the first one.",
             "schema": {"age_range": {"type": "string", "description": "Age bracket"}}, "phones": ["+971501234567"]}
            """)
        #expect(both.status == 422 && both.text.contains("research_brief"), "two different spellings of one field: \(both.text)")
    }
}
