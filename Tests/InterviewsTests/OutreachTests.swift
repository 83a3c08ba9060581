import Core
import Foundation
import Interviews
import Jobs
import Providers
import Runtime
import Store
import TestSupport
import Testing

@Suite struct OutreachTests {
    let harness: Harness

    init() throws {
        harness = try Harness()
    }

    func numbers(_ count: Int) -> [String] { (0..<count).map { "+4915100000\(String(format: "%03d", $0))" } }

    func openings() throws -> Int { try harness.count("SELECT COUNT(*) AS n FROM messages WHERE kind = 'opening'") }

    @Test func twentyFiveNumbersAtTenPerMinuteGoOutOverThreeRuns() async throws {
        try await harness.launchedCampaign(phones: numbers(25), rate: 10)
        let pace = ["OUTREACH_RATE_PER_MINUTE": "10"]
        #expect(try await harness.sendOutreach(now: "2026-03-02T09:00:00Z", pace)["outreach"]?["sent"] == 10)
        // A second run in the same minute finds the minute's budget spent.
        let same = try await harness.sendOutreach(now: "2026-03-02T09:00:40Z", pace)
        #expect(same["outreach"]?["claimed"] == 0)
        #expect(same["outreach"]?["remaining_this_minute"] == 0)
        #expect(try await harness.sendOutreach(now: "2026-03-02T09:01:00Z", pace)["outreach"]?["sent"] == 10)
        #expect(try await harness.sendOutreach(now: "2026-03-02T09:02:00Z", pace)["outreach"]?["sent"] == 5)
        #expect(try await harness.sendOutreach(now: "2026-03-02T09:03:00Z", pace)["outreach"]?["claimed"] == 0)
        #expect(try openings() == 25)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM conversations WHERE status = 'outreach_sent'") == 25)
        // The opening is written once per campaign and recorded as one LLM call.
        #expect(try harness.count("SELECT COUNT(*) AS n FROM llm_calls WHERE step = 'interviews.opening'") == 1)
    }

    @Test func pauseHoldsOutreachAndLaunchResumesWithoutDuplicates() async throws {
        let campaign = try await harness.launchedCampaign(phones: numbers(25), rate: 10)
        let pace = ["OUTREACH_RATE_PER_MINUTE": "10"]
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z", pace)
        let paused = try JSONValue(encoding: try await PauseCampaignHandler().handle(
            try harness.decode(PauseCampaignHandler.Input.self, ["id": .number(Double(campaign))]), context: harness.context()))
        #expect(paused["held"] == 15)
        #expect(paused["campaign"]?["status"] == "paused")
        #expect(try await harness.sendOutreach(now: "2026-03-02T09:01:00Z", pace)["outreach"]?["claimed"] == 0)
        let resumed = try JSONValue(encoding: try await LaunchCampaignHandler().handle(
            try harness.decode(LaunchCampaignHandler.Input.self, ["id": .number(Double(campaign))]),
            context: harness.context(pace, now: "2026-03-02T09:05:00Z")))
        #expect(resumed["launch"]?["conversations_created"] == 0)
        #expect(resumed["launch"]?["resumed"] == 15)
        #expect(resumed["launch"]?["first_due_at"] == "2026-03-02T09:05:00Z")
        #expect(resumed["launch"]?["last_due_at"] == "2026-03-02T09:06:00Z")
        // Launching an active campaign again changes nothing.
        let twice = try JSONValue(encoding: try await LaunchCampaignHandler().handle(
            try harness.decode(LaunchCampaignHandler.Input.self, ["id": .number(Double(campaign))]),
            context: harness.context(pace, now: "2026-03-02T09:05:10Z")))
        #expect(twice["launch"]?["scheduled"] == 0)
        #expect(try await harness.sendOutreach(now: "2026-03-02T09:05:30Z", pace)["outreach"]?["sent"] == 10)
        #expect(try await harness.sendOutreach(now: "2026-03-02T09:06:00Z", pace)["outreach"]?["sent"] == 5)
        #expect(try openings() == 25)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM conversations") == 25)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM outreach_queue WHERE status = 'sent'") == 25)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM users") == 25)
    }

