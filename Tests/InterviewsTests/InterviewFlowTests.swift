import Core
import Foundation
import Interviews
import Jobs
import Providers
import Runtime
import Store
import Synchronization
import TestSupport
import Testing

@Suite struct InterviewFlowTests {
    let harness: Harness
    let dana = "+4915112345678"

    init() throws {
        harness = try Harness()
    }

    func conversationID(_ phone: String, campaign: Int) throws -> Int {
        try harness.database.read { sql in
            try sql.queryOne("SELECT c.id FROM conversations c JOIN users u ON u.id = c.user_id WHERE u.phone = ? AND c.campaign_id = ?",
                             phone, campaign)?.int("id") ?? 0
        }
    }

    @Test func createReportsBadNumbersByPositionAndKeepsTheRest() async throws {
        let input: JSONValue = ["name": "Gas", "brief": "Learn how drivers choose a station.", "schema": Harness.gasStation,
                                "phones": ["+49 151 12345678", "12345", "+4915112345678", .number(7), "whatsapp:+14155238886"],
                                "idempotency_key": "gas-1"]
        let context = harness.context()
        let output = try JSONValue(encoding: try await CreateCampaignHandler().handle(try harness.decode(CreateCampaignHandler.Input.self, input), context: context))
        #expect(output["accepted_phones"] == 2)
        #expect(output["duplicates_removed"] == 1)
        #expect(output["rejected_phones"]?.arrayValue?.map { $0["index"] } == [1, 3])
        #expect(output["campaign"]?["status"] == "draft")
        #expect(output["campaign"]?["schema"]?.arrayValue?.count == 5)
        // A retry with the same key is the same campaign; other content under that key is a conflict.
        let again = try JSONValue(encoding: try await CreateCampaignHandler().handle(try harness.decode(CreateCampaignHandler.Input.self, input), context: context))
        #expect(again["created"] == false)
        #expect(again["campaign"]?["id"] == output["campaign"]?["id"])
        var changed = input.objectValue!
        changed["name"] = "Other"
        await #expect(throws: BundleError.self) {
            try await CreateCampaignHandler().handle(try harness.decode(CreateCampaignHandler.Input.self, .object(changed)), context: context)
        }
        #expect(try harness.count("SELECT COUNT(*) AS n FROM campaigns") == 1)
    }

    @Test func aWholeInterviewOfflineCompletesTheConversationAndTheCampaign() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana])
        let outreach = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        #expect(outreach["outreach"]?["sent"] == 1)
        let id = try conversationID(dana, campaign: campaign)
        let opened = try await harness.conversation(id)
        #expect(opened["status"] == "outreach_sent")
        let opening = try #require(opened["messages"]?.arrayValue?.first)
        #expect(opening["kind"] == "opening")
        #expect(opening["status"] == "outbox")
        #expect(opening["body"]?.stringValue?.hasSuffix(OpeningTask.optOutLine) == true)

        let answers = ["Sure, happy to help", "Mostly Aral", "about 4 times", "yes", "1,89 I think", "Cheaper prices nearby"]
        var replies: [String] = []
        for (index, answer) in answers.enumerated() {
            let result = try await harness.inbound(dana, answer, sid: "SM\(index)")
            #expect(result["outcome"] == "handled", "\(answer): \(result)")
            #expect(result["_http"]?["body"]?.stringValue?.hasSuffix("<Response/>") == true)
            #expect(result["replies"]?.arrayValue?.count == 1)
            let last = try await harness.conversation(id)["messages"]?.arrayValue?.last
            replies.append(last?["body"]?.stringValue ?? "")
        }
        #expect(replies[0].contains("fuel brand"))
        #expect(replies[0].contains("Shell, BP, Aral or Other"))
        let done = try await harness.conversation(id)
        #expect(done["status"] == "completed")
        #expect(done["end_reason"] == "all_fields_collected")
        #expect(done["extracted"] == ["fuel_brand": "Aral", "visits_per_month": 4, "uses_loyalty_card": true, "litre_price": 1.89,
                                      "switch_reason": "Cheaper prices nearby"])
        #expect(done["messages"]?.arrayValue?.last?["kind"] == "thanks")
        #expect(replies.last?.contains("thank you so much, Dana") == true)
        let stats = try await harness.campaign(campaign)
        #expect(stats["status"] == "completed")
        #expect(stats["counts"]?["completed"] == 1)
        #expect(stats["completion_rate"] == 1)
        // After the end nothing more is answered.
        let late = try await harness.inbound(dana, "one more thing", sid: "SM-late")
        #expect(late["outcome"] == "ignored")

        let csv = try await ListExtractionsHandler().handle(try harness.decode(ListExtractionsHandler.Input.self, ["id": .number(Double(campaign)), "format": "csv"]),
                                                          context: harness.context())
        let text = try #require(csv["_http"]?["body"]?.stringValue)
        #expect(text.hasPrefix("conversation_id,phone,completed_at,fuel_brand,visits_per_month,uses_loyalty_card,litre_price,switch_reason\r\n"))
        #expect(text.contains(",'+4915112345678,"))
        #expect(text.hasSuffix(",Aral,4,true,1.89,Cheaper prices nearby\r\n"))
        #expect(csv["_http"]?["content_type"] == "text/csv; charset=utf-8")
    }

    @Test func aDuplicateWebhookIsStoredAndAnsweredOnce() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        let first = try await harness.inbound(dana, "Yes, go ahead", sid: "SMdup")
        let second = try await harness.inbound(dana, "Yes, go ahead", sid: "SMdup")
        #expect(first["outcome"] == "handled")
        #expect(second["outcome"] == "duplicate")
        #expect(second["message_id"] == first["message_id"])
        let id = try conversationID(dana, campaign: campaign)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'inbound'", id) == 1)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = ? AND kind = 'reply' AND direction = 'outbound'", id) == 1)
    }

    @Test func stopOptsOutEverywhereWithOneGoodbyeAndNoLLMCall() async throws {
        let first = try await harness.launchedCampaign(phones: [dana, "+14155550100"])
        let second = try await harness.launchedCampaign(phones: [dana])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        let result = try await harness.inbound(dana, "STOP", sid: "SMstop", llm: ScriptedLLM.forbidden())
        #expect(result["outcome"] == "opted_out")
        #expect(result["replies"]?.arrayValue?.count == 1)
        for campaign in [first, second] {
            let conversation = try await harness.conversation(try conversationID(dana, campaign: campaign))
            #expect(conversation["status"] == "abandoned")
            #expect(conversation["end_reason"] == "opted_out")
        }
        #expect(try await harness.inbound(dana, "STOP", sid: "SMstop2", llm: ScriptedLLM.forbidden())["replies"] == [], "one goodbye only")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE kind = 'goodbye'") == 1)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM llm_calls WHERE step = 'interviews.turn'") == 0)
        // The second campaign had only Dana: it is complete. Relaunching never writes to her again.
        #expect(try await harness.campaign(second)["status"] == "completed")
        let third = try await harness.launchedCampaign(phones: [dana])
        #expect(try await harness.campaign(third)["counts"]?["total"] == 0)
        // A later message is stored but not answered; START opts back in.
        #expect(try await harness.inbound(dana, "hello?", sid: "SMafter")["outcome"] == "ignored")
        #expect(try await harness.inbound(dana, "START", sid: "SMstart")["outcome"] == "opted_in")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM users WHERE opted_out_at IS NOT NULL") == 0)
    }

    @Test func anUnknownNumberIsStoredAndAnsweredWithNothing() async throws {
        let result = try await harness.inbound("+447700900123", "Who is this?", sid: "SMunknown", llm: ScriptedLLM.forbidden())
        #expect(result["outcome"] == "ignored")
        #expect(result["reason"] == "unknown_sender")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE provider_sid = 'SMunknown' AND conversation_id IS NULL") == 1)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'outbound'") == 0)
    }

    @Test func invalidExtractedValuesAreDroppedAndValidOnesKept() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        let llm = ScriptedLLM { _ in
            ["reply": "Thanks! How often do you fill up?", "done": false, "opt_out": false, "asking_about": "visits_per_month", "declined": [],
             "extracted": [["field": "visits_per_month", "value": "lots"], ["field": "uses_loyalty_card", "value": "maybe"],
                           ["field": "fuel_brand", "value": "shell"], ["field": "litre_price", "value": 99], ["field": "made_up", "value": 1]]]
        }
        let result = try await harness.inbound(dana, "Shell, lots, maybe", sid: "SMtypes", llm: llm)
        #expect(result["outcome"] == "handled")
        let conversation = try await harness.conversation(try conversationID(dana, campaign: campaign))
        #expect(conversation["extracted"] == ["fuel_brand": "Shell"])
        #expect(conversation["status"] == "active")
        #expect(conversation["missing_fields"]?.arrayValue?.count == 4)
    }

    @Test func anLLMFailureKeepsTheMessageAndAJobAnswersItOnce() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        let failing = ScriptedLLM { _ in throw BundleError(.upstreamFailed, "the model is down") }
        let result = try await harness.inbound(dana, "Sure", sid: "SMfail", llm: failing)
        #expect(result["outcome"] == "retry_scheduled")
        let jobID = try #require(result["retry_job_id"]?.intValue)
        let job = try #require(try JobQueue(database: harness.database).job(jobID))
        #expect(job.function == "process-conversation")
        let id = try conversationID(dana, campaign: campaign)
        #expect(job.input == ["id": .number(Double(id))])
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE provider_sid = 'SMfail' AND status = 'received'") == 1)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'outbound' AND kind = 'reply'") == 0)

        let context = harness.context(llm: OfflineProvider())
        let processed = try await ProcessConversationHandler().handle(try harness.decode(ProcessConversationHandler.Input.self, ["id": .number(Double(id))]),
                                                                      context: context)
        let output = try JSONValue(encoding: processed)
        #expect(output["handled"]?.arrayValue?.count == 1)
        // A retry job that died does not stand in the way of the next one.
        try harness.database.write { sql in try sql.execute("UPDATE jobs SET status = 'dead'") }
        let next = try ProcessConversationHandler.enqueue(id, reason: "test", context: harness.context())
        #expect(next != jobID)
        #expect(try ProcessConversationHandler.enqueue(id, reason: "test", context: harness.context()) == next, "one active job at a time")
        let again = try JSONValue(encoding: try await ProcessConversationHandler().handle(
            try harness.decode(ProcessConversationHandler.Input.self, ["id": .number(Double(id))]), context: context))
        #expect(again["handled"] == [])
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'outbound' AND kind = 'reply'") == 1)
    }

    @Test func concurrentMessagesToOneConversationAreHandledOneAtATimeInOrder() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana], schema: [
            ["name": "a", "type": "string", "description": "A"], ["name": "b", "type": "string", "description": "B"],
            ["name": "c", "type": "string", "description": "C"], ["name": "d", "type": "string", "description": "D"],
            ["name": "e", "type": "string", "description": "E"], ["name": "f", "type": "string", "description": "F"],
        ])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        let running = Mutex((now: 0, peak: 0))
        let llm = ScriptedLLM { request in
            running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            try await Task.sleep(for: .milliseconds(40))
            running.withLock { $0.now -= 1 }
            let latest = request.messages[0].content.split(separator: "\n").last { $0.hasPrefix("Participant's latest message: ") } ?? ""
            return ["reply": .string("Noted \(latest.dropFirst("Participant's latest message: ".count))."), "done": false,
                    "asking_about": nil, "declined": [], "extracted": [], "opt_out": false]
        }
        let path = harness.directory.file("bundle.sqlite")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<5 {
                group.addTask {
                    // Each webhook is its own process with its own connection.
                    let database = try TestDatabase.open(path, migrations: ProvidersSchema.migrations + JobsSchema.migrations + InterviewsSchema.migrations)
                    let client = LLMClient(provider: llm, recorder: DatabaseLLMCallRecorder(database: database), function: "test")
                    let context = FunctionContext(function: "inbound-message", requestID: "r\(index)", config: Config(["TWILIO_SIGNATURE_CHECK": "off"]),
                                                  clock: BundleClock(frozenAt: Timestamp.parse("2026-03-02T09:05:00Z")!), logger: .discarding,
                                                  deadline: Deadline(seconds: 30), database: database, transport: NoNetwork(), llm: client)
                    let input: JSONValue = ["MessageSid": .string("SMc\(index)"), "From": .string("whatsapp:" + dana), "Body": .string("m\(index)")]
                    _ = try await InboundMessageHandler().handle(input, context: context)
                }
            }
            try await group.waitForAll()
        }
        #expect(running.withLock { $0.peak } == 1, "one agent step at a time")
        let messages = try await harness.conversation(try conversationID(dana, campaign: campaign))["messages"]?.arrayValue ?? []
        let inbound = messages.filter { $0["direction"] == "inbound" }
        let replies = messages.filter { $0["kind"] == "reply" && $0["direction"] == "outbound" }
        #expect(inbound.count == 5)
        #expect(replies.count == 5, "one reply per message")
        #expect(replies.map { $0["in_reply_to"] } == inbound.map { $0["id"] }, "replies follow arrival order")
        #expect(replies.map { $0["body"]?.stringValue ?? "" } == inbound.map { "Noted \($0["body"]?.stringValue ?? "")." })
        // Each step saw the ones before it.
        let prompts = llm.requests.map { $0.messages[0].content }
        #expect(prompts.count == 5)
        let last = try #require(prompts.last)
        #expect(last.components(separatedBy: "\nYou: Noted m").count == 5, "the four earlier replies, each after its message: \(last)")
    }
}

