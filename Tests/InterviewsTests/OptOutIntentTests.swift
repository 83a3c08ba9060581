import Core
import Foundation
import Interviews
import Providers
import Store
import TestSupport
import Testing

/// Opt-outs said in a sentence: short messages whose intent is to stop opt the person out at
/// reception; longer ones are recognised by the agent step; either way the person is opted out
/// everywhere, and no sentence about stopping is ever stored as an answer.
@Suite struct OptOutIntentTests {
    let harness: Harness
    let dana = "+4915112345678"
    static let ageSchema: JSONValue = [
        ["name": "age_range", "type": "string", "description": "Your age bracket, for example 25-34"],
        ["name": "switch_reason", "type": "string", "description": "What would make you switch to another station"],
    ]

    init() throws {
        harness = try Harness()
    }

    func conversation(campaign: Int) async throws -> JSONValue {
        let id = try harness.database.read { sql in
            try sql.queryOne("SELECT c.id FROM conversations c JOIN users u ON u.id = c.user_id WHERE u.phone = ? AND c.campaign_id = ?",
                             dana, campaign)?.int("id") ?? 0
        }
        return try await harness.conversation(id)
    }

    @Test func shortMessagesThatMeanStop() {
        for text in ["please stop", "I want to quit", "stop messaging me", "cancel please", "Please STOP!", "stop it", "Opt out",
                     "remove me from this list", "I'm done, stop", "leave me alone", "don't message me again", "I quit", "unsubscribe me"] {
            #expect(OptOutWords.isOptOut(text), "\(text)")
        }
        for text in ["I stop at the station on my way", "stop by later", "don't stop", "We usually stop at Aral", "the end of the month",
                     "If they stop the discounts", "I never stop anywhere else", "Cancel? No, I just fill up"] {
            #expect(!OptOutWords.isOptOut(text), "\(text)")
        }
        // A true answer opts the person out everywhere: a noun, a place or a habit is an answer.
        for text in ["A quick stop", "At the bus stop", "at the end", "Towards the end", "The end", "Stop and go traffic mostly",
                     "I have to stop", "I quit smoking", "I want to stop at Aral on the way", "I don't want to stop", "Beginning, end",
                     "stop now and then", "The one near the bus stop", "I didn't opt out"] {
            #expect(!OptOutWords.isOptOut(text), "\(text)")
        }
        // An instruction or a wish, however it is phrased.
        for text in ["opt me out", "Please remove my number", "I'm done", "no more messages", "STOP STOP", "Stop now please",
                     "can you stop texting me?", "I'd like to unsubscribe", "I don't want to continue", "end this survey", "No. Stop.",
                     "Thanks, I'm done"] {
            #expect(OptOutWords.isOptOut(text), "\(text)")
        }
        #expect(OptOutWords.wantsToStop("Sorry, I am really busy these days. Stop.", maxWords: 40))
        #expect(!OptOutWords.wantsToStop("On the way home from work I usually make a quick stop at the one near the bus stop", maxWords: 40))
        // Longer than a short message: the agent decides, reception does not.
        #expect(!OptOutWords.isOptOut("I have been thinking about it a lot and please stop messaging me"))
        #expect(OptOutWords.wantsToStop("I have been thinking about it a lot and please stop messaging me", maxWords: 40))
    }

    @Test func aSentenceOptsOutWithOneGoodbyeAndNoLLMCall() async throws {
        let first = try await harness.launchedCampaign(phones: [dana])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        let result = try await harness.inbound(dana, "please stop messaging me", sid: "SMplease", llm: ScriptedLLM.forbidden())
        #expect(result["outcome"] == "opted_out")
        #expect(result["replies"]?.arrayValue?.count == 1)
        let ended = try await conversation(campaign: first)
        #expect(ended["status"] == "abandoned")
        #expect(ended["end_reason"] == "opted_out")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM users WHERE opted_out_at IS NOT NULL AND opt_out_reason LIKE 'asked to stop%'") == 1)
        let later = try await harness.launchedCampaign(phones: [dana])
        #expect(try await harness.campaign(later)["counts"]?["total"] == 0, "later campaigns skip the person")
    }

