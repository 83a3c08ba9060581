import Catalog
import Core
import Foundation
import Store
import TestSupport
import Testing

/// Events and prospect matching end to end: the six functions piped with their fixtures (offline
/// LLM and embedder), and the routes through real nginx + fcgiwrap with the job worker running
/// the match. The selected prospect's invitation is drafted by the outreach workflow in the same
/// process (the offline LLM's answers pass the outreach checks), so it must come back drafted.
@Suite(.serialized) struct EventMatchingBinariesTests {
    /// Three prospects: a researched CTO in manufacturing (scores 75 offline: selected), a Head of
    /// IT without research (skipped unscored: it needs research first), and a retail CTO (filtered out).
    static func insertProspects(_ path: String) throws {
        let database = try TestDatabase.open(path, migrations: Catalog.migrations)
        try database.write { sql in
            for (n, title, industry) in [(1, "CTO", "Manufacturing"), (2, "Head of IT", "manufacturing"), (3, "CTO", "Retail")] {
                try sql.execute("""
                    INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, industry, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'researched', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                    """, "https://www.linkedin.com/in/p\(n)", "Person \(n)", title, "Company \(n)", industry)
            }
            // A whole research result (what synthesize_research stores): outreach reads it strictly,
            // so the invitation is drafted from it rather than refused for want of research.
            let solution: JSONValue = ["solution_id": 1, "name": "AWS Mainframe Modernization", "category": "Migration",
                                       "description": "Move mainframe workloads to AWS.", "pricing_model": "pay as you go", "docs_url": nil,
                                       "tier1": ["rank": 1, "score": 0.5, "found_by": ["full_text"]], "tier2": nil]
            let research: JSONValue = ["research_summary": "Company 1 runs a legacy mainframe and wants lower costs.",
                                       "key_insights": [], "insight_evidence": [], "technologies": [],
                                       "pain_points": [["pain": "Legacy infrastructure slows down change", "severity": "high", "evidence": "context"]],
                                       "recommended_solutions": [solution], "reference_architectures": [],
                                       "confidence_score": 0.5, "confidence_reasons": [], "sources": [], "mcp_unavailable": true,
                                       "llm_provider": "offline", "search_provider": "offline", "offline": true]
            try sql.execute("""
                INSERT INTO workflow_runs (workflow, subject, status, input, result, created_at, updated_at)
                VALUES ('research', 'prospect:1', 'succeeded', '{}', ?, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """, research)
        }
    }

    static let environment = ["LLM_PROVIDER": "offline", "SEARCH_PROVIDER": "offline", "EMBEDDINGS_PROVIDER": "offline",
                              "MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "WORKFLOW_RETRY_BASE_SECONDS": "0", "JOB_RETRY_BASE_S": "0",
                              "BUNDLE_NOW": "2026-03-02T10:00:00Z"]

