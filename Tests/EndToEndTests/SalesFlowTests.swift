import Core
import Foundation
import TestSupport
import Testing

/// The sales assistant's whole flow through real nginx + fcgiwrap and the job worker, as a user
/// drives it: import prospects from a CSV, research them, record a won deal, draft outreach
/// (which finds the win), create an event, match prospects to it (invitations drafted by the
/// outreach workflow), mark an invitation sent, and match again (the sent one kept, the unsent
/// ones replaced). Offline LLM, embeddings and search (over the research fixture corpus).
@Suite(.serialized) struct SalesFlowTests {
    static let environment = ["LLM_PROVIDER": "offline", "SEARCH_PROVIDER": "offline", "EMBEDDINGS_PROVIDER": "offline",
                              "MCP_SERVER_URL": "http://127.0.0.1:9/mcp", "WORKFLOW_RETRY_BASE_SECONDS": "0", "JOB_RETRY_BASE_S": "0",
                              "BUNDLE_NOW": "2026-03-02T10:00:00Z", "OFFLINE_SEARCH_CORPUS": Fixtures.path("research-prospect/corpus.json")]

    @Test func importResearchOutreachEventAndMatchThroughNginx() throws {
        let server = try NginxServer(mode: .direct, environment: Self.environment)
        let key = try server.createKey()
        let json = ["X-API-Key": key, "Content-Type": "application/json"]
        func work() throws -> JSONValue? {
            let result = try Binaries.run("work", environment: Self.environment.merging(["DATABASE_URL": server.databaseURL]) { $1 },
                                          workingDirectory: server.state.path)
            #expect(result.json?["failed"] == 0 && result.json?["dead"] == 0, "\(result.stdoutText) \(result.stderr)")
            return result.json
        }

        // Import.
        let imported = try server.send("POST", "/api/v1/prospects/import/csv", headers: ["X-API-Key": key, "Content-Type": "text/csv"],
                                       body: try Fixtures.text("import-prospects/sample.csv"))
        #expect(imported.status == 200, "\(imported.text)")
        let prospects = try #require(try server.send("GET", "/api/v1/prospects?limit=100", headers: json).json?["prospects"]?.arrayValue)
        #expect(prospects.count == 8)
        let northwind = try #require(prospects.first { $0["company_name"]?.stringValue?.hasPrefix("Northwind") == true }?["id"]?.intValue)

        // Outreach before research is refused, naming the research route; nothing is queued.
        let early = try server.send("POST", "/api/v1/prospects/\(northwind)/outreach", headers: json, body: "{}")
        #expect(early.status == 409 && early.text.contains("/api/v1/prospects/\(northwind)/research"), "\(early.text)")

        // Research every prospect through the queue.
        for prospect in prospects {
            let id = try #require(prospect["id"]?.intValue)
            let queued = try server.send("POST", "/api/v1/prospects/\(id)/research", headers: json, body: "{}")
            #expect(queued.status == 202, "\(queued.text)")
        }
        #expect(try work()?["succeeded"] == 8)
        let research = try #require(try server.send("GET", "/api/v1/prospects/\(northwind)/research/latest", headers: json).json)
        #expect(research["status"] == "succeeded" && research["recommended_solutions"]?.arrayValue?.isEmpty == false, "\(research)")

        // A won deal, then outreach that finds it.
        let win = try server.send("POST", "/api/v1/communications", headers: json, body: """
            {"prospect_id": \(northwind), "subject": "Tracking platform migration", "outcome": "closed won", "date": "2026-01-15",
             "content": "Moving the Oracle-backed shipment tracking out of the data center before peak season cut infrastructure costs; they signed."}
            """)
        #expect(win.status == 201, "\(win.text)")
        let outreach = try server.send("POST", "/api/v1/prospects/\(northwind)/outreach", headers: json,
                                       body: #"{"custom_context": "Met at the Rotterdam meetup in February."}"#)
        #expect(outreach.status == 202, "\(outreach.text)")
        #expect(try work()?["succeeded"] == 1)
        let listed = try #require(try server.send("GET", "/api/v1/prospects/\(northwind)/outreach", headers: json).json)
        #expect(listed["latest_run"]?["status"] == "succeeded", "\(listed)")
        let draft = try #require(listed["drafts"]?[0])
        let words = draft["body"]?.stringValue?.split(whereSeparator: \.isWhitespace).count ?? 0
        #expect((150...200).contains(words), "\(draft)")
        #expect(draft["body"]?.stringValue?.contains("Northwind") == true)
        #expect(draft["suggested_solutions"]?.arrayValue?.isEmpty == false)
        #expect("\(draft["context_used"] ?? .null)".contains("past_win") || "\(draft["context_used"] ?? .null)".contains("Tracking platform migration"),
                "the won deal is among the context used: \(draft["context_used"] ?? .null)")

        // An event and its matches, invitations drafted for the selected prospects.
        let event = try server.send("POST", "/api/v1/events", headers: json, body: """
            {"title": "Logistics Cloud Summit", "description": "Moving tracking platforms and data centers to AWS, lowering infrastructure costs and scaling for peak season.",
             "event_type": "summit", "event_date": "2026-09-15", "location": "Rotterdam", "target_industries": [],
             "target_roles": [], "aws_solutions_featured": ["Amazon EKS", "Amazon Aurora", "AWS Database Migration Service"]}
            """)
        #expect(event.status == 201, "\(event.text)")
        let eventID = try #require(event.json?["id"]?.intValue)
        let match = try server.send("POST", "/api/v1/events/\(eventID)/match-prospects", headers: json, body: #"{"threshold": 1}"#)
        #expect(match.status == 202, "\(match.text)")
        #expect(try work()?["succeeded"] == 1)
        let matches = try #require(try server.send("GET", "/api/v1/events/\(eventID)/matches?status=selected", headers: json).json)
        #expect(matches["latest_run"]?["status"] == "succeeded", "\(matches)")
        let selected = try #require(matches["matches"]?.arrayValue)
        #expect(selected.count == 8, "\(matches)")
        #expect(selected.map { $0["rank"]?.intValue ?? 0 } == Array(1...selected.count))
        let scores = selected.compactMap { $0["score"]?.intValue }
        #expect(scores == scores.sorted(by: >), "ranked by score")
        let invitation = try #require(selected.first?["draft_id"]?.intValue, "\(selected.first ?? .null)")
        let drafted = try #require(try server.send("GET", "/api/v1/outreach/\(invitation)", headers: json).json)
        let body = drafted["body"]?.stringValue ?? drafted["draft"]?["body"]?.stringValue ?? ""
        #expect(body.contains("Logistics Cloud Summit"), "\(drafted)")

        // Mark it sent (an email interaction, the prospect contacted), then match again.
        let sent = try server.send("PATCH", "/api/v1/outreach/\(invitation)", headers: json, body: #"{"sent_at": "2026-03-02T09:30:00Z"}"#)
        #expect(sent.status == 200, "\(sent.text)")
        let sentProspect = try #require(selected.first?["prospect_id"]?.intValue)
        #expect(try server.send("GET", "/api/v1/prospects/\(sentProspect)", headers: json).json?["status"] == "contacted")
        let interactions = try server.send("GET", "/api/v1/prospects/\(sentProspect)/interactions", headers: json).json
        #expect(interactions?["interactions"]?.arrayValue?.contains { $0["interaction_type"] == "email" } == true, "\(interactions ?? .null)")
        let unsentBefore = Set(selected.dropFirst().compactMap { $0["draft_id"]?.intValue })
        let again = try server.send("POST", "/api/v1/events/\(eventID)/match-prospects", headers: json, body: #"{"threshold": 1}"#)
        #expect(again.status == 202 && again.json?["run_id"] != match.json?["run_id"], "\(again.text)")
        #expect(try work()?["succeeded"] == 1)
        let rematched = try #require(try server.send("GET", "/api/v1/events/\(eventID)/matches?status=selected", headers: json).json?["matches"]?.arrayValue)
        let kept = rematched.first { $0["prospect_id"]?.intValue == sentProspect }
        #expect(kept?["draft_id"]?.intValue == invitation && kept?["invitation_status"] == "kept_sent", "\(kept ?? .null)")
        let unsentAfter = Set(rematched.filter { $0["prospect_id"]?.intValue != sentProspect }.compactMap { $0["draft_id"]?.intValue })
        #expect(unsentAfter.count == unsentBefore.count && unsentAfter.isDisjoint(with: unsentBefore), "unsent invitations replaced")
        for old in unsentBefore {
            #expect(try server.send("GET", "/api/v1/outreach/\(old)", headers: json).status == 404, "replaced draft \(old) is gone")
        }
        #expect(try server.send("GET", "/api/v1/outreach/\(invitation)", headers: json).status == 200)
    }
}
