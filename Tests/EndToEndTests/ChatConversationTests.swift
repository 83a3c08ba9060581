import Catalog
import Core
import Foundation
import Providers
import TestSupport
import Testing

/// The conversation functions end to end: each binary piped with its fixture, then the Slack
/// import through real nginx + fcgiwrap signed with Slack's own SDK (slack_sdk from PyPI), and
/// the list and one conversation read back through nginx with an API key.
@Suite(.serialized) struct ChatConversationTests {
    @Test func theConversationFunctionsFromFixturesAsPipedBinaries() throws {
        let directory = try TemporaryDirectory()
        // Piped, import-slack-thread has no Slack signature to check: fixtures run with the check off.
        let environment = ["BUNDLE_NOW": "2026-12-02T09:00:00Z", "SLACK_SIGNATURE_CHECK": "off"]
        func run(_ name: String, _ stdin: String, exit: Int32 = 0, checked: Bool = false) throws -> JSONValue {
            let result = try Binaries.run(name, stdin: stdin, environment: checked ? ["BUNDLE_NOW": "2026-12-02T09:00:00Z"] : environment,
                                          workingDirectory: directory.path)
            #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
            let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
            if exit == 0, let manifest = Catalog.manifest(named: name) {
                let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
            return json
        }
        let unsigned = try run("import-slack-thread", try Fixtures.text("import-slack-thread/offsite-thread.json"), exit: 77, checked: true)
        #expect(unsigned["error"]?["code"] == "forbidden")
        let imported = try run("import-slack-thread", try Fixtures.text("import-slack-thread/offsite-thread.json"))
        #expect(imported["outcome"] == "created")
        #expect(imported["conversation"]?["id"] == 1 && imported["conversation"]?["source"] == "slack")
        #expect(imported["conversation"]?["title"] == "@here Where should the offsite be this year? @Grace has the budget.")
        let again = try run("import-slack-thread", try Fixtures.text("import-slack-thread/offsite-thread.json"))
        #expect(again["outcome"] == "unchanged" && again["conversation"]?["id"] == 1)

        let listed = try run("list-chats", try Fixtures.text("list-chats/offsite.json"))
        #expect(listed["total"] == 1 && listed["conversations"]?.arrayValue?.first?["message_count"] == 3)
        let chat = try run("get-chat", try Fixtures.text("get-chat/first.json"))
        #expect(chat["messages"]?.arrayValue?.compactMap { $0["role"]?.stringValue } == ["user", "user", "assistant"])
        #expect(chat["messages"]?.arrayValue?[1]["content"] == "Lisbon fits: see the venue list (https://example.com/venues?city=lisbon&size=40) & prices.")
        #expect(chat["imported_chat"]?.arrayValue?.count == 3 && chat["branches"] == [])
        let renamed = try run("update-chat", try Fixtures.text("update-chat/rename.json"))
        #expect(renamed["title"] == "Offsite 2026: Lisbon" && renamed["title_edited"] == true)
        let deleted = try run("delete-chat", try Fixtures.text("delete-chat/first.json"))
        #expect(deleted == ["deleted": true, "id": 1])
        let gone = try run("get-chat", try Fixtures.text("get-chat/first.json"), exit: 66)
        #expect(gone["error"]?["code"] == "not_found")
        let blank = try run("update-chat", #"{"id": 1, "title": "   "}"#, exit: 65)
        #expect(blank["error"]?["code"] == "validation_failed")
    }

    /// Whether Slack's SDK is importable; `BUNDLE_REQUIRE_PYTHON_PACKAGES=1` (infra/dev test)
    /// makes its absence a failure instead of a skip.
    static let slackSDKInstalled: Bool = {
        let result = try? Binaries.run("/usr/bin/env", arguments: ["python3", "-c", "import slack_sdk.signature"],
                                       environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                       workingDirectory: NSTemporaryDirectory())
        return result?.exitCode == 0
    }()
    static var slackSDKEnabled: Bool { slackSDKInstalled || ProcessInfo.processInfo.environment["BUNDLE_REQUIRE_PYTHON_PACKAGES"] == "1" }

    /// The signature Slack's own SDK computes for this timestamp and body.
    static func slackSignature(secret: String, timestamp: String, body: String) throws -> String {
        let script = """
            import sys
            from slack_sdk.signature import SignatureVerifier
            print(SignatureVerifier(sys.argv[1]).generate_signature(timestamp=sys.argv[2], body=sys.stdin.read()))
            """
        let result = try Binaries.run("/usr/bin/env", arguments: ["python3", "-c", script, secret, timestamp], stdin: body,
                                      environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                                      workingDirectory: NSTemporaryDirectory())
        guard result.exitCode == 0 else { throw BundleError(.internal, "slack_sdk failed: \(result.stderr)") }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: ChatConversationTests.slackSDKEnabled, "the PyPI package slack_sdk is not installed (infra/dev test installs it)"))
    func aSlackThreadSignedBySlacksSDKThroughNginxThenReadBack() throws {
        let secret = "e2e-slack-signing-secret"
        let server = try NginxServer(mode: .direct, environment: ["SLACK_SIGNING_SECRET": secret])
        let body = try Fixtures.text("import-slack-thread/offsite-thread.json")
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let signature = try Self.slackSignature(secret: secret, timestamp: timestamp, body: body)
        #expect(signature == SlackSignature.signature(secret: secret, timestamp: timestamp, body: Array(body.utf8)))
        var headers = ["Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature]

        let tampered = body.replacingOccurrences(of: "Lisbon fits", with: "Paris fits")
        #expect(try server.send("POST", "/api/conversations/import-slack", headers: headers, body: tampered).status == 401)
        #expect(try server.send("POST", "/api/conversations/import-slack", headers: ["Content-Type": "application/json"], body: body).status == 401)
        let imported = try server.send("POST", "/api/conversations/import-slack", headers: headers, body: body)
        #expect(imported.status == 201, "\(imported.text)")
        let id = try #require(imported.json?["conversation"]?["id"]?.intValue)

        let key = try server.createKey()
        #expect(try server.send("GET", "/api/conversations").status == 401)
        let listed = try server.send("GET", "/api/conversations?q=OFFSITE&limit=5", headers: ["X-API-Key": key])
        #expect(listed.status == 200)
        #expect(listed.json?["conversations"]?.arrayValue?.compactMap { $0["id"]?.intValue } == [id])
        let chat = try server.send("GET", "/api/conversations/\(id)?include_branches=true", headers: ["X-API-Key": key])
        #expect(chat.status == 200)
        #expect(chat.json?["messages"]?.arrayValue?.count == 3 && chat.json?["messages"]?.arrayValue?.first?["attachments"] == ["budget.xlsx"])

        // An API key instead of Slack's signature.
        headers = ["Content-Type": "application/json", "X-API-Key": key]
        let keyed = try server.send("POST", "/api/conversations/import-slack", headers: headers,
                                    body: #"{"channel":"C2","messages":[{"ts":"1764665000.1","text":"hi","user":"U1"}]}"#)
        #expect(keyed.status == 201, "\(keyed.text)")
        let bogusKey = try server.send("POST", "/api/conversations/import-slack", headers: ["Content-Type": "application/json", "X-API-Key": "fbk_nope"],
                                       body: #"{"channel":"C3","messages":[{"ts":"1.0","text":"hi"}]}"#)
        #expect(bogusKey.status == 401)
    }
}