extension InterviewFlowTests {
    @Test func aNoAtTheInvitationEndsPolitelyAndAQuestionGetsAnAnswer() async throws {
        let sam = "+447700900123"
        let campaign = try await harness.launchedCampaign(phones: [dana, sam])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        #expect(try await harness.inbound(dana, "No thanks", sid: "SMno")["outcome"] == "handled")
        let declined = try await harness.conversation(try conversationID(dana, campaign: campaign))
        #expect(declined["status"] == "abandoned")
        #expect(declined["end_reason"] == "declined")
        #expect(declined["messages"]?.arrayValue?.last?["kind"] == "goodbye")
        _ = try await harness.inbound(sam, "What is this about?", sid: "SMwhat")
        let asked = try await harness.conversation(try conversationID(sam, campaign: campaign))
        #expect(asked["messages"]?.arrayValue?.last?["body"]?.stringValue?.hasPrefix("It's a short study (Gas station habits)") == true)
    }

    @Test func maxTurnsEndsTheInterviewWithAThankYou() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana], maxTurns: 2)
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        _ = try await harness.inbound(dana, "Sure", sid: "SMt1")
        _ = try await harness.inbound(dana, "Aral", sid: "SMt2")
        let conversation = try await harness.conversation(try conversationID(dana, campaign: campaign))
        #expect(conversation["status"] == "completed")
        #expect(conversation["end_reason"] == "max_turns")
        #expect(conversation["extracted"] == ["fuel_brand": "Aral"])
        #expect(conversation["messages"]?.arrayValue?.last?["kind"] == "thanks")
    }

    @Test func quietConversationsEndAndStrandedMessagesGetAJob() async throws {
        let sam = "+447700900123"
        let campaign = try await harness.launchedCampaign(phones: [dana, sam])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        // Sam's message is stored but its step failed, and no job ran (as if the process died).
        _ = try await harness.inbound(sam, "Sure", sid: "SMq", llm: ScriptedLLM { _ in throw BundleError(.upstreamFailed, "down") })
        try harness.database.write { sql in try sql.execute("DELETE FROM jobs") }
        let swept = try await harness.sendOutreach(now: "2026-03-05T10:00:00Z", ["CONVERSATION_TIMEOUT_HOURS": "72"])
        #expect(swept["abandoned_quiet"] == 1, "Dana never answered in 72 hours")
        #expect(try await harness.conversation(try conversationID(dana, campaign: campaign))["end_reason"] == "no_reply")
        #expect(swept["requeued_conversations"] == [.number(Double(try conversationID(sam, campaign: campaign)))])
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs WHERE function = 'process-conversation'") == 1)
    }
}
