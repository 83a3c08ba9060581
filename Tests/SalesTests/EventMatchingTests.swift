import Core
import Foundation
import Sales
import Store
import Testing
import Workflows

/// Event matching over 200 prospects (half of them researched) against a loopback LLM that fails
/// for some and is slow for others: the concurrency cap holds, failures are skipped with their
/// reason, prospects without research are skipped unscored, exactly the best researched prospects
/// at or above 70 (at most 20, ties broken stably) get invitations, and a re-run keeps sent and
/// edited invitations and replaces only the unsent ones matching wrote.
@Suite(.serialized) struct EventMatchingTests {
    @Test func twoHundredProspectsAreScoredUnderTheCapAndTheBestInvited() async throws {
        let harness = try EventMatchHarness()
        harness.outreach.failing.withLock { $0 = [5] }
        let run = try await harness.match()
        #expect(run["status"] == "succeeded", "\(run)")
        #expect(run["steps"]?.arrayValue?.map { $0["name"]?.stringValue ?? "" } == EventMatchWorkflow.stepNames)

        let load = harness.llm.load.state.withLock { $0 }
        #expect(load.calls == EventMatchHarness.candidates / 2, "one call per researched candidate, the failures not retried past the cap")
        #expect(load.peak <= 5, "the fake saw \(load.peak) calls at once")
        #expect(load.peak >= 2, "calls ran concurrently")

        let pool = try #require(run["steps"]?.arrayValue?.first?["output"])
        #expect(pool["considered"] == 200 && pool["candidates"]?.arrayValue?.count == 200, "the three unfit prospects are filtered out")
        #expect(pool["candidates"]?.arrayValue?.prefix(100).allSatisfy { $0["research"] != .null } == true, "researched prospects rank first")
        let similarity = Dictionary(uniqueKeysWithValues: (pool["candidates"]?.arrayValue ?? []).map {
            ($0["prospect_id"]?.intValue ?? 0, $0["similarity"]?.doubleValue ?? 0)
        })

        let listed = try await harness.matches()
        let rows = try #require(listed["matches"]?.arrayValue)
        #expect(listed["total"] == 200 && listed["latest_run"]?["status"] == "succeeded")
        let skipped = rows.filter { $0["status"] == "skipped" }
        #expect(Set(skipped.compactMap { $0["prospect_id"]?.intValue }) == Set((1...200).filter { FakeRelevanceLLM.fails($0) || $0 % 2 == 0 }))
        for row in skipped {
            let (id, reason) = (row["prospect_id"]?.intValue ?? 0, row["skip_reason"]?.stringValue ?? "")
            if id % 2 == 0 {
                #expect(reason == "needs research: POST /api/v1/prospects/\(id)/research", "prospect \(id) was never researched")
            } else {
                #expect(reason.hasPrefix("upstream_failed: ") && reason.contains("HTTP 400: context length exceeded"), "prospect \(id): \(reason)")
            }
        }
        #expect(try scoresKept(harness) == 0, "the saved scores go once the run's result holds them")

        // Expected: every researched prospect that did not fail, scoring at least 70, by score, similarity, id; the first 20.
        // Unresearched ones (2 scores 99) never take a slot their outreach would refuse.
        let expected = (1...200).filter { $0 % 2 == 1 && !FakeRelevanceLLM.fails($0) && FakeRelevanceLLM.score($0) >= 70 }.sorted { a, b in
            let (x, y) = (FakeRelevanceLLM.score(a), FakeRelevanceLLM.score(b))
            if x != y { return x > y }
            if similarity[a] != similarity[b] { return (similarity[a] ?? 0) > (similarity[b] ?? 0) }
            return a < b
        }
        #expect(expected.count > 20, "more prospects qualify than max_matches")
        let selected = rows.filter { $0["status"] == "selected" }
        #expect(selected.compactMap { $0["prospect_id"]?.intValue } == Array(expected.prefix(20)))
        #expect(selected.compactMap { $0["rank"]?.intValue } == Array(1...20))
        #expect(rows.filter { $0["status"] == "over_limit" }.count == expected.count - 20)
        #expect(rows.filter { $0["status"] == "below_threshold" }.allSatisfy { ($0["score"]?.intValue ?? 100) < 70 })

        // Invitations: one outreach run per selected prospect, with the event; prospect 5's failed, none refused for research.
        let requests = harness.outreach.requests.withLock { $0 }
        #expect(Set(requests.map(\.prospectID)) == Set(expected.prefix(20)) && requests.count == 20)
        #expect(requests.allSatisfy { $0.eventID == 1 })
        let failed = try #require(selected.first { $0["prospect_id"] == 5 })
        #expect(failed["invitation_status"] == "failed" && failed["draft_id"] == .null)
        #expect(failed["invitation_error"]?.stringValue?.contains("outreach LLM failed") == true)
        #expect(selected.filter { $0["invitation_status"] == "drafted" }.count == 19)
        #expect(!selected.contains { $0["invitation_error"]?.stringValue?.hasPrefix("conflict") == true })
        #expect(try drafts(harness).count == 19)
        #expect(run["counts"]?["selected"] == 20 && run["counts"]?["drafted"] == 19 && run["counts"]?["invitation_failed"] == 1)
    }

