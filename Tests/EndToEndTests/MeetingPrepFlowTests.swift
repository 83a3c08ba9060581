import Core
import Foundation
import Synchronization
import TestSupport
import Testing

/// The meeting-prep agent end to end through real nginx + fcgiwrap, with loopback fakes speaking
/// You.com's, OpenAI's, Notion's and Gmail's wire formats.
@Suite(.serialized) struct MeetingPrepFlowTests {
    static let source = "https://news.example/northwind-fleet"

    static let prep: JSONValue = {
        let hooks: [JSONValue] = [["hook": "Your fleet grew to 400 trucks", "source_url": .string(source)],
                                  ["hook": "Late deliveries rose 12% last quarter", "source_url": .string(source)]]
        let body = """
            Hi Dana, congratulations: your fleet grew to 400 trucks, and late deliveries rose 12% last quarter, which we saw in the news. \
            We help operations teams prepare every customer conversation with the facts that matter, so nothing important is missed \
            and follow-ups go out the same day. I would like to learn how your dispatch team plans routes today and what a late \
            delivery costs you. How do you plan routes for the new trucks? Which part of planning would you most like to automate? \
            Looking forward to our call on Tuesday.
            """
        return ["insights": [["text": "Northwind added 120 trucks", "why": "Growth strains planning", "priority": 1, "source_url": .string(source)]],
                "hooks": .array(hooks), "competitors": [["name": "Contoso Freight", "positioning": "Regional rival"]],
                "pre_meeting_draft": ["subject": "Before Tuesday's call", "body": .string(body)],
                "hooks_used": ["Your fleet grew to 400 trucks", "Late deliveries rose 12% last quarter"],
                "follow_up_draft": ["subject": "Thank you", "body": "Thanks for your time. Summary: [[what we agreed]]."]]
    }()

    final class Upstreams: @unchecked Sendable {
        let server: LoopbackServer
        init() throws {
            server = try LoopbackServer { request in
                switch (request.method, request.path) {
                case ("GET", let path) where path.hasPrefix("/v1/search"):
                    return .json(200, ["results": ["news": [["url": .string(MeetingPrepFlowTests.source), "title": "Northwind grows its fleet",
                                                             "description": "120 new trucks"]]]])
                case ("POST", "/v1/chat/completions"):
                    return .json(200, ["model": "gpt-4.1-mini", "usage": ["prompt_tokens": 900, "completion_tokens": 400],
                                       "choices": [["message": ["role": "assistant", "content": .string(MeetingPrepFlowTests.prep.jsonText)]]]])
                case ("POST", "/v1/pages"):
                    return .json(200, ["object": "page", "id": "page-123"])
                case ("PATCH", "/v1/pages/page-123"):
                    return .json(200, ["object": "page", "id": "page-123"])
                case ("POST", "/gmail/v1/users/me/drafts"):
                    let subject = request.json?["message"]?["raw"]?.stringValue ?? ""
                    return .json(200, ["id": .string("draft-\(subject.count % 1000)-\(request.body.count)"), "message": ["id": "m1"]])
                case ("PUT", let path) where path.hasPrefix("/gmail/v1/users/me/drafts/"):
                    return .json(200, ["id": .string(String(path.split(separator: "/").last ?? "")), "message": ["id": "m2"]])
                default:
                    return .json(404, ["error": .string("unexpected \(request.method) \(request.path)")])
                }
            }
        }
    }

    @Test func pollRunAndRerunThroughNginx() throws {
        let upstreams = try Upstreams()
        let base = upstreams.server.baseURL
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/poll-calendar/sample.ics").path
        let server = try NginxServer(mode: .direct, environment: [
            "BUNDLE_NOW": "2026-01-05T00:00:00Z", "CALENDAR_ICS_URL": sample, "SELF_EMAIL_DOMAINS": "ourco.example",
            "YOUCOM_API_KEY": "ydc-test", "YOUCOM_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "LLM_API_KEY": "sk-test",
            "NOTION_TOKEN": "secret_notion", "NOTION_DATABASE_ID": "db-1", "NOTION_BASE_URL": base,
            "GMAIL_TOKEN": "ya29.gmail", "GMAIL_BASE_URL": base,
        ])
        let auth = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]
        // The seed system's route: it queues the pipeline for the new meetings by default.
        let poll = try server.send("POST", "/trigger-poll", headers: auth, body: "{}")
        #expect(poll.status == 200, "\(poll.text)")
        #expect(poll.json?["new"] == 3)
        #expect(poll.json?["queued_jobs"]?.arrayValue?.count == 3)
        let listed = try server.send("GET", "/meetings?status=new", headers: auth)
        let id = try #require(listed.json?["meetings"]?.arrayValue?.first { $0["company"] == "Northwind Logistics" }?["id"]?.intValue)