    @Test func openingsThroughTwilioWithATemplateAndItsErrors() async throws {
        let server = try LoopbackServer { request in
            let to = FormFields.value("To", in: request.text) ?? ""
            switch to {
            case "whatsapp:+4915100000001": return .json(400, ["code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400])
            case "whatsapp:+4915100000002": return .json(500, ["code": 20500, "message": "Internal error", "status": 500])
            default: return .json(201, ["sid": .string("SM\(to.suffix(3))"), "status": "queued", "error_code": nil])
            }
        }
        let campaign = try await harness.launchedCampaign(phones: numbers(3))
        let twilio = ["TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "tok", "TWILIO_FROM": "+14155238886", "TWILIO_BASE_URL": server.baseURL,
                      "PUBLIC_BASE_URL": "https://research.example.com/", "TWILIO_OPENING_CONTENT_SID": "HX0123",
                      "UPSTREAM_MAX_ATTEMPTS": "1"]
        // A callback that arrives before our record of the send has its sid is kept and applied then.
        let early = try JSONValue(encoding: try await MessageStatusHandler().handle(["MessageSid": "SM000", "MessageStatus": "sent"],
                                                                                   context: harness.context()))
        #expect(early["updated"] == false)
        let run = try await harness.sendOutreach(now: "2026-03-02T09:00:00Z", twilio, transport: nil)
        #expect(run["outreach"]?["sent"] == 1)
        #expect(run["outreach"]?["opted_out"] == 1)
        #expect(run["outreach"]?["retried"] == 1)
        let first = try #require(server.requests.first { $0.text.contains("000000") })
        #expect(first.path == "/2010-04-01/Accounts/AC123/Messages.json")
        #expect(first.header("Authorization") == "Basic " + Data("AC123:tok".utf8).base64EncodedString())
        #expect(FormFields.value("From", in: first.text) == "whatsapp:+14155238886")
        #expect(FormFields.value("ContentSid", in: first.text) == "HX0123")
        #expect(FormFields.value("ContentVariables", in: first.text) == #"{"1":"Gas station habits"}"#)
        #expect(FormFields.value("StatusCallback", in: first.text) == "https://research.example.com/twilio/status")
        #expect(FormFields.value("Body", in: first.text) == nil)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE provider_sid = 'SM000' AND status = 'sent'") == 1)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM message_status_events") == 0)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM users WHERE phone = '+4915100000001' AND opted_out_at IS NOT NULL") == 1)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM outreach_queue WHERE status = 'scheduled' AND attempts = 1 AND scheduled_at > '2026-03-02T09:00:00'") == 1)

        // Delivery callbacks: forward only; 63016 fails the conversation with the reason.
        let status = MessageStatusHandler()
        let delivered = try JSONValue(encoding: try await status.handle(["MessageSid": "SM000", "MessageStatus": "delivered"], context: harness.context()))
        #expect(delivered["updated"] == true)
        let stale = try JSONValue(encoding: try await status.handle(["MessageSid": "SM000", "MessageStatus": "sent"], context: harness.context()))
        #expect(stale["updated"] == false)
        #expect(stale["status"] == "delivered")
        let failed = try JSONValue(encoding: try await status.handle(["MessageSid": "SM000", "MessageStatus": "failed", "ErrorCode": "63016"],
                                                                     context: harness.context()))
        #expect(failed["conversation_status"] == "failed")
        let conversations = try await ListConversationsHandler().handle(
            try harness.decode(ListConversationsHandler.Input.self, ["id": .number(Double(campaign)), "status": "failed"]), context: harness.context())
        let listed = try JSONValue(encoding: conversations)
        #expect(listed["total"] == 1)
        #expect(listed["conversations"]?[0]?["end_reason"]?.stringValue?.hasPrefix("63016") == true)
        let unknown = try JSONValue(encoding: try await status.handle(["MessageSid": "SMnope", "MessageStatus": "delivered"], context: harness.context()))
        #expect(unknown["updated"] == false)
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}

/// Reads one field of a form body, for checking what was sent.
enum FormFields {
    static func value(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return (parts.count > 1 ? String(parts[1]) : "").removingPercentEncoding }
        }
        return nil
    }
}

extension OutreachTests {
    /// Two cron runs at once, each its own process and connection: the minute's budget is shared
    /// and no opening is claimed twice.
    @Test func overlappingRunsShareTheBudgetAndNeverSendOneOpeningTwice() async throws {
        try await harness.launchedCampaign(phones: numbers(25), rate: 10)
        let path = harness.directory.file("bundle.sqlite")
        let sent = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<3 {
                group.addTask {
                    let database = try TestDatabase.open(path, migrations: ProvidersSchema.migrations + JobsSchema.migrations + InterviewsSchema.migrations)
                    let context = FunctionContext(function: "send-outreach", requestID: "run\(index)", config: Config(["OUTREACH_RATE_PER_MINUTE": "10"]),
                                                  clock: BundleClock(frozenAt: Timestamp.parse("2026-03-02T09:00:10Z")!), logger: .discarding,
                                                  deadline: Deadline(seconds: 30), database: database, transport: NoNetwork())
                    let output = try JSONValue(encoding: try await SendOutreachHandler().handle(NoInput(), context: context))
                    return output["outreach"]?["sent"]?.intValue ?? -1
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(sent == 10)
        #expect(try openings() == 10)
        #expect(try harness.count("SELECT COUNT(DISTINCT conversation_id) AS n FROM messages WHERE kind = 'opening'") == 10)
    }
}
