import Core
import Foundation
import Providers
import Runtime
import Sales
import Store
import TestSupport
import Testing
import Workflows

/// The outreach workflow with the offline rules and a scripted model: every step recorded, the
/// draft stored with its context, research required unless allowed, invitations about their
/// event, bad answers repaired once and then the run failed at that step, past wins cited, and
/// the PATCH route's warnings and sending.
@Suite struct OutreachWorkflowTests {
    @Test func anOfflineDraftRecordsEveryStepAndStoresTheDraftWithItsContext() async throws {
        let harness = try await OutreachHarness()
        let output = try await harness.draft(["custom_context": "Met Jane at re:Invent."])
        #expect(output["ran"] == true)
        let run = try #require(output["run"])
        #expect(run["status"] == "succeeded", "\(run)")
        #expect(run["steps"]?.arrayValue?.map { $0["name"]?.stringValue } == OutreachWorkflow.stepNames)
        #expect(run["steps"]?.arrayValue?.map { $0["llm_calls"]?.intValue } == [0, 0, 1, 1, 1, 1])
        let similar = try #require(run["steps"]?.arrayValue?[1]["output"])
        #expect(similar["note"]?.stringValue?.hasPrefix("none found") == true)
        let draft = try #require(output["draft"])
        let body = try #require(draft["body"]?.stringValue)
        #expect((150...200).contains(draft["word_count"]?.intValue ?? 0) && body.contains("Jane") && body.contains("Acme Corp"))
        let recommended: Set<String> = ["AWS Mainframe Modernization", "Amazon EKS", "AWS Cost Explorer"]
        let suggested = (draft["suggested_solutions"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect((1...3).contains(suggested.count) && Set(suggested).isSubset(of: recommended))
        let used = try #require(draft["context_used"])
        #expect(used["research_run_id"] == 1 && used["without_research"] == false && used["offline"] == true)
        #expect(used["custom_context"] == "Met Jane at re:Invent." && used["past_wins"] == [] && used["event_id"] == .null)
        #expect(used["llm_providers"] == ["offline"])
        #expect(draft["without_research"] == false && draft["warnings"] == [] && draft["sent_at"] == .null)
        #expect(harness.wins.queries.withLock { $0.first?.hasPrefix("Acme Corp; Manufacturing; CTO") } == true)

        let listed = try await harness.call(ListOutreachHandler(), ["id": 1], context: harness.context())
        #expect(listed["total"] == 1 && listed["drafts"]?.arrayValue?.first?["id"] == draft["id"])
        #expect(listed["latest_run"]?["status"] == "succeeded")
        let usage = try harness.database.read { sql in
            try sql.query("SELECT step FROM llm_calls WHERE workflow = 'outreach' ORDER BY id").compactMap { $0.optionalString("step") }
        }
        #expect(usage == ["plan_email_strategy", "generate_subject", "generate_body", "refine_draft"])
    }

    @Test func researchIsRequiredUnlessAllowedAndNothingIsStoredBeforeTheChecks() async throws {
        let harness = try await OutreachHarness(researched: false)
        let runsBefore = try harness.count("workflow_runs")
        let unresearched = await #expect(throws: BundleError.self) { try await harness.draft() }
        #expect(unresearched?.code == .conflict && unresearched?.message.contains("POST /api/v1/prospects/1/research") == true,
                "\(unresearched?.message ?? "nothing thrown")")
        let noEvent = await #expect(throws: BundleError.self) { try await harness.draft(["event_id": 99, "allow_without_research": true]) }
        #expect(noEvent?.code == .notFound && noEvent?.message.contains("event") == true, "\(noEvent?.message ?? "nothing thrown")")
        #expect(try harness.count("workflow_runs") == runsBefore && harness.count("jobs") == 0, "refused requests store nothing")

        let output = try await harness.draft(["allow_without_research": true])
        let draft = try #require(output["draft"])
        #expect(draft["without_research"] == true && draft["context_used"]?["without_research"] == true)
        #expect(draft["context_used"]?["research_run_id"] == .null && draft["suggested_solutions"] == [])
        let links = OutreachChecksProbe.links(draft["body"]?.stringValue ?? "")
        #expect(links.isEmpty, "no sources, so no links")
    }

    @Test func anInvitationNamesItsEventAndDateAndOneActiveRunPerProspectAndEvent() async throws {
        let harness = try await OutreachHarness()
        let first = try await harness.call(DraftOutreachHandler(), ["id": 1, "event_id": 1], context: harness.context())
        let again = try await harness.call(DraftOutreachHandler(), ["id": 1, "event_id": 1], context: harness.context())
        #expect(again["run_id"] == first["run_id"] && again["created"] == false && again["job_id"] == first["job_id"])
        let plain = try await harness.call(DraftOutreachHandler(), ["id": 1], context: harness.context())
        #expect(plain["run_id"] != first["run_id"], "an email without the event is another subject")
        let output = try await harness.call(RunOutreachHandler(), ["id": first["run_id"] ?? .null], context: harness.context())
        let draft = try #require(output["draft"])
        let body = draft["body"]?.stringValue ?? ""
        #expect(body.contains("Modernization Day Berlin") && body.contains("April 16, 2026") && !body.contains("Security Summit Paris"), "\(body)")
        #expect(draft["event_id"] == 1 && draft["context_used"]?["event_id"] == 1)
        #expect(draft["subject"]?.stringValue?.contains("Modernization Day Berlin") == true)
        #expect(draft["suggested_solutions"]?.arrayValue?.first == "Amazon EKS", "the event's featured solution first")
        let onlyEvent = try await harness.call(ListOutreachHandler(), ["id": 1, "event_id": 1], context: harness.context())
        #expect(onlyEvent["total"] == 1)
    }

    @Test func pastWinsAreProofAndTheirLinksMayBeUsed() async throws {
        let harness = try await OutreachHarness()
        harness.wins.wins.withLock {
            $0 = [PastWin(communicationID: 7, prospectID: nil, companyName: "Globex", subject: "Mainframe exit in 9 months",
                          excerpt: "Globex left its mainframe; story at \(OutreachHarness.winURL)", outcome: "meeting booked",
                          date: "2025-11-02T00:00:00Z", score: 0.03, foundBy: ["full_text", "vector"])]
        }
        let model = scripted([
            "email_strategy": { _ in
                ["approach": "Lead with Globex", "tone": "direct", "solutions": ["Amazon EKS", "Made-up Service"],
                 "proof_points": [["point": "Globex left its mainframe", "source": "past_win:7"], ["point": "Invented", "source": "https://x.example"]]]
            },
        ])
        let output = try await harness.draft(llm: model)
        let run = try #require(output["run"])
        #expect(run["status"] == "succeeded", "\(run)")
        let strategy = try #require(run["steps"]?.arrayValue?[2]["output"])
        #expect(strategy["solutions"] == ["Amazon EKS"] && strategy["dropped_solutions"] == 1 && strategy["dropped_proof_points"] == 1)
        let draft = try #require(output["draft"])
        #expect(draft["context_used"]?["past_wins"] == [7])
        #expect(draft["context_used"]?["sources"]?.arrayValue?.contains(.string(OutreachHarness.winURL)) == true)
    }

    @Test(arguments: [
        ("too long", "must have 150 to 200 words"),
        ("invented link", "which is not one of the sources"),
        ("claim", "makes a disallowed claim: \"guarantee\""),
    ])
    func aBodyThatFailsTheChecksIsRepairedOnceThenTheRunFailsAtThatStep(kind: String, reason: String) async throws {
        // The production retry settings: the exhausted repair is not retried by the workflow.
        let harness = try await OutreachHarness(defaultRetries: true)
        let model = scripted([
            "outreach_body": { request in
                let good = request.offlineAnswer()["body"]?.stringValue ?? ""
                let bad = switch kind {
                case "too long": good + " " + Array(repeating: "more", count: 60).joined(separator: " ")
                case "invented link": good.replacingOccurrences(of: "Best regards", with: "See https://invented.example/acme\nBest regards")
                default: good.replacingOccurrences(of: "Best regards", with: "We guarantee results.\nBest regards")
                }
                return ["body": .string(bad)]
            },
        ])
        let output = try await harness.draft(llm: model)
        let run = try #require(output["run"])
        #expect(run["status"] == "failed" && run["failed_step"] == "generate_body", "\(run)")
        #expect(run["error"]?["code"] == "upstream_failed")
        let message = run["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("generate_body failed validation twice") && message.contains(reason), "\(message)")
        #expect(run["steps"]?.arrayValue?.last?["llm_calls"] == 2, "one answer and one repair, no workflow retry")
        #expect(run["steps"]?.arrayValue?.last?["attempts"] == 1)
        #expect(model.requests.filter { $0.schemaName == "outreach_body" }.count == 2)
        let repair = model.requests.last { $0.schemaName == "outreach_body" }?.messages.last?.content ?? ""
        #expect(repair.contains(reason), "the repair round names the problem")
        let drafts = try harness.count("sales_outreach_drafts")
        #expect(output["draft"] == .null && drafts == 0)
        let listed = try await harness.call(ListOutreachHandler(), ["id": 1], context: harness.context())
        #expect(listed["latest_run"]?["failed_step"] == "generate_body" && listed["drafts"] == [])
    }

    @Test func aRefinedPassThatFailsTheChecksIsNotAppliedAndTheWrittenDraftStands() async throws {
        let harness = try await OutreachHarness(defaultRetries: true)
        let model = scripted(["outreach_refine": { _ in ["subject": "Hello", "body": "Too short now.", "changes": ["shortened"]] }])
        let output = try await harness.draft(llm: model)
        let run = try #require(output["run"])
        #expect(run["status"] == "succeeded" && run["failed_step"] == .null, "\(run)")
        let steps = try #require(run["steps"]?.arrayValue)
        let written = try #require(steps[4]["output"]?["text"]?.stringValue)
        let refine = try #require(steps[5]["output"])
        #expect(steps[5]["llm_calls"] == 2 && steps[5]["attempts"] == 1, "one answer, one repair, no retry")
        let note = refine["refinement_note"]?.stringValue ?? ""
        #expect(note.contains("refinement not applied") && note.contains("must have 150 to 200 words"), "\(note)")
        #expect(refine["changes"] == [] && refine["llm"] == .null && refine["body"]?.stringValue == written)
        let draft = try #require(output["draft"])
        #expect(draft["body"]?.stringValue == written && draft["subject"] == steps[3]["output"]?["text"])
        #expect(draft["warnings"] == [], "the saved draft still passes the checks")
        #expect(model.requests.filter { $0.schemaName == "outreach_refine" }.count == 2)
    }

    @Test func inProcessDraftingRunsToTheEndAndSaysHowItEnded() async throws {
        let harness = try await OutreachHarness()
        let drafting = try harness.context().outreachDrafting()
        let outcome = try await drafting.draft(OutreachRequest(prospectID: 1, eventID: 1), deadline: Deadline(seconds: 60))
        #expect(outcome.status == "succeeded" && outcome.failedStep == nil && outcome.error == nil)
        let draftID = try #require(outcome.draftID)
        let draft = try #require(try OutreachStore(database: harness.database).draft(draftID))
        #expect(draft.eventID == 1 && draft.runID == outcome.runID && draft.body.contains("Modernization Day Berlin"))
        let steps = try #require(try WorkflowStore(database: harness.database).run(outcome.runID)?.steps)
        #expect(steps.map(\.llmCalls) == [0, 0, 1, 1, 1, 1], "each run counts its own calls")

        let failing = scripted(["outreach_subject": { _ in ["subject": "A guarantee for Acme Corp"] }])
        let failed = try await harness.context(llm: failing).outreachDrafting()
            .draft(OutreachRequest(prospectID: 1, eventID: 2), deadline: Deadline(seconds: 60))
        #expect(failed.status == "failed" && failed.draftID == nil && failed.failedStep == "generate_subject")
        #expect(failed.error?.contains("disallowed claim") == true, "\(failed.error ?? "")")
        await #expect(throws: BundleError.self) {
            try await harness.context().outreachDrafting().draft(OutreachRequest(prospectID: 1, eventID: 99), deadline: Deadline(seconds: 60))
        }
    }

    @Test func editsAreCheckedIntoWarningsAndSendingRecordsTheEmailAndContactsTheProspect() async throws {
        let harness = try await OutreachHarness()
        let draft = try #require(try await harness.draft()["draft"])
        let id = try #require(draft["id"]?.intValue)
        let context = harness.context()
        let edited = try await harness.call(UpdateOutreachHandler(), ["draft_id": .number(Double(id)), "body": "Hi Jane, a 100% short note."],
                                            context: context)
        let warnings = (edited["warnings"]?.arrayValue ?? []).compactMap { $0["problem"]?.stringValue }
        #expect(warnings.contains("must have 150 to 200 words, has 6") && warnings.contains("must name the company, Acme Corp")
                && warnings.contains("makes a disallowed claim: \"100%\""), "\(warnings)")
        #expect(edited["body"] == "Hi Jane, a 100% short note." && edited["edited_at"] == "2026-03-03T10:00:00Z")
        let restored = try await harness.call(UpdateOutreachHandler(), ["draft_id": .number(Double(id)), "body": draft["body"] ?? .null],
                                              context: context)
        #expect(restored["warnings"] == [])

        let interactionsBefore = try harness.count("sales_interactions")
        let future = await #expect(throws: BundleError.self, "a sent_at beyond a few minutes of the clock (10:00)") {
            try await harness.call(UpdateOutreachHandler(), ["draft_id": .number(Double(id)), "sent_at": "2026-03-03T10:06:00Z"], context: context)
        }
        #expect(future?.code == .validationFailed && future?.details?.first?.field == "sent_at", "\(future?.message ?? "")")
        #expect(try harness.count("sales_interactions") == interactionsBefore, "a refused sent_at records nothing")
        let clock = try #require(Timestamp.parse("2026-03-03T10:00:00Z"))
        #expect(try OutreachEdit(["sent_at": "2026-03-03T10:04:00Z"], now: clock).sentAt != nil, "a clock a little behind is tolerated")
        let sent = try await harness.call(UpdateOutreachHandler(), ["draft_id": .number(Double(id)), "sent_at": "2026-03-03T09:00:00Z"],
                                          context: context)
        #expect(sent["sent_at"] == "2026-03-03T09:00:00Z")
        let (status, contacted, interactions) = try harness.database.read { sql in
            (try sql.queryOne("SELECT status FROM sales_prospects WHERE id = 1")?.string("status"),
             try sql.queryOne("SELECT last_contacted FROM sales_prospects WHERE id = 1")?.optionalString("last_contacted"),
             try sql.query("SELECT subject, content FROM sales_interactions WHERE prospect_id = 1 AND interaction_type = 'email'"))
        }
        #expect(status == "contacted" && contacted?.hasPrefix("2026-03-03T09:00:00") == true)
        #expect(interactions.count == 1 && interactions.first?.optionalString("content") == draft["body"]?.stringValue)
        let again = try await harness.call(UpdateOutreachHandler(), ["draft_id": .number(Double(id)), "sent_at": "2026-03-03T09:00:00Z"],
                                           context: context)
        let interactionCount = try harness.count("sales_interactions")
        #expect(again["sent_at"] == "2026-03-03T09:00:00Z" && interactionCount == 2, "the same time again changes nothing")
        for change in [["body": "New text"], ["sent_at": "2026-03-03T09:30:00Z"]] as [[String: JSONValue]] {
            let refused = await #expect(throws: BundleError.self, "a sent draft accepted \(change)") {
                try await harness.call(UpdateOutreachHandler(), .object(["draft_id": .number(Double(id))].merging(change) { $1 }), context: context)
            }
            #expect(refused?.code == .conflict)
        }
        let fixed = await #expect(throws: BundleError.self) {
            try await harness.call(UpdateOutreachHandler(), ["draft_id": .number(Double(id)), "context_used": [:]], context: context)
        }
        #expect(fixed?.code == .validationFailed && fixed?.details?.first?.field == "context_used")
    }
}

/// The links in a text, as the checks find them.
enum OutreachChecksProbe {
    static func links(_ text: String) -> [String] { OutreachLinks.links(in: text) }
}
