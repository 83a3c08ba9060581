import Core
import Foundation
import Providers
import Testing
import Workspace

/// import-slack-thread: who may call it (Slack's signature or an API key), and what a thread
/// becomes.
@Suite struct SlackImportTests {
    static let secret = "shh-its-a-secret"
    /// 2025-12-02T09:00:00Z, the clock of these tests.
    static let timestamp = "1764666000"
    static let body = #"{"channel":"C1","messages":[{"ts":"1764665000.000100","text":"hi","user":"U1"}]}"#

    let harness: WorkspaceHarness

    init() throws {
        harness = try WorkspaceHarness()
    }

    @Test func theSignatureIsSlacksV0HMAC() {
        // Computed independently with Python's hmac module.
        #expect(SlackSignature.signature(secret: Self.secret, timestamp: Self.timestamp, body: Array(Self.body.utf8))
                == "v0=b57a133da57d11ea91ca7b8f838238061dc01f7fd7697890e83996ab5b6a9688")
    }

    func envelope(body: String = SlackImportTests.body, signature: String? = nil, timestamp: String? = SlackImportTests.timestamp,
                  principal: String? = nil) -> JSONValue {
        var headers: [String: JSONValue] = ["content-type": "application/json"]
        let signed = signature ?? SlackSignature.signature(secret: Self.secret, timestamp: timestamp ?? "", body: Array(body.utf8))
        if timestamp != nil {
            headers["x-slack-request-timestamp"] = timestamp.map(JSONValue.string)
            headers["x-slack-signature"] = .string(signed)
        }
        return ["method": "POST", "path": "/api/conversations/import-slack", "headers": .object(headers), "raw_body": .string(body),
                "principal": principal.map(JSONValue.string) ?? .null]
    }

    func post(_ http: JSONValue, body: String = SlackImportTests.body, secret: String? = SlackImportTests.secret,
              now: String = "2025-12-02T09:00:00Z") async throws -> JSONValue {
        let context = harness.context(secret.map { ["SLACK_SIGNING_SECRET": $0] } ?? [:], http: http, now: now)
        return try await harness.call(ImportSlackThreadHandler(), try JSONValue(parsing: Array(body.utf8)), context: context)
    }

    @Test func aSignedThreadIsImported() async throws {
        let answer = try await post(envelope())
        #expect(answer["outcome"] == "created")
        #expect(answer["conversation"]?["source"] == "slack" && answer["conversation"]?["source_id"] == "C1:1764665000.000100")
        #expect(try harness.count("workspace_conversations") == 1)
    }

    @Test func refusedRequestsStoreNothing() async throws {
        let tampered = Self.body.replacingOccurrences(of: "hi", with: "HI")
        let cases: [(JSONValue, String, String)] = [
            (envelope(body: Self.body), tampered, "tampered body"),
            (envelope(signature: "v0=" + String(repeating: "0", count: 64)), Self.body, "wrong signature"),
            (envelope(timestamp: "1764665699"), Self.body, "stale (5 min 1 s)"),
            (envelope(timestamp: "1764666301"), Self.body, "future (5 min 1 s)"),
            (envelope(timestamp: "17646660oo"), Self.body, "malformed timestamp"),
            (envelope(timestamp: nil), Self.body, "no headers"),
        ]
        for (http, body, label) in cases {
            var http = http
            if label == "tampered body", case .object(var fields) = http { fields["raw_body"] = .string(body); http = .object(fields) }
            let error = await harness.error { _ = try await post(http, body: body) }
            #expect(error?.code == .unauthorized, "\(label)")
        }
        #expect(try harness.count("workspace_conversations") == 0)
        // Within the window either way is fine.
        _ = try await post(envelope(timestamp: "1764665701"))
        _ = try await post(envelope(timestamp: "1764666299"))
    }

    @Test func anAPIKeyWorksInsteadOfASignatureAndAMissingSecretIsNamed() async throws {
        var http = envelope(timestamp: nil)
        if case .object(var fields) = http { fields["principal"] = "api_key:ops"; http = .object(fields) }
        let answer = try await post(http, secret: nil)
        #expect(answer["outcome"] == "created")
        let unconfigured = await harness.error { _ = try await post(envelope(), secret: nil) }
        #expect(unconfigured?.code == .misconfigured && unconfigured?.message.contains("SLACK_SIGNING_SECRET") == true)
    }

    @Test func querySeparateFromTheSignedBodyCannotChangeTheThread() async throws {
        // The runtime merges query parameters over body fields: the handler sees channel CX,
        // the signed body says C1.
        let merged = #"{"channel":"CX","title":"forged","messages":[{"ts":"1764665000.000100","text":"hi","user":"U1"}]}"#
        var http = envelope()
        if case .object(var fields) = http { fields["query"] = "channel=CX&title=forged"; http = .object(fields) }
        let answer = try await post(http, body: merged)
        #expect(answer["conversation"]?["source_id"] == "C1:1764665000.000100")
        #expect(answer["conversation"]?["title"] == "hi")
        let stored = try harness.database.read { try $0.query("SELECT source_id FROM workspace_conversations").map { try $0.string("source_id") } }
        #expect(stored == ["C1:1764665000.000100"])
    }

    @Test func aPipedCallIsRefusedUnlessTheCheckIsOff() async throws {
        let input = try JSONValue(parsing: Array(Self.body.utf8))
        let refused = await harness.error { _ = try await harness.call(ImportSlackThreadHandler(), input, context: harness.context()) }
        #expect(refused?.code == .forbidden && refused?.message.contains("SLACK_SIGNATURE_CHECK=off") == true)
        #expect(try harness.count("workspace_conversations") == 0)
        let accepted = try await harness.call(ImportSlackThreadHandler(), input, context: harness.context(["SLACK_SIGNATURE_CHECK": "off"]))
        #expect(accepted["outcome"] == "created")
    }

    @Test func slacksURLVerificationIsAnsweredWhenSigned() async throws {
        let body = #"{"type":"url_verification","token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#
        let answer = try await post(envelope(body: body), body: body)
        #expect(answer["challenge"] == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
        #expect(answer["_http"]?["status"] == 200)
        let unsigned = await harness.error { _ = try await post(envelope(body: body, signature: "v0=00"), body: body) }
        #expect(unsigned?.code == .unauthorized)
    }

    @Test func aThreadBecomesAConversationWithRolesCleanTextAndATitle() throws {
        let replies: JSONValue = [
            "ok": true, "has_more": false,
            "messages": [
                ["type": "message", "user": "U2", "text": "Thanks <@U1>! See <https://example.com/a?b=1&amp;c=2|the doc> &amp; <#C9|ops>",
                 "ts": "1764665100.000200", "thread_ts": "1764665000.000100"],
                ["type": "message", "user": "U1", "text": "<!here> Where should the offsite be this year, and who books the venue? We need an answer by Friday.",
                 "ts": "1764665000.000100", "thread_ts": "1764665000.000100", "files": [["name": "budget.xlsx"]]],
                ["type": "message", "bot_id": "B1", "username": "helper", "text": "Lisbon &lt;3 <https://maps.example>", "ts": "1764665200.000300"],
                ["type": "message", "subtype": "channel_join", "user": "U3", "text": "", "ts": "1764665300.000400"],
            ],
        ]
        let withUsers: JSONValue = {
            guard case .object(var fields) = replies else { return replies }
            fields["users"] = ["U1": "Ada"]
            fields["channel"] = "C42"
            return .object(fields)
        }()
        let conversation = try SlackThread.conversation(from: withUsers)
        #expect(conversation.messages.map(\.role) == ["user", "user", "assistant"])
        #expect(conversation.messages[0].content.hasPrefix("@here Where should"))
        #expect(conversation.messages[0].attachments == ["budget.xlsx"])
        #expect(conversation.messages[1].content == "Thanks @Ada! See the doc (https://example.com/a?b=1&c=2) & #ops")
        #expect(conversation.messages[2].content == "Lisbon <3 https://maps.example")
        #expect(conversation.title == "@here Where should the offsite be this year, and who books the venue? We need a…")
        #expect(conversation.title.count == 80)
        #expect(conversation.sourceID == "C42:1764665000.000100")
        #expect(conversation.messages[0].createdAt == Date(timeIntervalSince1970: 1_764_665_000.0001))
        let anonymous = try SlackThread.conversation(from: replies)
        #expect(anonymous.messages[1].content.hasPrefix("Thanks @U1!"))
        #expect(anonymous.sourceID == "1764665000.000100")
    }

    @Test func badThreadsAreValidationErrorsNamingTheField() {
        let cases: [(JSONValue, String)] = [
            (["ok": false, "error": "channel_not_found"], "ok"), ([:], "messages"), (["messages": []], "messages"),
            (["messages": [["text": "no ts"]]], "messages[0].ts"), (["messages": [["ts": "1.0", "text": "<@U1>"]], "permalink": "javascript:x"], "permalink"),
        ]
        for (input, field) in cases {
            do {
                _ = try SlackThread.conversation(from: input)
                Issue.record("accepted \(input)")
            } catch let error as BundleError {
                #expect(error.code == .validationFailed && error.details?.first?.field == field, "\(input)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func reimportingTheThreadUpdatesIt() async throws {
        _ = try await post(envelope())
        let body = #"{"channel":"C1","title":"Offsite","messages":[{"ts":"1764665000.000100","text":"hi","user":"U1"},{"ts":"1764665001.0","text":"hello","bot_id":"B1"}]}"#
        let answer = try await post(envelope(body: body), body: body)
        #expect(answer["outcome"] == "updated" && answer["conversation"]?["title"] == "Offsite" && answer["conversation"]?["message_count"] == 2)
        #expect(try harness.count("workspace_conversations") == 1)
    }

    @Test func mrkdwnCleaningIsLinearOnHostileText() {
        let text = String(repeating: "<", count: 200_000) + String(repeating: "&amp;<@U1|x", count: 20_000)
        #expect(!SlackText.plain(text).isEmpty)
    }
}