    @Test func aRerunKeepsSentEditedAndForeignInvitationsAndReplacesOnlyItsOwnUnsentOnes() async throws {
        let harness = try EventMatchHarness()
        let first = try await harness.match(["id": 1, "max_matches": 5])
        #expect(first["status"] == "succeeded", "\(first)")
        let before = try drafts(harness)
        #expect(before.count == 5)
        let sent = Array(before.keys.sorted().prefix(2))
        let edited = before.keys.sorted()[2]
        let foreign = try harness.database.write { sql in
            for id in sent { try sql.execute("UPDATE sales_outreach_drafts SET sent_at = '2026-03-03T09:00:00Z' WHERE id = ?", id) }
            try sql.execute("UPDATE sales_outreach_drafts SET body = 'Hello, edited', edited_at = '2026-03-03T09:30:00Z' WHERE id = ?", edited)
            // An invitation to the event that an outreach request wrote, not matching: not matching's to delete.
            return try sql.queryOne("""
                INSERT INTO sales_outreach_drafts (prospect_id, event_id, subject, body, created_at, updated_at)
                VALUES (150, 1, 'Join us', 'Hello', '2026-03-03T09:00:00Z', '2026-03-03T09:00:00Z') RETURNING id
                """)!.int("id")
        }
        let keptProspects = Set((sent + [edited]).compactMap { before[$0] })
        harness.outreach.requests.withLock { $0 = [] }

        let second = try await harness.match(["id": 1, "max_matches": 5])
        #expect(second["status"] == "succeeded", "\(second)")
        let requests = harness.outreach.requests.withLock { $0 }
        #expect(requests.count == 2 && Set(requests.map(\.prospectID)).isDisjoint(with: keptProspects),
                "no new draft for a sent or an edited invitation")
        let after = try drafts(harness)
        #expect(Set(after.keys).isSuperset(of: sent + [edited, foreign]), "sent, edited and foreign invitations are kept")
        #expect(after.count == 6 && Set(after.keys).intersection(before.keys) == Set(sent + [edited]), "matching's unsent ones were replaced")
        let body = try harness.database.read { sql in try sql.queryOne("SELECT body FROM sales_outreach_drafts WHERE id = ?", edited)?.string("body") }
        #expect(body == "Hello, edited")
        let listed = try await harness.matches(["id": 1, "status": "selected"])
        let rows = try #require(listed["matches"]?.arrayValue)
        #expect(rows.count == 5 && listed["matches_run_id"] == second["run_id"])
        #expect(rows.filter { $0["invitation_status"] == "kept_sent" }.compactMap { $0["draft_id"]?.intValue }.sorted() == sent)
        #expect(rows.filter { $0["invitation_status"] == "kept_edited" }.compactMap { $0["draft_id"]?.intValue } == [edited])