        let run = try server.send("POST", "/meetings/\(id)/run", headers: auth, body: "{}")
        #expect(run.status == 200, "\(run.text)")
        let meeting = try #require(run.json?["meetings"]?.arrayValue?.first)
        #expect(meeting["status"] == "drafted")
        #expect(meeting["notion_page_id"] == "page-123")
        #expect(meeting["draft_ids"]?["provider"] == "gmail")
        #expect(meeting["insights"]?.arrayValue?.first?["source_url"] == .string(Self.source))
        let requests = upstreams.server.requests
        #expect(requests.filter { $0.path.hasPrefix("/v1/search") }.count == 3)
        #expect(requests.first { $0.path.hasPrefix("/v1/search") }?.header("X-API-Key") == "ydc-test")
        #expect(requests.first { $0.path == "/v1/pages" }?.header("Notion-Version") == "2022-06-28")
        #expect(requests.first { $0.path == "/v1/pages" }?.json?["parent"]?["database_id"] == "db-1")
        let raw = try #require(requests.first { $0.path == "/gmail/v1/users/me/drafts" }?.json?["message"]?["raw"]?.stringValue)
        let decoded = Data(base64Encoded: raw.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            .padding(toLength: (raw.count + 3) / 4 * 4, withPad: "=", startingAt: 0)).map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded?.hasPrefix("To: dana.reyes@northwind-logistics.com\r\nSubject: Before Tuesday's call\r\n") == true)
        let usage = try server.send("GET", "/metrics/llm-usage?function=run-pipeline", headers: auth)  // the step runs inside run-pipeline
        #expect(usage.json?["totals"]?["calls"] == 1)

        // Running again updates the Notion row and replaces the Gmail drafts: nothing is duplicated.
        let again = try server.send("POST", "/meetings/\(id)/run", headers: auth, body: "{}")
        #expect(again.status == 200)
        let after = upstreams.server.requests
        #expect(after.filter { $0.method == "POST" && $0.path == "/v1/pages" }.count == 1)
        #expect(after.filter { $0.method == "PATCH" }.count == 1)
        #expect(after.filter { $0.method == "POST" && $0.path.hasPrefix("/gmail") }.count == 2)
        #expect(after.filter { $0.method == "PUT" && $0.path.hasPrefix("/gmail") }.count == 2)
        _ = upstreams
    }

    /// A Notion database without the properties the row needs: the run fails, the meeting says
    /// which step failed and why, and a run without `reset` resumes from that step once fixed.
    @Test func aFailingNotionStepShowsOnTheMeetingAndTheRunResumes() throws {
        let notionWorks = Mutex(false)
        let upstreams = try LoopbackServer { request in
            switch (request.method, request.path) {
            case ("POST", "/v1/pages") where !notionWorks.withLock({ $0 }):
                return .json(400, ["object": "error", "status": 400, "code": "validation_error", "message": "Insights is not a property that exists."])
            case ("POST", "/v1/pages"):
                return .json(200, ["object": "page", "id": "page-9"])
            default:
                return .json(404, ["error": .string("unexpected \(request.method) \(request.path)")])
            }
        }
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/poll-calendar/sample.ics").path
        let server = try NginxServer(mode: .direct, environment: [
            "BUNDLE_NOW": "2026-01-05T00:00:00Z", "CALENDAR_ICS_URL": sample, "SELF_EMAIL_DOMAINS": "ourco.example",
            "NOTION_TOKEN": "secret_notion_e2e", "NOTION_DATABASE_ID": "db-1", "NOTION_BASE_URL": upstreams.baseURL,
        ])
        let auth = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]
        #expect(try server.send("POST", "/calendar/poll", headers: auth, body: "{}").status == 200)
        let listed = try server.send("GET", "/meetings?status=new", headers: auth)
        let id = try #require(listed.json?["meetings"]?.arrayValue?.first { $0["company"] == "Northwind Logistics" }?["id"]?.intValue)

        let failed = try server.send("POST", "/meetings/\(id)/run", headers: auth, body: "{}")
        #expect(failed.status == 500, "\(failed.text)")
        let meeting = try #require(try server.send("GET", "/meetings/\(id)", headers: auth).json)
        #expect(meeting["status"] == "error")
        let message = try #require(meeting["error"]?.stringValue)
        #expect(message.hasPrefix("sync-notion: Notion answered 400"), "\(message)")
        #expect(message.contains("Insights is not a property"))
        #expect(!message.contains("secret_notion_e2e"))

        notionWorks.withLock { $0 = true }
        let resumed = try server.send("POST", "/meetings/\(id)/run", headers: auth, body: #"{"reset": false}"#)
        #expect(resumed.status == 200, "\(resumed.text)")
        #expect(resumed.json?["steps"] == .array([.string("\(id):notion"), .string("\(id):drafts")]))
        let done = try #require(resumed.json?["meetings"]?.arrayValue?.first)
        #expect(done["status"] == "drafted")
        #expect(done["error"] == .null)
        #expect(done["notion_page_id"] == "page-9")
    }
}