    @Test func theEventFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        let environment = Self.environment.merging(["DATABASE_URL": try TestDatabase.url(directory.file("var/bundle.sqlite"))]) { $1 }
        func pipe(_ function: String, _ fixture: String) throws -> ProcessResult {
            try Binaries.run(function, stdin: try Fixtures.text("\(function)/\(fixture)"), environment: environment, workingDirectory: directory.path)
        }
        #expect(try pipe("get-event", "event-1.json").errorCode == "not_found")
        let created = try pipe("create-event", "summit.json")
        #expect(created.exitCode == 0, "\(created.stdoutText) \(created.stderr)")
        #expect(created.json?["id"] == 1 && created.json?["event_date"] == "2026-05-14T07:00:00Z", "the date-time is stored in UTC")
        #expect(created.json?["target_roles"] == ["CTO", "VP Engineering", "Head of IT"])
        let bad = try Binaries.run("create-event", stdin: #"{"title": " ", "description": "d", "event_type": "summit", "event_date": "14/05/2026"}"#,
                                   environment: environment, workingDirectory: directory.path)
        #expect(bad.errorCode == "validation_failed" && bad.exitCode == 65)
        let fields = Set(bad.json?["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
        #expect(fields == ["title", "event_date"], "\(bad.stdoutText)")
        #expect(try pipe("list-events", "upcoming.json").json?["events"]?.arrayValue?.count == 1)
        #expect(try pipe("get-event", "event-1.json").json?["title"] == "AWS Manufacturing Modernisation Summit")

        try Self.insertProspects(directory.file("var/bundle.sqlite"))
        let queued = try pipe("match-prospects", "event-1.json")
        #expect(queued.exitCode == 0, "\(queued.stdoutText) \(queued.stderr)")
        #expect(queued.json?["run_id"] == 2 && queued.json?["created"] == true && queued.json?["settings"]?["candidate_limit"] == 200)
        let ran = try pipe("run-event-match", "run-2.json")  // run 1 is the research run
        #expect(ran.exitCode == 0, "\(ran.stdoutText) \(ran.stderr)")
        #expect(ran.json?["run"]?["status"] == "succeeded", "\(ran.stdoutText)")
        // generate_invitations' calls are the outreach run's, so only the first three steps are counted here.
        #expect(ran.json?["run"]?["steps"]?.arrayValue?.prefix(3).map { $0["llm_calls"]?.intValue ?? -1 } == [0, 1, 0], "one scoring call per researched candidate")
        let listed = try pipe("list-event-matches", "event-1.json")
        #expect(listed.exitCode == 0, "\(listed.stdoutText) \(listed.stderr)")
        let rows = listed.json?["matches"]?.arrayValue ?? []
        #expect(rows.map { $0["prospect_id"]?.intValue ?? 0 } == [1, 2], "the retail prospect is filtered out")
        #expect(rows.first?["status"] == "selected" && rows.first?["score"] == 75 && rows.first?["rank"] == 1)
        #expect(rows.first?["reason"]?.stringValue?.contains("Person 1") == true)
        #expect(rows.first?["invitation_status"] == "drafted" && rows.first?["invitation_error"] == .null, "\(listed.stdoutText)")
        let invitation = try pipe("get-outreach", "draft-1.json")
        #expect(rows.first?["draft_id"] == 1 && invitation.json?["event_id"] == 1 && invitation.json?["prospect_id"] == 1,
                "\(invitation.stdoutText) \(invitation.stderr)")
        #expect(invitation.json?["body"]?.stringValue?.contains("AWS Manufacturing Modernisation Summit") == true, "the invitation names its event")
        #expect(rows.last?["status"] == "skipped" && rows.last?["score"] == .null
                && rows.last?["skip_reason"] == "needs research: POST /api/v1/prospects/2/research", "\(listed.stdoutText)")
    }

    @Test func anEventMatchThroughNginxAndTheWorker() throws {
        let server = try NginxServer(mode: .direct, environment: Self.environment)
        let json = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]
        let created = try server.send("POST", "/api/v1/events", headers: json, body: try Fixtures.text("create-event/summit.json"))
        #expect(created.status == 201, "\(created.text)")
        let invalid = try server.send("POST", "/api/v1/events", headers: json,
                                      body: #"{"title": "t", "description": "d", "event_type": "summit", "event_date": "2026-02-30"}"#)
        #expect(invalid.status == 422 && invalid.text.contains("event_date"), "\(invalid.text)")
        #expect(try server.send("GET", "/api/v1/events?when=upcoming", headers: json).json?["total"] == 1)
        #expect(try server.send("GET", "/api/v1/events?when=past", headers: json).json?["total"] == 0)
        #expect(try server.send("GET", "/api/v1/events/1", headers: json).json?["location"] == "Munich")
        #expect(try server.send("GET", "/api/v1/events/7", headers: json).status == 404)
        try Self.insertProspects(server.databasePath)

        let start = try server.send("POST", "/api/v1/events/1/match-prospects", headers: json, body: #"{"threshold": 70}"#)
        #expect(start.status == 202, "\(start.text)")
        let jobID = try #require(start.json?["job_id"]?.intValue)
        let again = try server.send("POST", "/api/v1/events/1/match-prospects", headers: json, body: #"{"threshold": 70}"#)
        #expect(again.json?["created"] == false && again.json?["run_id"] == start.json?["run_id"], "one active run per event")
        #expect(try server.send("GET", "/api/v1/events/1/matches", headers: json).json?["latest_run"]?["status"] == "queued")
        let work = try Binaries.run("work", environment: Self.environment.merging(["DATABASE_URL": server.databaseURL]) { $1 },
                                    workingDirectory: server.state.path)
        #expect(work.json?["succeeded"] == 1, "\(work.stdoutText) \(work.stderr)")
        let job = try server.send("GET", "/jobs/\(jobID)", headers: json).json
        #expect(job?["status"] == "succeeded" && job?["progress"] == 100, "\(job ?? .null)")
        let matches = try #require(try server.send("GET", "/api/v1/events/1/matches?status=selected", headers: json).json)
        #expect(matches["latest_run"]?["status"] == "succeeded" && matches["total"] == 1)
        #expect(matches["matches"]?.arrayValue?.first?["prospect_id"] == 1)
        let invitation = try #require(matches["matches"]?.arrayValue?.first?["draft_id"]?.intValue, "\(matches)")
        #expect(matches["matches"]?.arrayValue?.first?["invitation_status"] == "drafted")
        #expect(try server.send("GET", "/api/v1/outreach/\(invitation)", headers: json).json?["event_id"] == 1, "the invitation, drafted by the worker")
        let rerun = try server.send("POST", "/api/v1/event-match-runs/\(start.json?["run_id"]?.intValue ?? 0)/run", headers: json, body: "{}")
        #expect(rerun.status == 202 && rerun.json?["ran"] == false && rerun.json?["run"]?["status"] == "succeeded", "\(rerun.text)")
    }
}
