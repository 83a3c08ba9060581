import Core
import Foundation
import Synchronization
import TestSupport
import Testing

/// `poll-calendar` on the bundled sample feed, as cron runs it.
@Suite struct PollCalendarTests {
    let directory: TemporaryDirectory
    let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/poll-calendar/sample.ics").path

    init() throws {
        directory = try TemporaryDirectory()
    }

    func poll(_ extra: [String: String] = [:]) throws -> ProcessResult {
        try Binaries.run("poll-calendar", stdin: #"{"days_ahead": 7}"#,
                         environment: ["CALENDAR_ICS_URL": sample, "SELF_EMAIL_DOMAINS": "ourco.example",
                                       "BUNDLE_NOW": "2026-01-05T00:00:00Z"].merging(extra) { $1 },
                         workingDirectory: directory.path)
    }

    @Test func theSampleFeedBecomesMeetingsAndASecondPollChangesNothing() throws {
        let first = try poll()
        #expect(first.exitCode == 0, "\(first.stdoutText) \(first.stderr)")
        let counts = try #require(first.json)
        // In the week from 5 Jan: Northwind, the first Fernhill instance (8 Jan is excluded, the
        // others are later), the freelancer; the stand-up is internal, Lumen is cancelled, and
        // the event without a start is skipped.
        #expect(counts["new"] == 3)
        #expect(counts["skipped"] == 2)
        #expect(first.json?["skipped_events"]?.arrayValue?.first?["uid"] == "broken@bundle.example")
        let second = try poll()
        #expect(second.json?["new"] == 0)
        #expect(second.json?["updated"] == 0)
        #expect(second.json?["cancelled"] == 0)
    }