        // A third run deletes none of the kept ones either (the edited one is pointed at by the second run's rows).
        let third = try await harness.match(["id": 1, "max_matches": 5])
        #expect(third["status"] == "succeeded")
        #expect(Set(try drafts(harness).keys).isSuperset(of: sent + [edited, foreign]))
        #expect(rows.filter { $0["draft_sent_at"] != .null }.count == 2)
    }

    @Test func anInvitationThisRunAlreadyDraftedIsReusedNotDraftedTwice() async throws {
        let harness = try EventMatchHarness()
        let queued = try await harness.call(MatchProspectsHandler(), ["id": 1, "max_matches": 3], context: harness.context())
        let runID = try #require(queued["run_id"]?.intValue)
        // As if an earlier attempt of generate_invitations had drafted for prospect 1 (the best) before failing.
        let earlier = try await harness.outreach.draft(OutreachRequest(prospectID: 1, eventID: 1), deadline: Deadline(seconds: 10))
        harness.outreach.requests.withLock { $0 = [] }
        let run = try await harness.call(RunEventMatchHandler(), ["id": .number(Double(runID))], context: harness.context())["run"]
        #expect(run?["status"] == "succeeded")
        let rows = try await harness.matches(["id": 1, "status": "selected"])["matches"]?.arrayValue ?? []
        #expect(rows.map { $0["prospect_id"]?.intValue ?? 0 } == [1, 5, 7], "2 and 4 (99, 98) have no research: skipped unscored")
        let first = try #require(rows.first { $0["prospect_id"] == 1 })
        #expect(first["invitation_status"] == "reused" && first["draft_id"]?.intValue == earlier.draftID)
        #expect(harness.outreach.requests.withLock { $0 }.map(\.prospectID).contains(1) == false)
        #expect(try drafts(harness).count == 3)
    }

    @Test func withTheEmbedderDownCandidatesComeInIdOrderAndTheRunGoesOn() async throws {
        let harness = try EventMatchHarness()
        let run = try await harness.match(["id": 1, "candidate_limit": 120, "max_matches": 3], embedder: DownEmbedder())
        #expect(run["status"] == "succeeded", "\(run)")
        let pool = try #require(run["steps"]?.arrayValue?.first?["output"])
        #expect(pool["similarity_unavailable"]?.stringValue?.contains("503") == true)
        let ids = pool["candidates"]?.arrayValue?.compactMap { $0["prospect_id"]?.intValue } ?? []
        #expect(ids == Array(stride(from: 1, through: 199, by: 2)) + Array(stride(from: 2, through: 40, by: 2)),
                "researched prospects by id, then the others, 120 in all")
        #expect(harness.llm.load.state.withLock { $0.calls } == 100, "the 20 without research are not scored")
    }

    @Test func everyFilteredProspectIsRankedNotOnlyTheOldest() async throws {
        let harness = try EventMatchHarness()
        // 5,000 more fitting prospects without research, then the best fit of all, researched, newest.
        let best = try harness.database.write { sql in
            for n in 1_001...6_000 {
                try sql.execute("""
                    INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, industry, status, created_at, updated_at)
                    VALUES (?, ?, 'CTO', ?, 'Manufacturing', 'new', '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                    """, "https://www.linkedin.com/in/person-\(n)", "Person \(n)", "Company \(n)")
            }
            let id = try sql.queryOne("""
                INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, industry, status, created_at, updated_at)
                VALUES ('https://www.linkedin.com/in/best', 'Best Fit', 'CTO', 'Mainframe Co', 'Manufacturing', 'new',
                        '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z') RETURNING id
                """)!.int("id")
            let result: JSONValue = ["research_summary": "Modernisation Summit: moving legacy mainframes to AWS and cutting infrastructure costs.",
                                     "pain_points": [["pain": "Moving legacy mainframes to AWS"]],
                                     "recommended_solutions": [["name": "AWS Mainframe Modernization"], ["name": "Amazon EKS"]]]
            try sql.execute("""
                INSERT INTO workflow_runs (workflow, subject, status, input, result, created_at, updated_at)
                VALUES ('research', ?, 'succeeded', '{}', ?, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """, "prospect:\(id)", result)
            return id
        }
        let context = harness.context()
        let event = try #require(try harness.database.read { sql in try SalesEvent.load(1, sql: sql) })
        let pool = try await EventCandidateFinder(database: harness.database, embedder: try context.embedder(), deadline: Deadline(seconds: 120),
                                                  clock: context.clock).find(event: event, limit: 5)
        #expect(pool.considered == 5_201 && pool.withResearch == 101 && pool.embedded == 102)
        #expect(pool.candidates.count == 5 && pool.candidates.first?.prospectID == best, "\(pool.candidates.map(\.prospectID))")
        #expect(pool.candidates.allSatisfy { $0.research != nil })
    }

    @Test func theOfflineScoreFollowsWhatTheEventAndProspectShare() throws {
        let harness = try EventMatchHarness()
        let event = try #require(try harness.database.read { sql in try SalesEvent.load(1, sql: sql) })
        func candidate(_ title: String, _ industry: String?, solutions: [String]) throws -> EventCandidate {
            try JSONValue.object(["prospect_id": 1, "full_name": "Ann Lee", "title": .string(title), "company_name": "Acme Inc.",
                                  "industry": industry.map(JSONValue.string) ?? .null, "status": "new", "similarity": 0.4,
                                  "research": ["summary": "Acme runs a mainframe.", "pain_points": ["Legacy mainframes slow change"],
                                               "solutions": .array(solutions.map(JSONValue.string))]]).decode(as: EventCandidate.self)
        }
        let best = EventRelevanceTask(event: event, candidate: try candidate("CTO", "Manufacturing", solutions: ["AWS Mainframe Modernization", "EKS"]))
            .offlineAnswer()
        #expect(best.score == 35 + 25 + 20 + 5)
        #expect(EventRelevanceTask(event: event, candidate: try candidate("CTO", "Manufacturing", solutions: [])).validate(best).isEmpty)
        let task = EventRelevanceTask(event: event, candidate: try candidate("CTO", "Manufacturing", solutions: []))
        #expect(task.validate(.init(score: 80, reason: "Ann Lee leads IT at Acme Inc. and runs a mainframe.")).isEmpty)
        #expect(task.validate(.init(score: 80, reason: "Ann Lee leads IT. She runs a mainframe.")).map(\.field) == ["$.reason"])
        #expect(best.reason.contains("Ann Lee") && best.reason.contains("Acme Inc") && !best.reason.dropLast().contains(". "))
        let weak = EventRelevanceTask(event: event, candidate: try candidate("Data Analyst", "Retail", solutions: [])).offlineAnswer()
        #expect(weak.score == 5 && weak.score < best.score)
    }

    func scoresKept(_ harness: EventMatchHarness) throws -> Int {
        try harness.database.read { sql in try sql.queryOne("SELECT COUNT(*) AS n FROM sales_event_match_scores")?.int("n") ?? -1 }
    }

    func drafts(_ harness: EventMatchHarness) throws -> [Int: Int] {
        try harness.database.read { sql in
            Dictionary(uniqueKeysWithValues: try sql.query("SELECT id, prospect_id FROM sales_outreach_drafts WHERE event_id = 1").map {
                (try $0.int("id"), try $0.int("prospect_id"))
            })
        }
    }
}