    @Test func anAnswerWithTheWordStopGoesToTheAgent() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana])
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        let result = try await harness.inbound(dana, "I stop at the station on my way", sid: "SMway")
        #expect(result["outcome"] == "handled")
        #expect(try await conversation(campaign: campaign)["status"] == "active")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM users WHERE opted_out_at IS NOT NULL") == 0)
    }

    @Test func theAgentReportsAnOptOutAndThePersonIsOptedOut() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana], schema: Self.ageSchema)
        let other = try await harness.launchedCampaign(phones: [dana], schema: Self.ageSchema)
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        let llm = ScriptedLLM { _ in
            ["reply": "Understood, goodbye!", "done": true, "opt_out": true, "asking_about": nil, "declined": [],
             "extracted": [["field": "age_range", "value": "busy"]]]
        }
        let long = "Honestly I am far too busy for this kind of thing right now, so no thank you, and do not write again"
        let result = try await harness.inbound(dana, long, sid: "SMlong", llm: llm)
        #expect(result["outcome"] == "handled")
        #expect(llm.requests.count == 1)
        // The message answers the conversation written to last; the person's other one ends too.
        for id in [campaign, other] {
            let ended = try await conversation(campaign: id)
            #expect(ended["status"] == "abandoned")
            #expect(ended["end_reason"] == "opted_out")
            #expect(ended["extracted"] == [:], "nothing from a goodbye is kept")
        }
        #expect(try await conversation(campaign: other)["messages"]?.arrayValue?.last?["kind"] == "goodbye")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE kind = 'goodbye'") == 1, "one goodbye")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM users WHERE opted_out_at IS NOT NULL") == 1)
        #expect(try await harness.campaign(try await harness.launchedCampaign(phones: [dana]))["counts"]?["total"] == 0)
    }

    @Test func theOfflineAgentNeverStoresAStopSentenceAsAnAnswer() async throws {
        let campaign = try await harness.launchedCampaign(phones: [dana], schema: Self.ageSchema)
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z")
        _ = try await harness.inbound(dana, "Sure", sid: "SMsure")
        #expect(try await conversation(campaign: campaign)["messages"]?.arrayValue?.last?["body"]?.stringValue?.contains("age bracket") == true)
        let long = "Sorry, I'm really busy with work these days, so please stop messaging me about this"
        _ = try await harness.inbound(dana, long, sid: "SMbusy")
        let ended = try await conversation(campaign: campaign)
        #expect(ended["extracted"]?["age_range"] == nil)
        #expect(ended["end_reason"] == "opted_out")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM users WHERE opted_out_at IS NOT NULL") == 1)
    }

    @Test func extractedTextMustFitTheField() throws {
        let age = ExtractionField(name: "age_range", type: .string, description: "Your age bracket, for example 25-34")
        #expect(try age.check("25-34").get() == "25-34")
        #expect((try? age.check("please stop messaging me").get()) == nil)
        #expect((try? age.check("well I would rather not say how old I am to be honest").get()) == nil, "a sentence, not a bracket")
        #expect((try? age.check("what do you mean?").get()) == nil)
        let reason = ExtractionField(name: "switch_reason", type: .string, description: "What would make you switch to another station")
        let answer = "If the prices went up again and the car wash stayed closed on Sundays, I would try the other one"
        #expect(try reason.check(.string(answer)).get() == .string(answer), "free text may be a sentence")
        #expect((try? reason.check("stop messaging me").get()) == nil)
        let station = ExtractionField(name: "current_station", type: .string, description: "The station the person usually uses")
        #expect(try station.check("The one near the bus stop").get() == "The one near the bus stop", "a place, not a request to stop")
        #expect(try reason.check("At the end of the month when the prices go up").get() == "At the end of the month when the prices go up")
        #expect((try? reason.check(.string(String(repeating: "a", count: 1001))).get()) == nil)
    }
}