    @Test func meetingsAreListedNewestFirstAndReadOneByOne() throws {
        _ = try poll()
        let listed = try Binaries.run("list-meetings", stdin: #"{"status": "new", "limit": 2}"#, workingDirectory: directory.path)
        #expect(listed.exitCode == 0, "\(listed.stdoutText)")
        #expect(listed.json?["total"] == 3)
        let meetings = try #require(listed.json?["meetings"]?.arrayValue)
        #expect(meetings.count == 2)
        #expect(meetings.first?["title"] == "Workshop with a freelance designer", "the latest start first")
        let northwind = try #require(try Binaries.run("list-meetings", stdin: "{}", workingDirectory: directory.path).json?["meetings"]?
            .arrayValue?.first { $0["calendar_event_id"] == "discovery-northwind@bundle.example" })
        let id = try #require(northwind["id"]?.intValue)
        let detail = try #require(try Binaries.run("get-meeting", stdin: #"{"id": \#(id)}"#, workingDirectory: directory.path).json)
        #expect(detail["company"] == "Northwind Logistics")
        #expect(detail["role"] == "VP Operations")
        #expect(detail["start"] == "2026-01-06T09:00:00Z")
        #expect(detail["status"] == "new")
        #expect(detail["attendees"]?.arrayValue?.count == 2)
        let missing = try Binaries.run("get-meeting", stdin: #"{"id": 999}"#, workingDirectory: directory.path)
        #expect(missing.exitCode == 66)
        #expect(try Binaries.run("list-meetings", stdin: #"{"status": "lost"}"#, workingDirectory: directory.path).exitCode == 65)
    }

    @Test func feedbackSteersTheNextVersion() throws {
        _ = try poll()
        func run(_ name: String, _ input: String) throws -> ProcessResult {
            try Binaries.run(name, stdin: input, workingDirectory: directory.path)
        }
        #expect(try run("get-steering", "{}").json?["version"] == 1)
        let down = try run("meeting-feedback", #"{"id": 1, "score": -1, "notes": "Too generic, and no news about them"}"#)
        #expect(down.exitCode == 0, "\(down.stdoutText)")
        #expect(down.json?["steering_version"] == 2)
        #expect(down.json?["changes"] == ["specificity_rules", "weights.competitors", "weights.news", "weights.role_pains"])
        #expect(try run("get-meeting", #"{"id": 1}"#).json?["status"] == "feedback_given")
        let up = try run("meeting-feedback", #"{"id": 2, "score": 1, "notes": "great"}"#)
        #expect(up.json?["steering_changed"] == false)
        #expect(try run("meeting-feedback", #"{"id": 2, "score": 5}"#).exitCode == 65)
        #expect(try run("meeting-feedback", #"{"id": 99, "score": 1}"#).exitCode == 66)
        let put = try run("put-steering", #"{"weights": {"news": 0.2, "role_pains": 0.4, "competitors": 0.4}, "competitors": ["Gong"]}"#)
        #expect(put.json?["steering"]?["version"] == 3)
        #expect(try run("put-steering", #"{"weights": {"news": 0.9}}"#).exitCode == 65, "weights must still sum to 1")
        let versions = try #require(try run("list-steering-versions", "{}").json?["versions"]?.arrayValue)
        #expect(versions.map { $0["version"] } == [3, 2, 1])
        #expect(versions[0]["source"] == "put")
        #expect(versions[1]["source"] == "feedback on meeting 1")
    }

    @Test func enrichStoresTheResearchOrTheFailure() throws {
        _ = try poll()
        let corpus = URL(fileURLWithPath: sample).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("enrich/corpus.json").path
        let environment = ["OFFLINE_SEARCH_CORPUS": corpus, "BUNDLE_NOW": "2026-01-05T00:00:00Z"]
        let listed = try Binaries.run("list-meetings", stdin: "{}", workingDirectory: directory.path).json?["meetings"]?.arrayValue ?? []
        let id = try #require(listed.first { $0["company"] == "Northwind Logistics" }?["id"]?.intValue)
        let enriched = try Binaries.run("enrich", stdin: #"{"id": \#(id)}"#, environment: environment, workingDirectory: directory.path)
        #expect(enriched.exitCode == 0, "\(enriched.stdoutText) \(enriched.stderr)")
        #expect(enriched.json?["enrichment"]?["provider"] == "offline")
        // BM25 with recency for news: the newest story about Northwind first, nothing about another company.
        let news = enriched.json?["enrichment"]?["news"]?["sources"]?.arrayValue ?? []
        #expect(news.first?["url"] == "https://news.example/northwind-logistics-cfo")
        #expect(!news.isEmpty && news.allSatisfy { $0["title"]?.stringValue?.hasPrefix("Northwind Logistics") == true })
        let stored = try #require(try Binaries.run("get-meeting", stdin: #"{"id": \#(id)}"#, workingDirectory: directory.path).json)
        #expect(stored["status"] == "enriched")
        #expect(stored["steering_version"] == 1)
        #expect(stored["enrichment"]?["role_pains"]?["sources"]?.arrayValue?.isEmpty == false)

        // Every search failing leaves the meeting in error with the reason, and a retry can help.
        let failed = try Binaries.run("enrich", stdin: #"{"id": \#(id)}"#,
                                      environment: ["SEARCH_PROVIDER": "youcom", "YOUCOM_API_KEY": "k", "YOUCOM_BASE_URL": "http://127.0.0.1:9",
                                                    "UPSTREAM_MAX_ATTEMPTS": "1"], workingDirectory: directory.path)
        #expect(failed.exitCode == 69)
        let errored = try Binaries.run("get-meeting", stdin: #"{"id": \#(id)}"#, workingDirectory: directory.path).json
        #expect(errored?["status"] == "error")
        #expect(errored?["error"]?.stringValue?.hasPrefix("enrich: every search failed") == true)
        // Synthesis before enrichment is refused; after it, the offline model writes the prep.
        let other = try #require(listed.first { $0["company"] == .null }?["id"]?.intValue)
        #expect(try Binaries.run("synthesize", stdin: #"{"id": \#(other)}"#, workingDirectory: directory.path).errorCode == "conflict")
        _ = try Binaries.run("enrich", stdin: #"{"id": \#(id)}"#, environment: environment, workingDirectory: directory.path)
        let prep = try Binaries.run("synthesize", stdin: #"{"id": \#(id)}"#, environment: environment, workingDirectory: directory.path)
        #expect(prep.exitCode == 0, "\(prep.stdoutText) \(prep.stderr)")
        #expect(prep.json?["llm"]?["provider"] == "offline")
        let written = try #require(try Binaries.run("get-meeting", stdin: #"{"id": \#(id)}"#, workingDirectory: directory.path).json)
        #expect(written["status"] == "enriched")
        #expect(written["insights"]?.arrayValue?.first?["source_url"] == "https://news.example/northwind-logistics-cfo")
        #expect(written["pre_meeting_draft"]?["body"]?.stringValue?.hasPrefix("Hi Dana,") == true)
        #expect(written["follow_up_draft"]?["body"]?.stringValue?.contains("[[what we agreed]]") == true)

        // Piping without a meeting only researches.
        let piped = try Binaries.run("enrich", stdin: #"{"company": "Northwind Logistics", "role": "VP Operations"}"#,
                                     environment: environment, workingDirectory: directory.path)
        #expect(piped.json?["meeting_id"] == .null)
        #expect(piped.json?["enrichment"]?["news"]?["sources"]?.arrayValue?.isEmpty == false)
        let byAttendee = try Binaries.run("enrich", stdin: #"{"attendees": [{"email": "dana@northwind-logistics.com"}], "role": "VP Operations"}"#,
                                          environment: environment, workingDirectory: directory.path)
        #expect(byAttendee.json?["enrichment"]?["news"]?["query"] == "\"Northwind Logistics\" news")
    }

    @Test func theWholePipelineThroughTheJobQueue() throws {
        let corpus = URL(fileURLWithPath: sample).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("enrich/corpus.json").path
        let environment = ["OFFLINE_SEARCH_CORPUS": corpus, "BUNDLE_NOW": "2026-01-05T00:00:00Z"]
        let polled = try Binaries.run("poll-calendar", stdin: #"{"run_pipeline": true}"#,
                                      environment: ["CALENDAR_ICS_URL": sample, "SELF_EMAIL_DOMAINS": "ourco.example"].merging(environment) { $1 },
                                      workingDirectory: directory.path)
        #expect(polled.json?["queued_jobs"]?.arrayValue?.count == 3, "\(polled.stdoutText)")
        let work = try Binaries.run("work", stdin: "{}", environment: environment, workingDirectory: directory.path)
        #expect(work.json?["succeeded"] == 3, "\(work.stdoutText)")
        let meetings = try #require(try Binaries.run("list-meetings", stdin: "{}", workingDirectory: directory.path).json?["meetings"]?.arrayValue)
        #expect(meetings.allSatisfy { $0["status"] == "drafted" })
        #expect(meetings.allSatisfy { $0["draft_ids"]?["provider"] == "outbox" })
        let job = try #require(try Binaries.run("get-job", stdin: #"{"id": 1}"#, workingDirectory: directory.path).json)
        #expect(job["progress"] == 100)
        #expect(job["result"]?["steps"]?.arrayValue?.count == 4)
        // A second poll queues nothing new; re-running one meeting through its route resets it.
        let again = try Binaries.run("poll-calendar", stdin: #"{"run_pipeline": true}"#,
                                     environment: ["CALENDAR_ICS_URL": sample, "SELF_EMAIL_DOMAINS": "ourco.example"].merging(environment) { $1 },
                                     workingDirectory: directory.path)
        #expect(again.json?["queued_jobs"] == [])
        let rerun = try Binaries.run("run-pipeline", stdin: #"{"id": 1, "reset": true}"#, environment: environment, workingDirectory: directory.path)
        #expect(rerun.json?["steps"] == ["1:enrich", "1:synthesize", "1:notion", "1:drafts"])
        let drafts = try Binaries.run("draft-emails", stdin: #"{"id": 1}"#, workingDirectory: directory.path)
        #expect(drafts.json?["replaced"] == true)
        #expect(drafts.json?["recipient"] == "priya@fernhill.health")
    }

    @Test func googleCalendarFullThenIncremental() throws {
        let server = try LoopbackServer { request in
            if request.path.contains("syncToken=t1") {
                return .json(200, ["items": [["id": "g1", "status": "cancelled"]], "nextSyncToken": "t2"])
            }
            let item: JSONValue = ["id": "g1", "summary": "Intro with Lumen Freight", "start": ["dateTime": "2026-01-07T15:00:00Z"],
                                   "end": ["dateTime": "2026-01-07T15:30:00Z"], "organizer": ["email": "alex@ourco.example"],
                                   "attendees": [["email": "tom@lumenfreight.co.uk", "displayName": "Tom Becker"]]]
            return .json(200, ["items": [item], "nextSyncToken": "t1"])
        }
        let environment = ["CALENDAR_PROVIDER": "google", "GOOGLE_CALENDAR_TOKEN": "ya29.test", "GOOGLE_CALENDAR_BASE_URL": server.baseURL,
                           "BUNDLE_NOW": "2026-01-05T00:00:00Z"]
        let first = try Binaries.run("poll-calendar", stdin: "{}", environment: environment, workingDirectory: directory.path)
        #expect(first.json?["provider"] == "google", "\(first.stdoutText)")
        #expect(first.json?["new"] == 1)
        let second = try Binaries.run("poll-calendar", stdin: "{}", environment: environment, workingDirectory: directory.path)
        #expect(second.json?["cancelled"] == 1)
        #expect(server.requests.last?.path.contains("syncToken=t1") == true)
        let meeting = try Binaries.run("get-meeting", stdin: #"{"id": 1}"#, workingDirectory: directory.path).json
        #expect(meeting?["company"] == "Lumenfreight")
        #expect(meeting?["status"] == "cancelled")
    }

    @Test func composioCalendarEventsWhereverTheyNest() throws {
        let server = try LoopbackServer { request in
            guard request.path == "/api/v3/tools/execute/GOOGLECALENDAR_FIND_EVENT" else { return .json(404, [:]) }
            let item: JSONValue = ["id": "c1", "summary": "Demo for Fabrikam", "start": ["dateTime": "2026-01-07T15:00:00Z"],
                                   "end": ["dateTime": "2026-01-07T16:00:00Z"],
                                   "attendees": [["email": "alex@ourco.example", "organizer": true], ["email": "kim@fabrikam.example"]]]
            return .json(200, ["successful": true, "data": ["response_data": ["items": [item]]], "log_id": "l1"])
        }
        let result = try Binaries.run("poll-calendar", stdin: "{}", environment: [
            "CALENDAR_PROVIDER": "composio", "COMPOSIO_API_KEY": "cmp", "COMPOSIO_BASE_URL": server.baseURL, "BUNDLE_NOW": "2026-01-05T00:00:00Z",
        ], workingDirectory: directory.path)
        #expect(result.exitCode == 0, "\(result.stdoutText)")
        #expect(result.json?["provider"] == "composio")
        #expect(result.json?["new"] == 1)
        let failing = try LoopbackServer { _ in .json(200, ["successful": false, "error": "Connection expired", "data": [:]]) }
        let failed = try Binaries.run("poll-calendar", stdin: "{}", environment: [
            "CALENDAR_PROVIDER": "composio", "COMPOSIO_API_KEY": "cmp", "COMPOSIO_BASE_URL": failing.baseURL,
        ], workingDirectory: directory.path)
        #expect(failed.exitCode == 69)
        #expect(failed.json?["error"]?["message"]?.stringValue?.contains("Connection expired") == true)
    }

    @Test func notionRowsThroughComposio() throws {
        _ = try poll()
        let server = try LoopbackServer { request in
            switch request.path {
            case "/api/v3/tools/execute/NOTION_INSERT_ROW_DATABASE":
                guard request.json?["arguments"]?["properties"]?.arrayValue?.first?["name"] == "Name" else { return .json(400, [:]) }
                return .json(200, ["successful": true, "data": ["response_data": ["object": "page", "id": "row-7", "parent": ["id": "db-1"]]]])
            case "/api/v3/tools/execute/NOTION_UPDATE_ROW_DATABASE":
                return .json(200, ["successful": true, "data": [:]])
            default:
                return .json(404, [:])
            }
        }
        let environment = ["NOTION_PROVIDER": "composio", "NOTION_DATABASE_ID": "db-1", "COMPOSIO_API_KEY": "cmp", "COMPOSIO_BASE_URL": server.baseURL]
        let created = try Binaries.run("sync-notion", stdin: #"{"id": 1}"#, environment: environment, workingDirectory: directory.path)
        #expect(created.json?["status"] == "created", "\(created.stdoutText)")
        #expect(created.json?["page_id"] == "row-7")
        let updated = try Binaries.run("sync-notion", stdin: #"{"id": 1}"#, environment: environment, workingDirectory: directory.path)
        #expect(updated.json?["status"] == "updated")
        #expect(server.requests.last?.json?["arguments"]?["row_id"] == "row-7")
    }

    @Test func gmailDraftsThroughComposioAreReplacedNotDuplicated() throws {
        let corpus = URL(fileURLWithPath: sample).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("enrich/corpus.json").path
        _ = try poll()
        _ = try Binaries.run("run-pipeline", stdin: #"{"id": 1}"#, environment: ["OFFLINE_SEARCH_CORPUS": corpus], workingDirectory: directory.path)
        let counter = Mutex(0)
        let server = try LoopbackServer { request in
            switch request.path {
            case "/api/v3/tools/execute/GMAIL_CREATE_EMAIL_DRAFT":
                let n = counter.withLock { value in
                    value += 1
                    return value
                }
                return .json(200, ["successful": true, "data": ["response_data": ["id": .string("d\(n)"), "message": ["id": "m"]]]])
            case "/api/v3/tools/execute/GMAIL_DELETE_DRAFT":
                return .json(200, ["successful": true, "data": [:]])
            default:
                return .json(404, [:])
            }
        }
        let environment = ["EMAIL_DRAFT_PROVIDER": "composio", "COMPOSIO_API_KEY": "cmp", "COMPOSIO_BASE_URL": server.baseURL]
        let first = try Binaries.run("draft-emails", stdin: #"{"id": 1}"#, environment: environment, workingDirectory: directory.path)
        #expect(first.json?["draft_ids"] == ["pre_meeting": "d1", "follow_up": "d2"], "\(first.stdoutText)")
        #expect(server.requests.first?.json?["arguments"]?["recipient_email"] == "priya@fernhill.health")
        let second = try Binaries.run("draft-emails", stdin: #"{"id": 1}"#, environment: environment, workingDirectory: directory.path)
        #expect(second.json?["draft_ids"] == ["pre_meeting": "d3", "follow_up": "d4"])
        let deleted = server.requests.filter { $0.path.hasSuffix("GMAIL_DELETE_DRAFT") }.compactMap { $0.json?["arguments"]?["draft_id"]?.stringValue }
        #expect(deleted == ["d1", "d2"])
    }

    @Test func withoutACalendarItSaysSo() throws {
        let result = try Binaries.run("poll-calendar", stdin: "{}", workingDirectory: directory.path)
        #expect(result.exitCode == 0)
        #expect(result.json?["provider"] == "none")
        let missing = try poll(["CALENDAR_ICS_URL": directory.file("nope.ics")])
        #expect(missing.errorCode == "misconfigured")
        #expect(missing.exitCode == 78)
    }
}
